namespace Broker.Hosting.Events;

/// <summary>
/// Payload of <see cref="BrokerComponents.Topics.SessionRegistered"/>. Felts are 0x-hex strings as in the
/// gRPC contracts; timestamps are Unix seconds.
/// </summary>
public sealed record SessionRegisteredEvent
{
    /// <summary>The session hash (felt), which identifies the session.</summary>
    public required string SessionHash { get; init; }

    /// <summary>The account the session acts for (felt).</summary>
    public required string AccountAddress { get; init; }

    /// <summary>The chain id (felt).</summary>
    public required string ChainId { get; init; }

    /// <summary>The dapp the session was registered for, or empty.</summary>
    public string DappId { get; init; } = "";

    /// <summary>Expiry of the session, Unix seconds.</summary>
    public ulong ExpiresAt { get; init; }

    /// <summary>When the session was registered, Unix seconds.</summary>
    public long RegisteredAt { get; init; }
}

/// <summary>Payload of <see cref="BrokerComponents.Topics.SessionRevoked"/>.</summary>
public sealed record SessionRevokedEvent
{
    /// <summary>The session hash (felt).</summary>
    public required string SessionHash { get; init; }

    /// <summary>The account the session acts for (felt), when known.</summary>
    public string? AccountAddress { get; init; }

    /// <summary>True when the revocation was observed on-chain (a <c>SessionRevoked</c> event).</summary>
    public bool OnChain { get; init; }

    /// <summary>When the revocation happened (or was observed), Unix seconds.</summary>
    public long RevokedAt { get; init; }
}
