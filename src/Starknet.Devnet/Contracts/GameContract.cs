using Starknet.Devnet.Execution;

namespace Starknet.Devnet.Contracts;

/// <summary>
/// The sample game contract: every recorded entry point stores <c>(caller, entry point, arguments)</c> and emits
/// <c>ActionRecorded</c> with keys <c>[selector("ActionRecorded"), caller, entry_point_selector]</c> and the arguments as
/// data, so tests can assert what executed. Arguments are taken as they come (any number of felts).
/// </summary>
internal sealed class GameContract : DevnetContract
{
    /// <summary>
    /// The recorded entry points: the game's own (<c>move</c>, <c>craft_item</c>, <c>attack</c>) and every other name the
    /// calls and allowed methods of the session vectors use, so each vector call executes here.
    /// </summary>
    public static IReadOnlyList<string> RecordedEntryPoints { get; } =
    [
        "move", "move_player", "craft_item", "attack", "claim_rewards", "place_bet", "increase_counter",
        "set_number", "set_number_double", "mint", "approve", "transfer", "swap_exact_tokens_for_tokens",
    ];

    public static Felt ActionRecordedEventKey { get; } = Selector.FromName("ActionRecorded");

    private static readonly Felt s_move = Selector.FromName("move");
    private static readonly Felt s_movePlayer = Selector.FromName("move_player");
    private static readonly Dictionary<Felt, string> s_names = RecordedEntryPoints.ToDictionary(Selector.FromName);

    private static readonly Dictionary<Felt, EntryPoint<GameContract>> s_views = new()
    {
        [Selector.FromName("get_move_count")] = static (self, _, _, args) =>
        {
            var account = args.Param().Felt();
            args.End();
            return [(ulong)self._actions.Count(a => a.Caller == account && (a.Selector == s_move || a.Selector == s_movePlayer))];
        },
        [Selector.FromName("get_action_count")] = static (self, _, _, args) =>
        {
            var account = args.Param().Felt();
            var selector = args.Param().Felt();
            args.End();
            return [(ulong)self._actions.Count(a => a.Caller == account && a.Selector == selector)];
        },
        [Selector.FromName("get_total_action_count")] = static (self, _, _, args) =>
        {
            args.End();
            return [(ulong)self._actions.Count];
        },
    };

    private readonly List<GameAction> _actions = [];

    public GameContract(Felt address)
        : base(address)
    {
    }

    public IReadOnlyList<GameAction> Actions => _actions;

    public override IReadOnlyList<Felt> Invoke(TxContext ctx, Felt caller, Felt selector, IReadOnlyList<Felt> calldata)
    {
        if (!s_names.TryGetValue(selector, out var name))
        {
            return Dispatch(this, s_views, ctx, caller, selector, calldata);
        }
        var arguments = calldata.ToArray();
        _actions.Add(new GameAction(Address, caller, name, selector, arguments, ctx.TransactionHash, ctx.BlockNumber));
        ctx.Write(() => _actions.RemoveAt(_actions.Count - 1));
        ctx.Emit(Address, [ActionRecordedEventKey, caller, selector], arguments);
        return [];
    }
}
