namespace Starknet.Devnet;

/// <summary>A call the sample game contract recorded (see <see cref="DevnetState.GetGameActions(Felt?)"/>).</summary>
/// <param name="Contract">The game contract called.</param>
/// <param name="Caller">Who called it: the account that executed the call (for outside execution too).</param>
/// <param name="EntryPoint">The entry point's name, for example <c>craft_item</c>.</param>
/// <param name="Selector">The entry point's selector.</param>
/// <param name="Arguments">The calldata, as sent.</param>
/// <param name="TransactionHash">The transaction that ran the call.</param>
/// <param name="BlockNumber">The block it ran in.</param>
public sealed record GameAction(Felt Contract, Felt Caller, string EntryPoint, Felt Selector, IReadOnlyList<Felt> Arguments, Felt TransactionHash, ulong BlockNumber);
