using Starknet;

namespace Sessions;

/// <summary>
/// What <see cref="SessionValidator"/> reads from an account and its execution context: the storage and syscalls the
/// account's session checks use (spec §13). The guardian fills it from RPC reads for a pre-flight check; a devnet
/// backs it with its own state.
/// </summary>
public interface ISessionAccountView
{
    /// <summary>The account's address (<c>get_contract_address</c>); it enters the session hash and the self-call check.</summary>
    Felt Address { get; }

    /// <summary>The chain id of the transaction (<c>tx_info.chain_id</c>); it enters the session hash.</summary>
    Felt ChainId { get; }

    /// <summary>
    /// The block timestamp the check runs with, Unix seconds. In <c>__validate__</c> Starknet rounds it down to the
    /// hour; <c>__execute__</c> and outside execution use the exact one (spec §13.2).
    /// </summary>
    ulong BlockTimestamp { get; }

    /// <summary>The caller (<c>get_caller_address</c>): 0 for a transaction's <c>__validate__</c>, the relayer for an
    /// outside execution.</summary>
    Felt CallerAddress { get; }

    /// <summary>The transaction version (<c>tx_info.version</c>), e.g. 3 or the query version 2^128 + 3.</summary>
    Felt TransactionVersion { get; }

    /// <summary>The account's owners, as stored.</summary>
    IReadOnlyList<AccountSigner> Owners { get; }

    /// <summary>The account's guardians, as stored (sessions need at least one).</summary>
    IReadOnlyList<AccountSigner> Guardians { get; }

    /// <summary>Whether <c>revoke_session(sessionHash)</c> ran (<c>is_session_revoked</c>).</summary>
    /// <param name="sessionHash">The session hash.</param>
    bool IsSessionRevoked(Felt sessionHash);

    /// <summary>
    /// The cached authorization length for (owner GUID, guardian GUID, session hash), or 0 when nothing is cached
    /// (account 0.5.0 storage <c>valid_session_cache</c>, spec §13.5).
    /// </summary>
    /// <param name="ownerGuid">The token's <c>cache_owner_guid</c>.</param>
    /// <param name="guardianGuid">The GUID of the token's guardian signer.</param>
    /// <param name="sessionHash">The session hash.</param>
    uint GetCachedAuthorizationLength(Felt ownerGuid, Felt guardianGuid, Felt sessionHash);

    /// <summary>Whether an outside-execution nonce was used (only read for outside execution).</summary>
    /// <param name="nonce">The SNIP-9 nonce.</param>
    bool IsOutsideExecutionNonceUsed(Felt nonce);

    /// <summary>
    /// The session hash of <paramref name="session"/> for this account and chain (step 4 of the checks):
    /// <c>session.ComputeHash(ChainId, Address)</c>, the default. An implementation may answer from a memo keyed by the
    /// session struct, the chain and the account, but must answer exactly that.
    /// </summary>
    /// <param name="session">The session struct of the token.</param>
    Felt SessionHash(Session session) => session.ComputeHash(ChainId, Address);

    /// <summary>
    /// The message both signatures sign (step 8): <see cref="SessionMessage.Hash"/> of the execution hash, the session
    /// hash and the token's cache field, the default. An implementation may answer from a memo keyed by the three values
    /// (a devnet checks each transaction more than once), but must answer exactly that.
    /// </summary>
    /// <param name="executionHash">The transaction hash, or the outside execution's message hash.</param>
    /// <param name="sessionHash">The session hash.</param>
    /// <param name="cacheField">The token's <c>cache_owner_guid</c>.</param>
    Felt SessionMessageHash(Felt executionHash, Felt sessionHash, Felt cacheField) => SessionMessage.Hash(executionHash, sessionHash, cacheField);

    /// <summary>
    /// Cairo's <c>check_ecdsa_signature(messageHash, publicKey, r, s)</c> with the on-chain rule, which the validator
    /// asks for after its own <c>r</c> and <c>s</c> range checks (and never in estimate mode). The default is
    /// <see cref="Ecdsa.VerifyOnChain(Felt, Felt, Felt, Felt)"/>; an implementation may answer from a memo of earlier
    /// answers (a devnet does), since the result depends on the four values only, but must answer exactly that.
    /// </summary>
    /// <param name="messageHash">The signed hash.</param>
    /// <param name="publicKey">The stark key.</param>
    /// <param name="r">Signature r.</param>
    /// <param name="s">Signature s.</param>
    bool VerifySignature(Felt messageHash, Felt publicKey, Felt r, Felt s) => Ecdsa.VerifyOnChain(messageHash, publicKey, r, s);
}
