using System.Numerics;
using Starknet.Devnet.Execution;

namespace Starknet.Devnet.Contracts;

/// <summary>
/// The STRK fee token, a minimal ERC-20 (OpenZeppelin Cairo names and errors): <c>balance_of</c> / <c>balanceOf</c>,
/// <c>transfer</c>, <c>name</c>, <c>symbol</c>, <c>decimals</c>, <c>total_supply</c> / <c>totalSupply</c>. Amounts are
/// u256 <c>[low, high]</c>; balances are kept as u128 (far above any supply). Fees move from the sender to the
/// sequencer with a <c>Transfer</c> event.
/// </summary>
internal sealed class FeeTokenContract : DevnetContract
{
    public static Felt TransferEventKey { get; } = Selector.FromName("Transfer");

    private static readonly Felt s_name = CairoShortString.Encode("Starknet Token");
    private static readonly Felt s_symbol = CairoShortString.Encode("STRK");

    private static readonly Dictionary<Felt, EntryPoint<FeeTokenContract>> s_entryPoints = new()
    {
        [Selector.FromName("balance_of")] = BalanceOf,
        [Selector.FromName("balanceOf")] = BalanceOf,
        [Selector.FromName("transfer")] = Transfer,
        [Selector.FromName("name")] = static (_, _, _, args) => View(args, s_name),
        [Selector.FromName("symbol")] = static (_, _, _, args) => View(args, s_symbol),
        [Selector.FromName("decimals")] = static (_, _, _, args) => View(args, 18),
        [Selector.FromName("total_supply")] = TotalSupply,
        [Selector.FromName("totalSupply")] = TotalSupply,
    };

    private readonly Dictionary<Felt, UInt128> _balances = [];

    public FeeTokenContract(Felt address)
        : base(address)
    {
    }

    public UInt128 BalanceOf(Felt account) => _balances.TryGetValue(account, out var balance) ? balance : UInt128.Zero;

    /// <summary>Sets a balance outside any transaction (genesis, tests).</summary>
    public void SetBalance(Felt account, UInt128 amount) => _balances[account] = amount;

    public override IReadOnlyList<Felt> Invoke(TxContext ctx, Felt caller, Felt selector, IReadOnlyList<Felt> calldata) =>
        Dispatch(this, s_entryPoints, ctx, caller, selector, calldata);

    /// <summary>Moves <paramref name="amount"/> from <paramref name="from"/> to <paramref name="to"/> and emits <c>Transfer</c>.</summary>
    public void Move(TxContext ctx, Felt from, Felt to, UInt128 amount)
    {
        var fromBalance = BalanceOf(from);
        if (fromBalance < amount)
        {
            throw new ContractPanicException("ERC20: insufficient balance");
        }
        SetTracked(ctx, from, fromBalance - amount);
        var toBalance = BalanceOf(to);
        SetTracked(ctx, to, toBalance + amount);
        ctx.Emit(Address, [TransferEventKey, from, to], FeltValues.U256(amount));
    }

    private void SetTracked(TxContext ctx, Felt account, UInt128 value)
    {
        var existed = _balances.TryGetValue(account, out var previous);
        _balances[account] = value;
        ctx.Write(() =>
        {
            if (existed)
            {
                _balances[account] = previous;
            }
            else
            {
                _balances.Remove(account);
            }
        });
    }

    private static IReadOnlyList<Felt> View(CalldataReader args, Felt value)
    {
        args.End();
        return [value];
    }

    private static Felt[] BalanceOf(FeeTokenContract self, TxContext ctx, Felt caller, CalldataReader args)
    {
        var account = args.Param().Felt();
        args.End();
        return FeltValues.U256(self.BalanceOf(account));
    }

    private static Felt[] TotalSupply(FeeTokenContract self, TxContext ctx, Felt caller, CalldataReader args)
    {
        args.End();
        var total = BigInteger.Zero;
        foreach (var balance in self._balances.Values)
        {
            total += balance;
        }
        return FeltValues.U256(FeeModel.Saturate(total));
    }

    private static IReadOnlyList<Felt> Transfer(FeeTokenContract self, TxContext ctx, Felt caller, CalldataReader args)
    {
        var recipient = args.Param().Felt();
        var (low, high) = args.Param().U256();
        args.End();
        if (recipient.IsZero)
        {
            throw new ContractPanicException("ERC20: transfer to 0");
        }
        if (high != 0)
        {
            throw new ContractPanicException("ERC20: insufficient balance");
        }
        self.Move(ctx, caller, recipient, low);
        return [Felt.One];
    }
}
