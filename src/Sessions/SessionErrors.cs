namespace Sessions;

/// <summary>
/// The error strings (Cairo short-string panics) of the account 0.5.0 checks that a session transaction goes through
/// (spec §8, §12, §13.1, §13.5), exactly as the contract writes them. <see cref="SessionValidator"/> returns these.
/// </summary>
public static class SessionErrors
{
    /// <summary>A call targets the account itself (checked first).</summary>
    public const string NoMulticallToSelf = "argent/no-multicall-to-self";

    /// <summary>The signature is empty or element 0 is not <c>'session-token'</c>.</summary>
    public const string InvalidMagicValue = "session/invalid-magic-value";

    /// <summary>The token does not deserialize exactly: missing felts, trailing felts, a u64 or u32 out of range,
    /// a zero public key or an unknown signer variant.</summary>
    public const string InvalidCalldata = "session/invalid-calldata";

    /// <summary>A <c>Span&lt;felt252&gt;</c> inside the token (authorization or one proof) claims more elements than
    /// remain; Cairo 2.10's deserializer slices the span and panics with this corelib message.</summary>
    public const string IndexOutOfBounds = "Index out of bounds";

    /// <summary>The session hash was revoked with <c>revoke_session</c>.</summary>
    public const string Revoked = "session/revoked";

    /// <summary><c>expires_at &lt; block_timestamp</c> (equality is still valid).</summary>
    public const string Expired = "session/expired";

    /// <summary>Cached authorization: the cached owner is no longer an owner.</summary>
    public const string CacheInvalidOwner = "session/cache-invalid-owner";

    /// <summary>Cached authorization: the token's guardian is no longer a guardian.</summary>
    public const string CacheInvalidGuardian = "session/cache-invalid-guardian";

    /// <summary>Cached authorization: the token carries a longer authorization than the cached length.</summary>
    public const string CacheInvalidAuthLen = "session/cache-invalid-auth-len";

    /// <summary>Caching requested, but the owner in the authorization is not <c>cache_owner_guid</c>.</summary>
    public const string OwnerKeyMismatch = "session/owner-key-mismatch";

    /// <summary>The guardian that signed the authorization is not the guardian that signed the token.</summary>
    public const string GuardianKeyMismatch = "session/guardian-key-mismatch";

    /// <summary>The regular authorization form is cut short or a signer signature does not deserialize.</summary>
    public const string InvalidSignatureFormat = "argent/invalid-signature-format";

    /// <summary>The regular authorization form has a count other than 1 or 2, or trailing felts.</summary>
    public const string InvalidSignatureLength = "argent/invalid-signature-length";

    /// <summary>Concise authorization, but the account does not have exactly one owner that is a Starknet key.</summary>
    public const string NoSingleStarkOwner = "argent/no-single-stark-owner";

    /// <summary>Concise 4-felt authorization, but the account does not have exactly one guardian.</summary>
    public const string NoSingleGuardian = "argent/no-single-guardian";

    /// <summary>Concise 4-felt authorization, but the single guardian is not a Starknet key.</summary>
    public const string NotStarknetGuardian = "argent/not-strk-guardian";

    /// <summary>The authorization's owner is not an owner, or its signature over the session hash is invalid.</summary>
    public const string InvalidOwnerSignature = "argent/invalid-owner-sig";

    /// <summary>The authorization's guardian is not a guardian, or its signature over the session hash is invalid.</summary>
    public const string InvalidGuardianSignature = "argent/invalid-guardian-sig";

    /// <summary>The authorization has no guardian signature although the account has a guardian.</summary>
    public const string MissingGuardianSignature = "argent/missing-guardian-sig";

    /// <summary>The authorization has no guardian signature on an account without guardians: the session code unwraps
    /// the missing signature and Cairo panics with this corelib message (sessions need a guardian).</summary>
    public const string OptionUnwrapFailed = "Option::unwrap failed.";

    /// <summary>A Starknet signature has r ≥ n (curve order); Argent asserts this before verifying, even in estimate
    /// mode, and the whole transaction reverts.</summary>
    public const string InvalidRValue = "argent/invalid-r-value";

    /// <summary>A Starknet signature has s ≥ n; asserted like <see cref="InvalidRValue"/>.</summary>
    public const string InvalidSValue = "argent/invalid-s-value";

    /// <summary>The GUID of the token's session signer is not the session's <c>session_key_guid</c>.</summary>
    public const string SessionKeyMismatch = "session/session-key-mismatch";

    /// <summary>The session key's signature over <c>m</c> is invalid (not checked in estimate mode).</summary>
    public const string InvalidSessionSignature = "session/invalid-session-sig";

    /// <summary>The guardian's (cosigner's, "backend") signature over <c>m</c> is invalid (not checked in estimate mode).</summary>
    public const string InvalidBackendSignature = "session/invalid-backend-sig";

    /// <summary>The number of proofs differs from the number of calls.</summary>
    public const string UnalignedProofs = "session/unaligned-proofs";

    /// <summary>A call's (contract, selector) leaf does not verify against the allowed-methods root.</summary>
    public const string InvalidCall = "session/invalid-call";

    /// <summary>Outside execution: the caller is neither <c>'ANY_CALLER'</c> nor the actual caller.</summary>
    public const string InvalidCaller = "argent/invalid-caller";

    /// <summary>Outside execution: not <c>execute_after &lt; block_timestamp &lt; execute_before</c>.</summary>
    public const string InvalidTimestamp = "argent/invalid-timestamp";

    /// <summary>Outside execution: the nonce was used before.</summary>
    public const string DuplicatedOutsideNonce = "argent/duplicated-outside-nonce";

    /// <summary>
    /// Not a contract error: a signer signature of another type than Starknet (Secp256k1, Secp256r1, Eip191, Webauthn;
    /// variants 1–4). The account would deserialize and check it, but this library only models Starknet signers
    /// (spec §2.7), so it stops here instead of guessing.
    /// </summary>
    public const string UnsupportedSignerType = "sessions/unsupported-signer-type";
}
