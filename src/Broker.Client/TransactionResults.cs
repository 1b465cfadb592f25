using System.Numerics;
using Starknet;
using Starknet.Transactions;

namespace Broker.Client;

/// <summary>Where an executed request stands (broker.common.v1.TransactionStatus).</summary>
public enum TransactionState
{
    /// <summary>Stored by the relayer, not yet at the node.</summary>
    Accepted = 1,

    /// <summary>The node received it.</summary>
    Submitted = 2,

    /// <summary>Executed in the pre-confirmed block.</summary>
    PreConfirmed = 3,

    /// <summary>Final: executed and succeeded in an accepted block.</summary>
    AcceptedOnL2 = 4,

    /// <summary>Final: executed and reverted (<see cref="TransactionResult.Reason"/> says why); the fee was paid.</summary>
    Reverted = 5,

    /// <summary>Final: never executed (<see cref="TransactionResult.Reason"/> says why), e.g. the chain refused the session.</summary>
    Rejected = 6,
}

/// <summary>How a session transaction was sent.</summary>
public enum TransactionPath
{
    /// <summary>A SNIP-9 v2 outside execution sent and paid by a relayer account (gasless for the user).</summary>
    OutsideExecution = 1,

    /// <summary>The user's own INVOKE v3, paid by the account.</summary>
    Invoke = 2,
}

/// <summary>The state of one request, from <see cref="BrokerClient.ExecuteAsync"/>, <see cref="BrokerClient.SubmitInvokeAsync"/>,
/// <see cref="BrokerClient.GetTransactionAsync"/> or <see cref="BrokerClient.WatchAsync"/>.</summary>
public sealed record TransactionResult
{
    /// <summary>The request id it was submitted with.</summary>
    public required string RequestId { get; init; }

    /// <summary>Where it stands.</summary>
    public required TransactionState State { get; init; }

    /// <summary>How it is sent.</summary>
    public required TransactionPath Path { get; init; }

    /// <summary>The Starknet transaction carrying it, once signed. For outside executions, the relayer's transaction
    /// (which may carry other requests: <see cref="BatchSize"/>).</summary>
    public Felt? TransactionHash { get; init; }

    /// <summary>Why it reverted or was rejected.</summary>
    public string? Reason { get; init; }

    /// <summary>The fee the transaction paid, in FRI, once final.</summary>
    public BigInteger? ActualFee { get; init; }

    /// <summary>The block it executed in, once known.</summary>
    public ulong? BlockNumber { get; init; }

    /// <summary>The relayer account that sent it (outside executions).</summary>
    public Felt? RelayerAddress { get; init; }

    /// <summary>Outside executions in the same relayer transaction.</summary>
    public int BatchSize { get; init; }

    /// <summary>When the relayer accepted it.</summary>
    public DateTimeOffset AcceptedAt { get; init; }

    /// <summary>When it became final.</summary>
    public DateTimeOffset? FinalAt { get; init; }

    /// <summary>Earlier transactions of this request that were abandoned (dropped, reverted batch) and replaced.</summary>
    public IReadOnlyList<Felt> PreviousTransactionHashes { get; init; } = [];

    /// <summary>True for <see cref="TransactionState.AcceptedOnL2"/>, <see cref="TransactionState.Reverted"/> and <see cref="TransactionState.Rejected"/>.</summary>
    public bool IsFinal => State is TransactionState.AcceptedOnL2 or TransactionState.Reverted or TransactionState.Rejected;
}

/// <summary>
/// An account-paid INVOKE v3 ready to sign, from <see cref="BrokerClient.PrepareInvokeAsync"/>: the account's nonce and
/// resource bounds the relayer estimated, and the hash recomputed locally.
/// </summary>
/// <param name="Calls">The calls.</param>
/// <param name="Transaction">The transaction (sender = the session's account).</param>
/// <param name="TransactionHash">Its hash, recomputed locally and equal to the broker's.</param>
/// <param name="MessageHash">m = Hm([TransactionHash, session_hash, cache_owner_guid]), what the session key signs.</param>
/// <param name="EstimatedFee">The node's estimate, FRI.</param>
/// <param name="MaxFee">The most the bounds allow, FRI (counted against the session's txFees by the guardian).</param>
public sealed record PreparedInvoke(IReadOnlyList<SessionCall> Calls, InvokeTransactionV3 Transaction, Felt TransactionHash, Felt MessageHash, BigInteger EstimatedFee, BigInteger MaxFee);
