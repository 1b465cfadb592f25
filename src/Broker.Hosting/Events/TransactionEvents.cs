namespace Broker.Hosting.Events;

/// <summary>
/// Payload of <see cref="BrokerComponents.Topics.TransactionStatus"/>: one status change of a request the TxRelayer
/// accepted. Felts are 0x-hex strings; the status names are those of broker.common.v1.TransactionStatus without the
/// prefix (ACCEPTED, SUBMITTED, PRE_CONFIRMED, ACCEPTED_ON_L2, REVERTED, REJECTED).
/// </summary>
public sealed record TransactionStatusEvent
{
    /// <summary>The client's request id.</summary>
    public required string RequestId { get; init; }

    /// <summary>The new status.</summary>
    public required string Status { get; init; }

    /// <summary>"OUTSIDE_EXECUTION" or "INVOKE".</summary>
    public required string Kind { get; init; }

    /// <summary>The Starknet transaction hash, once signed.</summary>
    public string? TransactionHash { get; init; }

    /// <summary>The revert or rejection reason.</summary>
    public string? Reason { get; init; }

    /// <summary>The relayer account that sent it (outside executions).</summary>
    public string? RelayerAddress { get; init; }

    /// <summary>The block, once executed.</summary>
    public ulong? BlockNumber { get; init; }

    /// <summary>True for ACCEPTED_ON_L2, REVERTED and REJECTED.</summary>
    public bool IsFinal { get; init; }

    /// <summary>When the status changed, Unix milliseconds.</summary>
    public long ChangedAtUnixMs { get; init; }
}
