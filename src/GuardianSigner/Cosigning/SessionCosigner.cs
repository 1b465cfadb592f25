using System.Globalization;
using System.Numerics;
using Broker.Hosting.Grpc;
using Broker.Hosting.State;
using Broker.Hosting.Telemetry;
using GuardianSigner.Keys;
using GuardianSigner.Policy;
using Sessions;
using Starknet;

namespace GuardianSigner.Cosigning;

/// <summary>
/// The guardian's decisions, independent of the transport: registers (cosigns) session authorizations, cosigns
/// session transactions after the off-chain checks, and revokes. Refusals are <see cref="BrokerRpcException"/>s
/// with a precise status; the gRPC interceptor and the HTTP API map them.
/// </summary>
internal sealed class SessionCosigner(
    IStateStore store,
    GuardianKey key,
    DappPolicies policies,
    TimeProvider time,
    GuardianMetrics metrics,
    ILogger<SessionCosigner> logger)
{
    private const long RateWindowSeconds = 60;

    // Cosignatures of one session update the same record (rate and fee counters, recent messages). Taking a lock per
    // session (striped) before the read-modify-write means writers in this process queue instead of losing the ETag
    // race and retrying with back-off; the ETag check still guards against other processes.
    private readonly SemaphoreSlim[] _sessionLocks = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    // A session's allowed methods never change (its hash commits to their Merkle root), so each session's tree is built
    // once rather than at every cosign. Bounded: starts over past MaxCachedTrees (without ConcurrentDictionary.Count,
    // which takes every lock of the dictionary, at each cosign).
    private const int MaxCachedTrees = 10_000;
    private readonly Starknet.Internal.BoundedCache<string, AllowedMethodsTree> _trees = new(MaxCachedTrees, StringComparer.Ordinal);

    public Felt GuardianPublicKey => key.PublicKey;

    public Felt GuardianGuid => key.Guid;

    /// <summary>
    /// Checks a session the owner signed and cosigns its hash: owner signature (on-chain rule), expiry in the
    /// future by the guardian's clock, the dapp's longest session and allowed contracts. Stores the session so
    /// its transactions can be cosigned. Repeating the call for a stored session returns the same answer.
    /// </summary>
    public Task<AuthorizationResult> AuthorizeAsync(SessionRegistration registration, CancellationToken cancellationToken) =>
        MeasureAsync("authorization", () => AuthorizeCoreAsync(registration, cancellationToken));

    private async Task<AuthorizationResult> AuthorizeCoreAsync(SessionRegistration registration, CancellationToken cancellationToken)
    {
        var request = registration.Request;
        var sessionHash = request.SessionHash;
        if (!Ecdsa.VerifyOnChain(sessionHash, registration.OwnerPublicKey, registration.OwnerSignature))
        {
            throw BrokerRpcException.PermissionDenied("the owner signature does not verify over the session hash", "OWNER_SIGNATURE_INVALID", "owner_signature");
        }

        var now = time.GetUtcNow();
        var nowSeconds = now.ToUnixTimeSeconds();
        if ((long)Math.Min(request.ExpiresAt, long.MaxValue) <= nowSeconds)
        {
            throw BrokerRpcException.FailedPrecondition("session expired", "SESSION_EXPIRED", "session.expires_at");
        }
        if (!policies.AllowUnknownDapps && !policies.IsKnown(registration.DappId))
        {
            throw BrokerRpcException.PermissionDenied($"dapp '{registration.DappId}' is not allowed by this guardian", "DAPP_NOT_ALLOWED", "session.dapp_id");
        }
        var policy = policies.For(registration.DappId);
        var longest = nowSeconds + (long)Math.Min(policy.MaxSessionDuration.TotalSeconds, long.MaxValue / 4);
        if (policy.MaxSessionDuration != TimeSpan.MaxValue && request.ExpiresAt > (ulong)longest)
        {
            throw BrokerRpcException.PermissionDenied(
                $"session too long: the dapp allows at most {policy.MaxSessionDuration} (expires_at <= {longest})", "SESSION_TOO_LONG", "session.expires_at");
        }
        for (var i = 0; i < request.AllowedMethods.Count; i++)
        {
            if (!policy.AllowsContract(request.AllowedMethods[i].ContractAddress))
            {
                throw BrokerRpcException.PermissionDenied(
                    $"contract {request.AllowedMethods[i].ContractAddress} is not allowed for dapp '{registration.DappId}'", "CONTRACT_NOT_ALLOWED",
                    $"session.allowed_methods[{i}].contract_address");
            }
        }
        var metadata = SessionMetadata.TryParse(request.Metadata, out var typed) ? typed : null;
        if (policy.EnforceTxFees && metadata is null)
        {
            throw BrokerRpcException.InvalidArgument("session.metadata",
                "the dapp enforces fee limits, so the metadata must be x-sessions JSON {projectID, txFees:[{tokenAddress, maxAmount}]}");
        }

        var record = new StoredSession
        {
            SessionHash = sessionHash.ToString(),
            ChainId = request.ChainId.ToString(),
            AccountAddress = request.AccountAddress.ToString(),
            SessionPublicKey = request.SessionPublicKey.ToString(),
            ExpiresAt = request.ExpiresAt,
            AllowedMethods = request.AllowedMethods.Select(m => new StoredAllowedMethod(m.ContractAddress.ToString(), m.EntryPoint)).ToList(),
            Metadata = request.Metadata,
            DappId = registration.DappId,
            OwnerPublicKey = registration.OwnerPublicKey.ToString(),
            TxFees = metadata?.TxFees.Select(f => new StoredFeeAllowance(f.TokenAddress.ToString(), f.MaxAmount.ToString(CultureInfo.InvariantCulture))).ToList(),
            RegisteredAt = nowSeconds,
        };
        var storeKey = StoredSession.KeyOf(sessionHash);
        if (!await store.TrySaveAsync(storeKey, record, etag: null, cancellationToken).ConfigureAwait(false))
        {
            // Already known: a revoked (or tombstoned) session is never authorized again; otherwise answer again.
            var existing = await store.GetAsync<StoredSession>(storeKey, cancellationToken).ConfigureAwait(false);
            if (existing.Value is { Revoked: true })
            {
                throw BrokerRpcException.FailedPrecondition("session revoked", "SESSION_REVOKED", "session");
            }
        }

        var guardian = new StarknetSignerSignature(key.PublicKey, Sign(sessionHash));
        GuardianLog.SessionAuthorized(logger, record.SessionHash, record.AccountAddress, record.ChainId, record.DappId, record.ExpiresAt);
        return new AuthorizationResult(sessionHash, new StarknetSignerSignature(registration.OwnerPublicKey, registration.OwnerSignature), guardian);
    }

    /// <summary>Runs every off-chain check on a session transaction, charges its max fee and signs m.</summary>
    public Task<CosignResult> CosignAsync(CosignTransaction tx, CancellationToken cancellationToken) =>
        MeasureAsync(tx.Kind, async () =>
        {
            try
            {
                return await CosignCoreAsync(tx, cancellationToken).ConfigureAwait(false);
            }
            catch (BrokerRpcException ex)
            {
                GuardianLog.CosignRefused(logger, tx.Kind, tx.SessionHash, ex.Reason);
                throw;
            }
        });

    /// <summary>Counts the request by kind and outcome (<c>cosigned</c>, the refusal reason, or <c>error</c>) and times it.</summary>
    private async Task<T> MeasureAsync<T>(string kind, Func<Task<T>> cosign)
    {
        var started = time.GetTimestamp();
        var outcome = "error";
        try
        {
            var result = await cosign().ConfigureAwait(false);
            outcome = "cosigned";
            return result;
        }
        catch (BrokerRpcException ex)
        {
            outcome = ex.Reason.ToLowerInvariant();
            throw;
        }
        finally
        {
            metrics.Cosign(kind, outcome, time.GetElapsedTime(started));
        }
    }

    private async Task<CosignResult> CosignCoreAsync(CosignTransaction tx, CancellationToken cancellationToken)
    {
        // One session's cosigns run one at a time in this process, so each reads the session once and writes its counters
        // with the ETag it read; another writer (a revocation, another replica) makes that write fail and the update
        // starts again from a fresh read.
        var storeKey = StoredSession.KeyOf(tx.SessionHash);
        var sessionLock = _sessionLocks[(int)((uint)StringComparer.Ordinal.GetHashCode(storeKey) % (uint)_sessionLocks.Length)];
        Felt executionHash, message;
        bool repeat;
        await sessionLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            (executionHash, message, repeat) = await CheckAndChargeAsync(tx, storeKey, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            sessionLock.Release();
        }

        var signature = Sign(message);
        GuardianLog.Cosigned(logger, tx.Kind, executionHash, tx.SessionHash, tx.MaxFee, repeat);
        return new CosignResult(executionHash, message, signature, key.PublicKey);
    }

    /// <summary>Every check of a cosign, then its charge to the session's counters (under the session's lock).</summary>
    private async Task<(Felt ExecutionHash, Felt Message, bool Repeat)> CheckAndChargeAsync(CosignTransaction tx, string storeKey, CancellationToken cancellationToken)
    {
        var f = tx.Fields;
        var entry = await store.GetAsync<StoredSession>(storeKey, cancellationToken).ConfigureAwait(false);
        var session = entry.Value
            ?? throw BrokerRpcException.NotFound("session not registered with this guardian", "SESSION_NOT_FOUND", f.SessionHash);
        var now = time.GetUtcNow();
        var nowSeconds = now.ToUnixTimeSeconds();
        CheckUsable(session, nowSeconds, f);

        var chainId = session.ChainIdFelt;
        var account = session.AccountAddressFelt;
        if (tx.ChainId is { } txChain && txChain != chainId)
        {
            throw BrokerRpcException.FailedPrecondition($"the transaction is for chain {txChain}, the session for chain {chainId}", "CHAIN_MISMATCH", f.ChainId);
        }
        if (tx.AccountAddress is { } txAccount && txAccount != account)
        {
            throw BrokerRpcException.FailedPrecondition($"the transaction is for account {txAccount}, the session for account {account}", "ACCOUNT_MISMATCH", f.Account);
        }
        if (tx.ExecuteBefore is { } before && before <= (UInt128)(ulong)nowSeconds)
        {
            throw BrokerRpcException.FailedPrecondition("the outside execution's execute_before has passed", "OUTSIDE_EXECUTION_EXPIRED", f.ExecuteBefore);
        }

        var sessionKey = session.SessionPublicKeyFelt;
        if (tx.SessionPublicKey is { } claimedKey && claimedKey != sessionKey)
        {
            throw BrokerRpcException.PermissionDenied("the session signature's public key is not the session's key", "SESSION_KEY_MISMATCH", f.SessionPublicKey);
        }
        if (tx.Authorization is { } authorization)
        {
            CheckAuthorization(authorization, tx.SessionHash, session, f.Authorization);
        }
        var ownerGuid = SignerGuid.Starknet(session.OwnerPublicKeyFelt);
        if (!tx.CacheField.IsZero && tx.CacheField != Felt.One && tx.CacheField != ownerGuid)
        {
            throw BrokerRpcException.InvalidArgument(f.CacheField, "must be 0x0, 0x1 (account <= 0.4.0) or the GUID of the owner who authorized the session (account 0.5.0)");
        }

        var executionHash = tx.ExecutionHash(chainId, account);
        var message = SessionMessage.Hash(executionHash, tx.SessionHash, tx.CacheField);
        if (!Ecdsa.VerifyOnChain(message, sessionKey, tx.SessionSignature))
        {
            throw BrokerRpcException.PermissionDenied("invalid session signature: the session key did not sign this transaction", "SESSION_SIGNATURE_INVALID", f.SessionSignature);
        }

        var policy = policies.For(session.DappId);
        CheckCalls(tx.Calls, session, account, policy, f.Calls);

        var messageKey = StoredSession.MessageKey(message);
        var feeToken = tx.FeeToken;
        var repeat = false;
        StoredSession Charged(StoredSession? current)
        {
            var value = current ?? throw BrokerRpcException.NotFound("session not registered with this guardian", "SESSION_NOT_FOUND", f.SessionHash);
            // Re-checked on the value being written: a revocation that lands first wins the ETag race.
            CheckUsable(value, nowSeconds, f);
            value.NormalizeRecentMessages();
            repeat = value.RecentMessages.Contains(messageKey);
            if (repeat) return value;
            Charge(value, tx.MaxFee, feeToken, policy, now.ToUnixTimeMilliseconds(), f);
            value.RecentMessages.Add(messageKey);
            if (value.RecentMessages.Count > StoredSession.RecentMessagesKept) value.RecentMessages.RemoveAt(0);
            value.CosignCount++;
            return value;
        }
        if (!await store.TrySaveAsync(storeKey, Charged(session), entry.ETag, cancellationToken).ConfigureAwait(false))
        {
            await store.UpdateAsync<StoredSession>(storeKey, current => Charged(current.Value), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        return (executionHash, message, repeat);
    }

    /// <summary>Marks a session revoked at once. Unknown sessions get a tombstone so they can never be authorized later.</summary>
    /// <returns>False when it was already revoked.</returns>
    public async Task<bool> RevokeAsync(Felt sessionHash, bool onChain, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var newly = false;
        await store.UpdateAsync<StoredSession>(StoredSession.KeyOf(sessionHash), current =>
        {
            var value = current.Value ?? new StoredSession { SessionHash = sessionHash.ToString(), Tombstone = true };
            newly = !value.Revoked;
            if (newly)
            {
                value.Revoked = true;
                value.RevokedAt = now;
            }
            value.RevokedOnChain |= onChain;
            return value;
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
        GuardianLog.SessionRevoked(logger, sessionHash, onChain, newly);
        return newly;
    }

    /// <summary>The stored session, or null.</summary>
    public async Task<StoredSession?> FindAsync(Felt sessionHash, CancellationToken cancellationToken) =>
        (await store.GetAsync<StoredSession>(StoredSession.KeyOf(sessionHash), cancellationToken).ConfigureAwait(false)).Value;

    // starknet.js refuses hashes >= 2^251 and the rare (about 2^-55) r or 1/s >= 2^251, and so does Ecdsa.Sign;
    // such a hash is a refusal with a reason, never a server error.
    private StarkSignature Sign(Felt hash)
    {
        try
        {
            return key.Sign(hash);
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or InvalidOperationException)
        {
            throw new BrokerRpcException(global::Grpc.Core.StatusCode.FailedPrecondition,
                "this hash cannot be signed the way starknet.js signs (about 1 in 2^55); change the nonce and retry", "UNSIGNABLE_HASH", innerException: ex);
        }
    }

    private static void CheckUsable(StoredSession session, long nowSeconds, CosignFieldNames f)
    {
        if (session.Revoked)
        {
            throw BrokerRpcException.FailedPrecondition("session revoked", "SESSION_REVOKED", f.SessionHash);
        }
        // Valid while now <= expires_at, to the second (spec §13.2).
        if (nowSeconds < 0 || (ulong)nowSeconds > session.ExpiresAt)
        {
            throw BrokerRpcException.FailedPrecondition("session expired", "SESSION_EXPIRED", f.SessionHash);
        }
    }

    private void CheckAuthorization(SessionAuthorization authorization, Felt sessionHash, StoredSession session, string field)
    {
        if (authorization.GuardianSignature is not { } guardianSignature)
        {
            throw BrokerRpcException.PermissionDenied("the session authorization has no guardian signature", "AUTHORIZATION_INVALID", field);
        }
        if (authorization.GuardianPublicKey is { } guardianKey && guardianKey != key.PublicKey)
        {
            throw BrokerRpcException.PermissionDenied("the session was authorized by another guardian", "GUARDIAN_MISMATCH", field);
        }
        var ownerKey = session.OwnerPublicKeyFelt;
        if (authorization.OwnerPublicKey is { } claimedOwner && claimedOwner != ownerKey)
        {
            throw BrokerRpcException.PermissionDenied("the session authorization names another owner than the one registered", "OWNER_KEY_MISMATCH", field);
        }
        if (!Ecdsa.VerifyOnChain(sessionHash, ownerKey, authorization.OwnerSignature)
            || !Ecdsa.VerifyOnChain(sessionHash, key.PublicKey, guardianSignature))
        {
            throw BrokerRpcException.PermissionDenied("the session authorization's signatures do not verify over the session hash", "AUTHORIZATION_INVALID", field);
        }
    }

    private void CheckCalls(IReadOnlyList<Starknet.Transactions.Call> calls, StoredSession session, Felt account, DappPolicy policy, string field)
    {
        if (calls.Count == 0)
        {
            throw BrokerRpcException.InvalidArgument(field, "at least one call required");
        }
        if (!_trees.TryGet(session.SessionHash, out var tree))
        {
            tree = session.BuildTree();
            _trees.Add(session.SessionHash, tree);
        }
        for (var j = 0; j < calls.Count; j++)
        {
            var call = calls[j];
            if (call.To == account)
            {
                throw BrokerRpcException.PermissionDenied($"call {j} targets the account itself", "CALL_TO_ACCOUNT", $"{field}[{j}].to", CallIndex(j));
            }
            // The contract's own check: the call's leaf must prove against the session's root (spec §6).
            var index = tree.IndexOf(call.To, call.Selector);
            if (index < 0 || !AllowedMethodsTree.Verify(tree.Root, call.To, call.Selector, tree.GetProof(index)))
            {
                throw BrokerRpcException.PermissionDenied(
                    $"method not allowed: call {j} ({call.To}, selector {call.Selector}) is not an allowed method of the session",
                    "METHOD_NOT_ALLOWED", $"{field}[{j}]", CallIndex(j));
            }
            if (!policy.AllowsContract(call.To))
            {
                throw BrokerRpcException.PermissionDenied($"call {j}: contract {call.To} is not allowed for dapp '{policy.DappId}'",
                    "CONTRACT_NOT_ALLOWED", $"{field}[{j}].to", CallIndex(j));
            }
        }
    }

    private static void Charge(StoredSession session, BigInteger maxFee, Felt feeToken, DappPolicy policy, long nowMilliseconds, CosignFieldNames f)
    {
        // The window is the last 60 whole seconds: a cosign leaves it between 59 and 60 s after it was made.
        var nowSecond = nowMilliseconds / 1000;
        var buckets = session.CosignsPerSecond;
        var limited = policy.TransactionsPerMinute > 0;
        if (!limited)
        {
            // No limit, no window to keep: the record stays small and every cosign skips its upkeep. A limit set later
            // starts from an empty window, so it may let up to one extra minute's worth through once.
            buckets.Clear();
            session.RecentCosigns = null;
        }
        else if (session.RecentCosigns is { } legacy)
        {
            foreach (var second in legacy.Select(t => t / 1000).Order())
            {
                Count(buckets, second);
            }
            session.RecentCosigns = null;
        }
        buckets.RemoveAll(b => b.Second <= nowSecond - RateWindowSeconds);
        if (limited && buckets.Sum(b => b.Count) >= policy.TransactionsPerMinute)
        {
            var retryAfter = Math.Max(1, buckets.Min(b => b.Second) + RateWindowSeconds - nowSecond);
            throw BrokerRpcException.ResourceExhausted(
                $"rate limit: at most {policy.TransactionsPerMinute} transactions per minute for this session", "RATE_LIMITED",
                new Dictionary<string, string> { ["retry_after_seconds"] = retryAfter.ToString(CultureInfo.InvariantCulture) });
        }
        if (maxFee > 0)
        {
            var charged = session.FeesChargedFor(feeToken);
            if (policy.EnforceTxFees)
            {
                var allowance = session.AllowanceFor(feeToken);
                if (allowance is null || charged + maxFee > allowance.Value)
                {
                    var allowed = allowance?.ToString(CultureInfo.InvariantCulture) ?? "0";
                    throw BrokerRpcException.PermissionDenied(
                        allowance is null
                            ? $"fee limit: the session's metadata allows no fees in token {feeToken}"
                            : $"fee limit: {charged} already charged + max fee {maxFee} exceeds the session's allowance {allowed} of token {feeToken}",
                        "FEE_LIMIT", f.Fee,
                        new Dictionary<string, string>
                        {
                            ["fee_token"] = feeToken.ToString(),
                            ["allowance"] = allowed,
                            ["charged"] = charged.ToString(CultureInfo.InvariantCulture),
                            ["max_fee"] = maxFee.ToString(CultureInfo.InvariantCulture),
                        });
                }
            }
            session.FeesCharged[feeToken.ToString()] = (charged + maxFee).ToString(CultureInfo.InvariantCulture);
        }
        if (limited)
        {
            Count(buckets, nowSecond);
        }
    }

    private static void Count(List<CosignBucket> buckets, long second)
    {
        if (buckets.Count > 0 && buckets[^1].Second == second)
        {
            buckets[^1].Count++;
        }
        else
        {
            buckets.Add(new CosignBucket { Second = second, Count = 1 });
        }
    }

    private static Dictionary<string, string> CallIndex(int index) =>
        new() { ["call_index"] = index.ToString(CultureInfo.InvariantCulture) };
}
