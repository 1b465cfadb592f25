using Starknet;

namespace Sessions;

/// <summary>The per-transaction message <c>m</c> (spec §9) that the session key and the guardian both sign.</summary>
public static class SessionMessage
{
    /// <summary>
    /// <c>m = Hm([executionHash, sessionHash, cacheField])</c>, Poseidon hash-many of three felts (not H2 chained).
    /// </summary>
    /// <param name="executionHash">The INVOKE v3 transaction hash (spec §11) or the SNIP-9 v2 message hash (spec §12).</param>
    /// <param name="sessionHash">The session hash (spec §5).</param>
    /// <param name="cacheField"><c>cache_owner_guid</c> for account 0.5.0 (0 = no caching), or the cache flag 0/1 for
    /// account ≤ 0.4.0 and x-sessions; the two agree when caching is off.</param>
    public static Felt Hash(Felt executionHash, Felt sessionHash, Felt cacheField) =>
        Poseidon.HashMany([executionHash, sessionHash, cacheField]);
}
