using Sessions;
using Starknet;

namespace Broker.Client;

/// <summary>
/// The session a game server asks for (the broker's <c>SessionSpec</c>): everything the session hash covers, plus the
/// dapp id the broker lists and applies policy by.
/// </summary>
public sealed record SessionSpecification
{
    /// <summary>The chain id, e.g. <c>'SN_SEPOLIA'</c> = <c>0x534e5f5345504f4c4941</c>.</summary>
    public required Felt ChainId { get; init; }

    /// <summary>The user's Argent account.</summary>
    public required Felt AccountAddress { get; init; }

    /// <summary>The session key's public key (<see cref="SessionKey.PublicKey"/>).</summary>
    public required Felt SessionPublicKey { get; init; }

    /// <summary>Expiry, Unix seconds. The session is valid while the block timestamp is at most this value.</summary>
    public required ulong ExpiresAt { get; init; }

    /// <summary>The methods the session may call (at least one), in order.</summary>
    public required IReadOnlyList<AllowedMethod> AllowedMethods { get; init; }

    /// <summary>The metadata string exactly as it will be signed (printable ASCII), e.g. <see cref="SessionMetadata.ToJson"/>.</summary>
    public required string Metadata { get; init; }

    /// <summary>The dapp's identifier at the broker (typically the metadata's <c>projectID</c>).</summary>
    public string DappId { get; init; } = "";

    /// <summary>
    /// A specification for <paramref name="key"/> that expires <paramref name="lifetime"/> from now.
    /// </summary>
    /// <param name="chainId">The chain id.</param>
    /// <param name="accountAddress">The user's account.</param>
    /// <param name="key">The session key.</param>
    /// <param name="lifetime">How long the session lasts, rounded down to whole seconds.</param>
    /// <param name="allowedMethods">The allowed methods.</param>
    /// <param name="metadata">The metadata; its project id becomes the dapp id.</param>
    /// <param name="timeProvider">The clock; default the system clock.</param>
    public static SessionSpecification Create(Felt chainId, Felt accountAddress, SessionKey key, TimeSpan lifetime,
        IReadOnlyList<AllowedMethod> allowedMethods, SessionMetadata metadata, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        var now = (timeProvider ?? TimeProvider.System).GetUtcNow().ToUnixTimeSeconds();
        return new SessionSpecification
        {
            ChainId = chainId,
            AccountAddress = accountAddress,
            SessionPublicKey = key.PublicKey,
            ExpiresAt = checked((ulong)now + (ulong)lifetime.TotalSeconds),
            AllowedMethods = allowedMethods,
            Metadata = metadata.ToJson(),
            DappId = metadata.ProjectId,
        };
    }

    /// <summary>
    /// The session request computed locally (spec §4–§7): its session hash is what the owner signs, so the client
    /// checks the broker's answer against it instead of trusting it.
    /// </summary>
    /// <exception cref="ArgumentException">The specification cannot be a session (no allowed method, a zero key,
    /// non-printable metadata).</exception>
    public SessionRequest ToSessionRequest() =>
        new(ChainId, AccountAddress, SessionPublicKey, ExpiresAt, AllowedMethods, Metadata);
}

/// <summary>One call of a session transaction, with the entry point by name as the broker's APIs carry it.</summary>
/// <param name="To">The contract called.</param>
/// <param name="EntryPoint">The entry-point name, e.g. <c>move</c>.</param>
/// <param name="Calldata">The serialized arguments.</param>
public sealed record SessionCall(Felt To, string EntryPoint, IReadOnlyList<Felt> Calldata)
{
    /// <summary>The call with its selector, <c>starknet_keccak(EntryPoint)</c>.</summary>
    public Starknet.Transactions.Call ToCall() => Starknet.Transactions.Call.ToEntryPoint(To, EntryPoint, Calldata);
}
