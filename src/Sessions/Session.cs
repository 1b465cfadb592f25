using Sessions.Internal;
using Starknet;

namespace Sessions;

/// <summary>
/// The on-chain session struct (spec §5, C05 <c>Session</c>), 4 felts in Serde order. It is what the token carries
/// at offsets 1–4 and what the session hash is computed from, directly with Poseidon and no JSON.
/// </summary>
/// <param name="ExpiresAt">Unix time in seconds (u64); the session is valid while <c>block_timestamp ≤ ExpiresAt</c>.</param>
/// <param name="AllowedMethodsRoot">Root of the allowed-methods Merkle tree (spec §6).</param>
/// <param name="MetadataHash"><c>Hm(ByteArray(metadata))</c> of the exact metadata string (spec §7).</param>
/// <param name="SessionKeyGuid"><c>H2('Starknet Signer', session_public_key)</c> (spec §7).</param>
public readonly record struct Session(ulong ExpiresAt, Felt AllowedMethodsRoot, Felt MetadataHash, Felt SessionKeyGuid)
{
    /// <summary>The number of felts in the serialized struct: 4.</summary>
    public const int SerializedLength = 4;

    /// <summary>
    /// The SNIP-12 struct hash:
    /// <c>Hm([SESSION_TYPE_HASH, expires_at, allowed_methods_root, metadata_hash, session_key_guid])</c>.
    /// </summary>
    public Felt StructHash() => Poseidon.HashMany(
        [SessionConstants.SessionTypeHash, ExpiresAt, AllowedMethodsRoot, MetadataHash, SessionKeyGuid]);

    /// <summary>
    /// The session hash (spec §5): <c>Hm(['StarkNet Message', domain_hash(chain_id), account, StructHash()])</c>,
    /// equal to the SNIP-12 message hash of the session typed data. Revocation, caching and the per-transaction
    /// message all key on it.
    /// </summary>
    /// <param name="chainId">The chain id of the transactions (e.g. <c>'SN_SEPOLIA'</c>).</param>
    /// <param name="accountAddress">The account contract the session belongs to.</param>
    public Felt ComputeHash(Felt chainId, Felt accountAddress) =>
        SessionDomain.MessageHash(chainId, accountAddress, StructHash());

    /// <summary>The session domain struct hash for a chain: <c>Hm([DOMAIN_TYPE_HASH, 'SessionAccount.session', '1', chain_id, 1])</c>.</summary>
    /// <param name="chainId">The chain id.</param>
    public static Felt DomainHash(Felt chainId) => SessionDomain.Hash(chainId);

    /// <summary>The Serde form <c>[expires_at, allowed_methods_root, metadata_hash, session_key_guid]</c>.</summary>
    public Felt[] ToFelts() => [ExpiresAt, AllowedMethodsRoot, MetadataHash, SessionKeyGuid];
}
