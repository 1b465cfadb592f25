using Starknet.Transactions;

namespace Starknet.Rpc;

/// <summary>
/// The spec's <c>BROADCASTED_INVOKE_TXN</c> (INVOKE v3): the hashed transaction fields plus the signature. It is what
/// <c>starknet_addInvokeTransaction</c> submits and what <c>starknet_estimateFee</c> estimates.
/// </summary>
/// <param name="Transaction">
/// The transaction. <see cref="InvokeTransactionV3.ChainId"/> is not sent (the node knows its chain); it only enters the
/// hash the signature covers. Use <see cref="TransactionVersion.V3Query"/> for estimation, <see cref="TransactionVersion.V3"/>
/// for submission. <see cref="InvokeTransactionV3.ProofFacts"/> is sent only when present and non-empty.
/// </param>
/// <param name="Signature">The account's signature array (for Argent sessions, the session token of spec §10).</param>
public sealed record BroadcastedInvokeV3(InvokeTransactionV3 Transaction, IReadOnlyList<Felt> Signature)
{
    /// <summary>The transaction hash the signature covers (<see cref="InvokeTransactionV3.ComputeHash"/>).</summary>
    public Felt ComputeHash() => Transaction.ComputeHash();
}

/// <summary>The spec's <c>SIMULATION_FLAG_FOR_ESTIMATE_FEE</c> values for <c>starknet_estimateFee</c>.</summary>
[Flags]
public enum SimulationOptions
{
    /// <summary>Replicate the sequencer: run <c>__validate__</c> too (<c>simulation_flags: []</c>).</summary>
    None = 0,

    /// <summary>
    /// <c>SKIP_VALIDATE</c>: do not run <c>__validate__</c>, so validation cost is left out of the estimate (the
    /// starknet.js 10 default, spec §13.4).
    /// </summary>
    SkipValidate = 1,
}
