using System.Collections.Concurrent;
using Starknet;

namespace Sessions.Internal;

/// <summary>
/// The session domain per chain (spec §5): its struct hash and the Poseidon sponge after absorbing
/// <c>['StarkNet Message', domain_hash]</c>, which the contract precomputes for SN_MAIN and SN_SEPOLIA and this cache
/// computes once for any chain. A session hash then costs two permutations on top of the struct hash.
/// </summary>
internal static class SessionDomain
{
    private static readonly ConcurrentDictionary<Felt, Entry> s_cache = new();

    public static Felt Hash(Felt chainId) => Get(chainId).DomainHash;

    /// <summary><c>Hm(['StarkNet Message', domain_hash(chain), account, structHash])</c>.</summary>
    public static Felt MessageHash(Felt chainId, Felt accountAddress, Felt structHash)
    {
        var hasher = Get(chainId).AfterPrefix;
        hasher.Update(accountAddress);
        hasher.Update(structHash);
        return hasher.Finish();
    }

    private static Entry Get(Felt chainId)
    {
        if (s_cache.TryGetValue(chainId, out var entry))
        {
            return entry;
        }
        // Chain ids are few; bound the cache anyway so hostile input cannot grow it without limit.
        if (s_cache.Count > 1024)
        {
            s_cache.Clear();
        }
        return s_cache.GetOrAdd(chainId, static id =>
        {
            var domainHash = Poseidon.HashMany(
            [
                SessionConstants.StarknetDomainTypeHash,
                SessionConstants.DomainName,
                SessionConstants.DomainVersion,
                id,
                SessionConstants.DomainRevision,
            ]);
            var hasher = new PoseidonHasher();
            hasher.Update(SessionConstants.StarknetMessagePrefix);
            hasher.Update(domainHash);
            return new Entry(domainHash, hasher);
        });
    }

    private sealed record Entry(Felt DomainHash, PoseidonHasher AfterPrefix);
}
