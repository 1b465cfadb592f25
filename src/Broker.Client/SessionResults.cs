using System.Numerics;
using Sessions;
using Starknet;
using Starknet.Transactions;

namespace Broker.Client;

/// <summary>What the owner's wallet signs, from <see cref="BrokerClient.PrepareAsync"/>.</summary>
/// <param name="Specification">The specification it was prepared from.</param>
/// <param name="Request">The session request, computed locally.</param>
/// <param name="TypedDataJson">The SNIP-12 typed data JSON for <c>wallet_signTypedData</c>.</param>
/// <param name="SessionHash">The session hash, the message hash the owner signs (checked against <see cref="Request"/>).</param>
public sealed record PreparedSession(SessionSpecification Specification, SessionRequest Request, string TypedDataJson, Felt SessionHash);

/// <summary>The state of a registered session.</summary>
public enum SessionState
{
    /// <summary>Usable until it expires.</summary>
    Active = 1,

    /// <summary>Past its expiry by the broker's clock.</summary>
    Expired = 2,

    /// <summary>Revoked through the broker or on-chain.</summary>
    Revoked = 3,
}

/// <summary>A session as the broker knows it.</summary>
public sealed record SessionDetails
{
    /// <summary>The session hash, its identifier.</summary>
    public required Felt SessionHash { get; init; }

    /// <summary>The session's specification.</summary>
    public required SessionSpecification Specification { get; init; }

    /// <summary>Active, expired or revoked.</summary>
    public required SessionState State { get; init; }

    /// <summary>When the broker registered it.</summary>
    public required DateTimeOffset RegisteredAt { get; init; }

    /// <summary>When it was revoked, or null.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>True when the revocation was seen on-chain (the owner sent <c>revoke_session</c>).</summary>
    public bool RevokedOnChain { get; init; }

    /// <summary>Fees the guardian cosigned so far, per fee token (sum of maximum fees).</summary>
    public IReadOnlyDictionary<Felt, BigInteger> FeesSpent { get; init; } = new Dictionary<Felt, BigInteger>();

    /// <summary>Session transactions the guardian cosigned.</summary>
    public ulong TransactionsCosigned { get; init; }

    /// <summary>
    /// The cache field of every transaction's message <c>m</c>: 0 without authorization caching, else the GUID of the
    /// owner who authorized the session (account 0.5.0, spec §13.5).
    /// </summary>
    public Felt CacheOwnerGuid { get; init; }
}

/// <summary>One page of <see cref="BrokerClient.ListByAccountAsync"/> or <see cref="BrokerClient.ListByDappAsync"/>.</summary>
/// <param name="Sessions">The sessions, newest first.</param>
/// <param name="NextPageToken">The token of the next page, or null on the last page.</param>
public sealed record SessionPage(IReadOnlyList<SessionDetails> Sessions, string? NextPageToken);

/// <summary>The answer of <see cref="BrokerClient.RevokeAsync"/>.</summary>
/// <param name="Session">The session, now revoked off-chain: the guardian cosigns nothing more for it.</param>
/// <param name="RevokeCall">The account's <c>revoke_session(session_hash)</c> call, which the owner sends as a normal
/// owner+guardian transaction to revoke it on-chain too.</param>
public sealed record RevokedSession(SessionDetails Session, Call RevokeCall);

/// <summary>
/// A registered session: its request, the owner+guardian authorization and the guardian's key. With the
/// <see cref="SessionKey"/> it signs and assembles the session token of each transaction (spec §9, §10).
/// </summary>
public sealed class RegisteredSession
{
    internal RegisteredSession(SessionDetails details, SessionRequest request, IReadOnlyList<Felt> authorization, Felt guardianPublicKey)
    {
        Details = details;
        Request = request;
        Authorization = authorization;
        GuardianPublicKey = guardianPublicKey;
    }

    /// <summary>The session as the broker stored it.</summary>
    public SessionDetails Details { get; }

    /// <summary>The session request, computed locally.</summary>
    public SessionRequest Request { get; }

    /// <summary>The session hash.</summary>
    public Felt SessionHash => Request.SessionHash;

    /// <summary>The authorization <c>[2, 0, owner_pub, r, s, 0, guardian_pub, r', s']</c> every token carries.</summary>
    public IReadOnlyList<Felt> Authorization { get; }

    /// <summary>The guardian key that signed the authorization and must cosign every transaction.</summary>
    public Felt GuardianPublicKey { get; }

    /// <summary>
    /// The cache field the session key signs every transaction's <c>m</c> with: 0, or the owner's GUID for a session
    /// registered with authorization caching (<see cref="SessionDetails.CacheOwnerGuid"/>).
    /// </summary>
    public Felt CacheOwnerGuid => Details.CacheOwnerGuid;

    /// <summary>
    /// Builds the transaction signature (spec §10) from the session key's and the guardian's signatures over <c>m</c>,
    /// with one Merkle proof per call computed from the session's allowed methods.
    /// </summary>
    /// <param name="calls">The transaction's calls, in order.</param>
    /// <param name="sessionSignature">The session key's signature (<see cref="SessionKey.SignTransaction"/>).</param>
    /// <param name="guardianSignature">The guardian's signature over the same <c>m</c>.</param>
    /// <param name="cacheOwnerGuid">The cache field <c>m</c> was computed with: 0, or the owner GUID (account 0.5.0 caching).</param>
    /// <exception cref="ArgumentException">A call is not an allowed method of the session.</exception>
    public SessionToken CreateToken(IReadOnlyList<Call> calls, StarknetSignerSignature sessionSignature, StarkSignature guardianSignature, Felt cacheOwnerGuid = default) =>
        SessionTokens.Create(Request, Authorization, calls, sessionSignature, new StarknetSignerSignature(GuardianPublicKey, guardianSignature), cacheOwnerGuid);
}

/// <summary>Assembles session tokens (spec §10) from their parts.</summary>
public static class SessionTokens
{
    /// <summary>
    /// The account 0.5.0 token: the session struct, the cache field, the authorization, both signatures over <c>m</c>
    /// and the Merkle proof of each call (in call order).
    /// </summary>
    /// <param name="request">The session request.</param>
    /// <param name="authorization">The owner+guardian authorization (<see cref="RegisteredSession.Authorization"/>).</param>
    /// <param name="calls">The transaction's calls.</param>
    /// <param name="sessionSignature">The session key's signature over <c>m</c>.</param>
    /// <param name="guardianSignature">The guardian's key and signature over <c>m</c>.</param>
    /// <param name="cacheOwnerGuid">The cache field <c>m</c> was computed with (0 = no caching).</param>
    /// <exception cref="ArgumentException">A call is not an allowed method of the session.</exception>
    public static SessionToken Create(SessionRequest request, IReadOnlyList<Felt> authorization, IReadOnlyList<Call> calls,
        StarknetSignerSignature sessionSignature, StarknetSignerSignature guardianSignature, Felt cacheOwnerGuid = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(authorization);
        ArgumentNullException.ThrowIfNull(calls);
        var proofs = request.AllowedMethodsTree.GetProofs(calls);
        return SessionToken.WithCacheOwnerGuid(request.Session, cacheOwnerGuid, authorization, sessionSignature, guardianSignature, proofs);
    }
}
