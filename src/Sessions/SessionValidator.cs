using Sessions.Internal;
using Starknet;
using Starknet.Transactions;

namespace Sessions;

/// <summary>
/// The session checks of the Argent account 0.5.0 (spec §13.1, C05 <c>assert_valid_session</c>), run in the
/// contract's order and returning the contract's error string for the first failing check. The guardian runs it as a
/// pre-flight before cosigning; a devnet runs it as the account's logic.
/// </summary>
/// <remarks>
/// <para>Order: no call to the account itself; the magic; the token deserializes; the session hash; not revoked;
/// not expired; the authorization (cached or full, with owner/guardian membership, signatures and the same-guardian
/// rule); <c>m</c>; the session key GUID; the session key's signature; the guardian's signature; one proof per call and
/// every call in the Merkle tree.</para>
/// <para>Signatures follow the on-chain rule (<see cref="ISessionAccountView.VerifySignature"/>, by default
/// <see cref="Ecdsa.VerifyOnChain(Felt, Felt, Felt, Felt)"/>), after Argent's
/// <c>r &lt; n</c> and <c>s &lt; n</c> assertions (<c>argent/invalid-r-value</c>, <c>argent/invalid-s-value</c>). In estimate
/// mode (caller 0 and a query version, §13.4) the signature equations are skipped but everything else, including those
/// assertions, still runs.</para>
/// <para>Only Starknet signers are modeled: a token or authorization with another signer type gives
/// <see cref="SessionErrors.UnsupportedSignerType"/>. The account ≤ 0.4.0 rules (boolean cache flag, main guardian
/// only) are not modeled; a 0.4.0-style token with the flag set is checked as 0.5.0 would check it.</para>
/// </remarks>
public static class SessionValidator
{
    private static readonly Felt s_curveOrder = Felt.FromBigInteger(Ecdsa.CurveOrder);

    // 2^128 + 1, 2^128 + 2, 2^128 + 3: the query versions of INVOKE v1, DECLARE v2 and v3 (C05 transaction_version.cairo).
    private static readonly Felt s_queryV1 = Felt.FromCanonicalLimbs(1, 0, 1, 0);
    private static readonly Felt s_queryV2 = Felt.FromCanonicalLimbs(2, 0, 1, 0);
    private static readonly Felt s_queryV3 = Felt.FromCanonicalLimbs(3, 0, 1, 0);

    /// <summary>
    /// Estimate mode (spec §13.4, C05 <c>is_estimate_transaction</c>): the caller is 0 and the version is a query
    /// version (2^128 + 1, 2 or 3).
    /// </summary>
    /// <param name="callerAddress">The caller address.</param>
    /// <param name="transactionVersion">The transaction version.</param>
    public static bool IsEstimateTransaction(Felt callerAddress, Felt transactionVersion) =>
        callerAddress.IsZero && (transactionVersion == s_queryV3 || transactionVersion == s_queryV1 || transactionVersion == s_queryV2);

    /// <summary>
    /// Runs the session checks of a transaction's <c>__validate__</c> (or of the outside-execution callback).
    /// </summary>
    /// <param name="calls">The calls being executed (only <c>To</c> and <c>Selector</c> are read).</param>
    /// <param name="executionHash">The hash the token's signatures cover: the transaction hash, or the SNIP-9 v2
    /// message hash for outside execution.</param>
    /// <param name="signature">The transaction signature (the token, magic included).</param>
    /// <param name="account">The account's state and execution context.</param>
    /// <returns>Valid, or the first failing check's error string, with the intermediate values computed so far.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="calls"/> or <paramref name="account"/> is null.</exception>
    public static SessionValidationResult Validate(IReadOnlyList<Call> calls, Felt executionHash, ReadOnlySpan<Felt> signature, ISessionAccountView account)
    {
        ArgumentNullException.ThrowIfNull(calls);
        ArgumentNullException.ThrowIfNull(account);
        var estimate = IsEstimateTransaction(account.CallerAddress, account.TransactionVersion);

        // 1. assert_no_self_call
        var address = account.Address;
        for (var i = 0; i < calls.Count; i++)
        {
            if (calls[i].To == address)
            {
                return Fail(SessionErrors.NoMulticallToSelf, estimate);
            }
        }
        // 2. is_session (the magic), 3. full_deserialize
        if (!SessionToken.TryParseCore(signature, SessionTokenLayout.CacheOwnerGuid, out var token, out var parseError))
        {
            return Fail(parseError.ContractError, estimate);
        }
        // 4. session hash
        var sessionHash = account.SessionHash(token.Session);
        var result = new SessionValidationResult { Token = token, SessionHash = sessionHash, IsEstimate = estimate };
        // 5. revoked, 6. expired
        if (account.IsSessionRevoked(sessionHash))
        {
            return result with { Error = SessionErrors.Revoked };
        }
        if (token.Session.ExpiresAt < account.BlockTimestamp)
        {
            return result with { Error = SessionErrors.Expired };
        }
        // 7. authorization
        var authorizationError = CheckAuthorization(token, sessionHash, account, estimate, out var cacheWrite);
        if (authorizationError is not null)
        {
            return result with { Error = authorizationError };
        }
        // 8. m
        var message = account.SessionMessageHash(executionHash, sessionHash, token.CacheField);
        result = result with { MessageHash = message };
        // 9. the session key is the one the session names
        if (token.SessionSignature.Guid != token.Session.SessionKeyGuid)
        {
            return result with { Error = SessionErrors.SessionKeyMismatch };
        }
        // 10. session key signature, 11. guardian ("backend") signature
        var error = CheckSignature(account, message, token.SessionSignature, estimate, SessionErrors.InvalidSessionSignature)
            ?? CheckSignature(account, message, token.GuardianSignature, estimate, SessionErrors.InvalidBackendSignature);
        if (error is not null)
        {
            return result with { Error = error };
        }
        // 12. calls against the Merkle root
        if (token.Proofs.Count != calls.Count)
        {
            return result with { Error = SessionErrors.UnalignedProofs };
        }
        var root = token.Session.AllowedMethodsRoot;
        for (var j = 0; j < calls.Count; j++)
        {
            var proof = token.Proofs[j];
            if (!AllowedMethodsTree.Verify(root, calls[j].To, calls[j].Selector, proof is Felt[] array ? array : [.. proof]))
            {
                return result with { Error = SessionErrors.InvalidCall };
            }
        }
        return result with { CacheWrite = cacheWrite };
    }

    /// <summary>
    /// Runs an <c>execute_from_outside_v2</c> with a session token (spec §12): the caller check, the strict timestamp
    /// window, the nonce, then <see cref="Validate"/> with the SNIP-9 v2 message hash as the execution hash.
    /// </summary>
    /// <param name="outsideExecution">The outside execution.</param>
    /// <param name="signature">The signature argument (the token).</param>
    /// <param name="account">The account's state; <see cref="ISessionAccountView.CallerAddress"/> is the relayer.</param>
    /// <returns>Valid (with the nonce to mark used), or the first failing check's error string.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="outsideExecution"/> or <paramref name="account"/> is null.</exception>
    public static SessionValidationResult ValidateOutsideExecution(OutsideExecution outsideExecution, ReadOnlySpan<Felt> signature, ISessionAccountView account)
    {
        ArgumentNullException.ThrowIfNull(outsideExecution);
        ArgumentNullException.ThrowIfNull(account);
        return ValidateOutsideExecutionCore(outsideExecution, null, signature, account);
    }

    /// <summary>
    /// <see cref="ValidateOutsideExecution(OutsideExecution, ReadOnlySpan{Felt}, ISessionAccountView)"/> when the caller
    /// already has the SNIP-9 v2 message hash (a devnet computes it once for the event it emits too).
    /// </summary>
    /// <param name="outsideExecution">The outside execution.</param>
    /// <param name="messageHash">Its message hash: <c>outsideExecution.MessageHash(account.ChainId, account.Address)</c>,
    /// which is not computed again (a different value makes the checks run over that value).</param>
    /// <param name="signature">The signature argument (the token).</param>
    /// <param name="account">The account's state; <see cref="ISessionAccountView.CallerAddress"/> is the relayer.</param>
    /// <returns>Valid (with the nonce to mark used), or the first failing check's error string.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="outsideExecution"/> or <paramref name="account"/> is null.</exception>
    public static SessionValidationResult ValidateOutsideExecution(OutsideExecution outsideExecution, Felt messageHash, ReadOnlySpan<Felt> signature, ISessionAccountView account)
    {
        ArgumentNullException.ThrowIfNull(outsideExecution);
        ArgumentNullException.ThrowIfNull(account);
        return ValidateOutsideExecutionCore(outsideExecution, messageHash, signature, account);
    }

    private static SessionValidationResult ValidateOutsideExecutionCore(OutsideExecution outsideExecution, Felt? messageHash, ReadOnlySpan<Felt> signature, ISessionAccountView account)
    {
        var estimate = IsEstimateTransaction(account.CallerAddress, account.TransactionVersion);
        if (outsideExecution.Caller != OutsideExecution.AnyCaller && account.CallerAddress != outsideExecution.Caller)
        {
            return Fail(SessionErrors.InvalidCaller, estimate);
        }
        var timestamp = (UInt128)account.BlockTimestamp;
        if (!(outsideExecution.ExecuteAfter < timestamp && timestamp < outsideExecution.ExecuteBefore))
        {
            return Fail(SessionErrors.InvalidTimestamp, estimate);
        }
        if (account.IsOutsideExecutionNonceUsed(outsideExecution.Nonce))
        {
            return Fail(SessionErrors.DuplicatedOutsideNonce, estimate);
        }
        var hash = messageHash ?? outsideExecution.MessageHash(account.ChainId, account.Address);
        var result = Validate(outsideExecution.Calls, hash, signature, account);
        return result.IsValid ? result with { OutsideExecutionNonce = outsideExecution.Nonce } : result;
    }

    /// <summary>
    /// The expiry check <c>__execute__</c> repeats for a session transaction with the exact block timestamp, because
    /// <c>__validate__</c> sees a timestamp rounded down to the hour (spec §13.2): <c>signature[1] ≥ block_timestamp</c>.
    /// </summary>
    /// <param name="signature">The transaction signature, which <see cref="Validate"/> accepted.</param>
    /// <param name="blockTimestamp">The exact block timestamp, Unix seconds.</param>
    /// <returns>Null when the transaction may execute (or the signature is not a session token), otherwise
    /// <see cref="SessionErrors.Expired"/>.</returns>
    /// <exception cref="ArgumentException">The signature is a session token cut short before <c>expires_at</c> or with an
    /// <c>expires_at</c> above u64 (<see cref="Validate"/> rejects those first).</exception>
    public static string? CheckExecuteExpiry(ReadOnlySpan<Felt> signature, ulong blockTimestamp)
    {
        if (!SessionToken.IsSessionToken(signature))
        {
            return null;
        }
        if (signature.Length <= SessionToken.ExpiresAtOffset || !FeltReader.TryGetUInt64(signature[SessionToken.ExpiresAtOffset], out var expiresAt))
        {
            throw new ArgumentException("The session token has no valid expires_at; validate it first.", nameof(signature));
        }
        return expiresAt >= blockTimestamp ? null : SessionErrors.Expired;
    }

    private static SessionValidationResult Fail(string error, bool estimate) => new() { Error = error, IsEstimate = estimate };

    /// <summary>C05 <c>assert_valid_session_authorization</c>.</summary>
    private static string? CheckAuthorization(SessionToken token, Felt sessionHash, ISessionAccountView account, bool estimate, out SessionAuthorizationCacheEntry? cacheWrite)
    {
        cacheWrite = null;
        var tokenGuardian = token.GuardianSignature.PublicKey;
        var cacheOwnerGuid = token.CacheField;
        if (!cacheOwnerGuid.IsZero)
        {
            var tokenGuardianGuid = token.GuardianSignature.Guid;
            var cachedLength = account.GetCachedAuthorizationLength(cacheOwnerGuid, tokenGuardianGuid, sessionHash);
            if (cachedLength != 0)
            {
                if (!ContainsGuid(account.Owners, cacheOwnerGuid))
                {
                    return SessionErrors.CacheInvalidOwner;
                }
                if (!ContainsStarknet(account.Guardians, tokenGuardian))
                {
                    return SessionErrors.CacheInvalidGuardian;
                }
                return (ulong)token.Authorization.Count <= cachedLength ? null : SessionErrors.CacheInvalidAuthLen;
            }
            var error = ValidateAuthorization(token, sessionHash, account, estimate, out var owner, out var guardian);
            if (error is not null)
            {
                return error;
            }
            if (owner.Guid != cacheOwnerGuid)
            {
                return SessionErrors.OwnerKeyMismatch;
            }
            if (guardian is not { } g)
            {
                return SessionErrors.OptionUnwrapFailed;
            }
            if (g.PublicKey != tokenGuardian)
            {
                return SessionErrors.GuardianKeyMismatch;
            }
            cacheWrite = new SessionAuthorizationCacheEntry(owner.Guid, tokenGuardianGuid, sessionHash, (uint)token.Authorization.Count);
            return null;
        }
        var fullError = ValidateAuthorization(token, sessionHash, account, estimate, out _, out var fullGuardian);
        if (fullError is not null)
        {
            return fullError;
        }
        if (fullGuardian is not { } guardianSignature)
        {
            return SessionErrors.OptionUnwrapFailed;
        }
        return guardianSignature.PublicKey == tokenGuardian ? null : SessionErrors.GuardianKeyMismatch;
    }

    /// <summary>C05 <c>validate_authorization</c>: <c>parse_account_signature</c> then <c>assert_valid_account_signature</c>.</summary>
    private static string? ValidateAuthorization(SessionToken token, Felt sessionHash, ISessionAccountView account, bool estimate, out StarknetSignerSignature owner, out StarknetSignerSignature? guardian)
    {
        owner = default;
        guardian = null;
        var felts = token.Authorization is Felt[] array ? array : [.. token.Authorization];
        if (!SessionAuthorization.TryParseCore(felts, SessionToken.AuthorizationLengthOffset + 1, out var authorization, out var parseError))
        {
            return parseError.ContractError;
        }
        if (authorization.Format == SessionAuthorizationFormat.Concise)
        {
            // The keys come from storage: a single Starknet owner, and (4 felts) a single Starknet guardian.
            var owners = account.Owners;
            if (owners.Count != 1 || owners[0].Type != SignerType.Starknet)
            {
                return SessionErrors.NoSingleStarkOwner;
            }
            owner = new StarknetSignerSignature(owners[0].StoredValue, authorization.OwnerSignature);
            if (authorization.GuardianSignature is { } conciseGuardian)
            {
                var guardians = account.Guardians;
                if (guardians.Count != 1)
                {
                    return SessionErrors.NoSingleGuardian;
                }
                if (guardians[0].Type != SignerType.Starknet)
                {
                    return SessionErrors.NotStarknetGuardian;
                }
                guardian = new StarknetSignerSignature(guardians[0].StoredValue, conciseGuardian);
            }
        }
        else
        {
            owner = new StarknetSignerSignature(authorization.OwnerPublicKey!.Value, authorization.OwnerSignature);
            if (authorization.GuardianSignature is { } regularGuardian)
            {
                guardian = new StarknetSignerSignature(authorization.GuardianPublicKey!.Value, regularGuardian);
            }
        }

        // assert_valid_account_signature: membership first, then the signature (whose range asserts may panic).
        if (!ContainsStarknet(account.Owners, owner.PublicKey))
        {
            return SessionErrors.InvalidOwnerSignature;
        }
        var error = CheckSignature(account, sessionHash, owner, estimate, SessionErrors.InvalidOwnerSignature);
        if (error is not null)
        {
            return error;
        }
        if (guardian is { } g)
        {
            return ContainsStarknet(account.Guardians, g.PublicKey)
                ? CheckSignature(account, sessionHash, g, estimate, SessionErrors.InvalidGuardianSignature)
                : SessionErrors.InvalidGuardianSignature;
        }
        return account.Guardians.Count > 0 ? SessionErrors.MissingGuardianSignature : null;
    }

    /// <summary>
    /// Argent's <c>is_valid_starknet_signature</c> (range asserts that panic) and Cairo's <c>check_ecdsa_signature</c>,
    /// whose result estimate mode ignores.
    /// </summary>
    private static string? CheckSignature(ISessionAccountView account, Felt hash, in StarknetSignerSignature signer, bool estimate, string invalidError)
    {
        if (signer.Signature.R >= s_curveOrder)
        {
            return SessionErrors.InvalidRValue;
        }
        if (signer.Signature.S >= s_curveOrder)
        {
            return SessionErrors.InvalidSValue;
        }
        if (estimate)
        {
            return null;
        }
        return account.VerifySignature(hash, signer.PublicKey, signer.Signature.R, signer.Signature.S) ? null : invalidError;
    }

    private static bool ContainsStarknet(IReadOnlyList<AccountSigner> signers, Felt publicKey)
    {
        for (var i = 0; i < signers.Count; i++)
        {
            if (signers[i].Type == SignerType.Starknet && signers[i].StoredValue == publicKey)
            {
                return true;
            }
        }
        return false;
    }

    private static bool ContainsGuid(IReadOnlyList<AccountSigner> signers, Felt guid)
    {
        for (var i = 0; i < signers.Count; i++)
        {
            if (signers[i].Guid == guid)
            {
                return true;
            }
        }
        return false;
    }
}
