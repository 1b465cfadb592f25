using Starknet;

namespace Sessions;

/// <summary>
/// An authorization that the account stores when a 0.5.0 token with a non-zero <c>cache_owner_guid</c> passes with a
/// full authorization (spec §13.5): key (owner GUID, guardian GUID, session hash), value the authorization length.
/// </summary>
/// <param name="OwnerGuid">The owner that signed the authorization.</param>
/// <param name="GuardianGuid">The guardian that signed the authorization and the token.</param>
/// <param name="SessionHash">The session hash.</param>
/// <param name="AuthorizationLength">The authorization's length in felts; later tokens may not send a longer one.</param>
public readonly record struct SessionAuthorizationCacheEntry(Felt OwnerGuid, Felt GuardianGuid, Felt SessionHash, uint AuthorizationLength);

/// <summary>
/// The outcome of <see cref="SessionValidator"/>: valid, or the account's error string. The checks write nothing;
/// state changes the account would make on success are returned for the caller to apply.
/// </summary>
public sealed record SessionValidationResult
{
    /// <summary>The account's error string (see <see cref="SessionErrors"/>), or null when the checks pass.</summary>
    public string? Error { get; init; }

    /// <summary>True when every check passed.</summary>
    public bool IsValid => Error is null;

    /// <summary>The parsed token, once it deserialized.</summary>
    public SessionToken? Token { get; init; }

    /// <summary>The session hash, once computed (step 4 of §13.1).</summary>
    public Felt? SessionHash { get; init; }

    /// <summary>The message <c>m</c>, once computed (step 8 of §13.1).</summary>
    public Felt? MessageHash { get; init; }

    /// <summary>Whether the checks ran in estimate mode (§13.4): signature validity was not required.</summary>
    public bool IsEstimate { get; init; }

    /// <summary>The authorization to cache on success (0.5.0 caching, first use), or null.</summary>
    public SessionAuthorizationCacheEntry? CacheWrite { get; init; }

    /// <summary>Outside execution: the nonce to mark used on success, or null.</summary>
    public Felt? OutsideExecutionNonce { get; init; }
}
