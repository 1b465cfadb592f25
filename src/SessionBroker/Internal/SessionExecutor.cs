using Broker.Contracts.Guardian.V1;
using Broker.Hosting.Grpc;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Sessions;
using Starknet;
using Starknet.Internal;
using Starknet.Transactions;
using Contracts = Broker.Contracts.Session.V1;
using Proto = Broker.Contracts.Common.V1;
using Relayer = Broker.Contracts.Relayer.V1;
using StarknetCall = Starknet.Transactions.Call;

namespace SessionBroker.Internal;

/// <summary>
/// Session transactions end to end: the broker checks the session (registered, not revoked, not expired, every call an
/// allowed method), has the guardian cosign the per-transaction message, builds the session token (the stored
/// authorization, both signatures, one Merkle proof per call) and hands the transaction to the relayer.
/// </summary>
/// <remarks>
/// Idempotency rests on the relayer's request ids: a retried request reaches the relayer with the same id and gets the
/// stored answer. When the guardian refuses a retry (say the session was revoked after the first attempt went through),
/// the broker asks the relayer for the request id first, so a request that was accepted is reported as such.
/// </remarks>
internal sealed class SessionExecutor(SessionRegistry registry, GuardianGateway guardian, RelayerGateway relayer, IAccountChain chain,
    IOptions<SessionBrokerOptions> options, TimeProvider time, ILogger<SessionExecutor> logger)
{
    // r = s = 1 are below the curve order; estimate mode checks everything but the signature equations (§13.4).
    private static readonly StarkSignature s_estimateSignature = new(Felt.One, Felt.One);

    // Parsed sessions (their Merkle trees) and the sessions whose guardian answer has been checked in full in this
    // process (see Token). Both are bounded: past MaxSessionsFollowed sessions a cache starts over, which costs a
    // session one parse, or one full check of its guardian's next answer, again.
    internal const int MaxSessionsFollowed = 65_536;
    private readonly BoundedCache<string, SessionState> _sessions = new(MaxSessionsFollowed, StringComparer.Ordinal);
    private readonly BoundedCache<Felt, bool> _cosignatureChecked = new(MaxSessionsFollowed);
    private readonly TimeSpan _cacheCheckInterval = options.Value.AuthorizationCacheCheckInterval;

    public async Task<Contracts.ExecuteResponse> ExecuteAsync(Contracts.ExecuteRequest request, CancellationToken ct)
    {
        var requestId = ExecutionReader.RequestId(request.RequestId);
        var sessionHash = RequestFields.Felt(request.SessionHash, "session_hash");
        var outside = ExecutionReader.OutsideExecution(request.OutsideExecution, "outside_execution");
        var sessionSignature = ExecutionReader.Signature(request.SessionSignature, "session_signature");
        SessionState state;
        Felt? ownHash;
        Felt[][] proofs;
        CosignResponse cosign;
        try
        {
            state = await UsableSessionAsync(sessionHash, ct).ConfigureAwait(false);
            var session = state.Request;
            proofs = Proofs(session, outside.Calls, "outside_execution.calls");
            ownHash = CheckInFull(session) ? outside.MessageHash(session.ChainId, session.AccountAddress) : null;
            cosign = await guardian.CosignOutsideExecutionAsync(new CosignOutsideExecutionRequest
            {
                SessionHash = sessionHash.ToString(),
                OutsideExecution = request.OutsideExecution,
                SessionSignature = request.SessionSignature,
                CacheOwnerGuid = state.CacheOwnerGuidText,
                // The relayer pays: nothing is charged against the session's txFees.
                MaxFee = "0",
            }, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or BrokerRpcException)
        {
            if (await relayer.FindAsync(requestId, ct).ConfigureAwait(false) is { } accepted)
            {
                return new Contracts.ExecuteResponse { Transaction = accepted, ExecutionHash = await ExecutionHashAsync(sessionHash, outside, ct).ConfigureAwait(false) };
            }
            throw;
        }
        var (token, executionHash, fullAuthorization) = Token(state, ownHash, sessionSignature, cosign, proofs);

        var submitted = await relayer.SubmitOutsideExecutionAsync(new Relayer.SubmitOutsideExecutionRequest
        {
            RequestId = requestId,
            AccountAddress = state.Request.AccountAddress.ToString(),
            OutsideExecution = request.OutsideExecution,
            Signature = { token.Select(f => f.ToString()) },
            WaitForFinal = request.WaitForFinal,
        }, ct).ConfigureAwait(false);
        Executed(state, fullAuthorization, submitted.Transaction);
        return new Contracts.ExecuteResponse { Transaction = submitted.Transaction, ExecutionHash = executionHash.ToString() };
    }

    public async Task<Contracts.PrepareInvokeResponse> PrepareInvokeAsync(Contracts.PrepareInvokeRequest request, CancellationToken ct)
    {
        var sessionHash = RequestFields.Felt(request.SessionHash, "session_hash");
        var calls = ExecutionReader.Calls(request.Calls, "calls");
        var state = await UsableSessionAsync(sessionHash, ct).ConfigureAwait(false);
        var session = state.Request;
        var proofs = Proofs(session, calls, "calls");

        // The estimate's token: the real keys, authorization and proofs, placeholder signatures (estimate mode). The
        // authorization stays in even when cached (spec §13.4), so the bounds also cover a token that carries it.
        var estimateToken = SessionToken.WithCacheOwnerGuid(session.Session, state.CacheOwnerGuid, state.Authorization,
            new StarknetSignerSignature(session.SessionPublicKey, s_estimateSignature),
            new StarknetSignerSignature(state.GuardianKey, s_estimateSignature), proofs).ToFelts();
        var prepared = await relayer.PrepareInvokeAsync(new Relayer.PrepareInvokeRequest
        {
            SenderAddress = session.AccountAddress.ToString(),
            Calls = { request.Calls },
            EstimateSignature = { estimateToken.Select(f => f.ToString()) },
            Tip = request.Tip,
        }, ct).ConfigureAwait(false);
        if (!Felt.TryParse(prepared.ChainId, out var relayerChain) || relayerChain != session.ChainId)
        {
            throw BrokerRpcException.FailedPrecondition($"the relayer follows chain {prepared.ChainId}, the session is for {session.ChainId}", "CHAIN_MISMATCH", "session_hash");
        }

        var fields = new Proto.InvokeV3Fields
        {
            SenderAddress = session.AccountAddress.ToString(),
            Calls = { request.Calls },
            Nonce = prepared.Nonce,
            ResourceBounds = prepared.ResourceBounds,
            Tip = request.Tip,
            ChainId = session.ChainId.ToString(),
        };
        var (transaction, _) = ExecutionReader.Invoke(fields, "transaction");
        var hash = transaction.ComputeHash();
        return new Contracts.PrepareInvokeResponse
        {
            Transaction = fields,
            TransactionHash = hash.ToString(),
            MessageHash = SessionMessage.Hash(hash, sessionHash, state.CacheOwnerGuid).ToString(),
            EstimatedFee = prepared.EstimatedFee,
            MaxFee = prepared.MaxFee,
        };
    }

    public async Task<Contracts.SubmitInvokeResponse> SubmitInvokeAsync(Contracts.SubmitInvokeRequest request, CancellationToken ct)
    {
        var requestId = ExecutionReader.RequestId(request.RequestId);
        var sessionHash = RequestFields.Felt(request.SessionHash, "session_hash");
        var (transaction, calls) = ExecutionReader.Invoke(request.Transaction, "transaction");
        var sessionSignature = ExecutionReader.Signature(request.SessionSignature, "session_signature");
        SessionState state;
        Felt? ownHash;
        Felt[][] proofs;
        CosignResponse cosign;
        try
        {
            state = await UsableSessionAsync(sessionHash, ct).ConfigureAwait(false);
            var session = state.Request;
            if (transaction.SenderAddress != session.AccountAddress)
            {
                throw BrokerRpcException.FailedPrecondition($"the transaction is sent by {transaction.SenderAddress}, the session is for {session.AccountAddress}",
                    "ACCOUNT_MISMATCH", "transaction.sender_address");
            }
            if (transaction.ChainId != session.ChainId)
            {
                throw BrokerRpcException.FailedPrecondition($"the transaction is for chain {transaction.ChainId}, the session for {session.ChainId}", "CHAIN_MISMATCH", "transaction.chain_id");
            }
            proofs = Proofs(session, calls, "transaction.calls");
            ownHash = CheckInFull(session) ? transaction.ComputeHash() : null;
            cosign = await guardian.CosignInvokeAsync(new CosignInvokeRequest
            {
                SessionHash = sessionHash.ToString(),
                Transaction = request.Transaction,
                SessionSignature = request.SessionSignature,
                CacheOwnerGuid = state.CacheOwnerGuidText,
            }, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or BrokerRpcException)
        {
            if (await relayer.FindAsync(requestId, ct).ConfigureAwait(false) is { } accepted)
            {
                return new Contracts.SubmitInvokeResponse { Transaction = accepted };
            }
            throw;
        }
        var (token, _, fullAuthorization) = Token(state, ownHash, sessionSignature, cosign, proofs);
        var submitted = await relayer.SubmitInvokeAsync(new Relayer.SubmitInvokeRequest
        {
            RequestId = requestId,
            Transaction = request.Transaction,
            Signature = { token.Select(f => f.ToString()) },
            WaitForFinal = request.WaitForFinal,
        }, ct).ConfigureAwait(false);
        Executed(state, fullAuthorization, submitted.Transaction);
        return new Contracts.SubmitInvokeResponse { Transaction = submitted.Transaction };
    }

    public async Task<Proto.TransactionInfo> GetTransactionAsync(Contracts.GetTransactionRequest request, CancellationToken ct) =>
        await relayer.GetTransactionAsync(ExecutionReader.RequestId(request.RequestId), ct).ConfigureAwait(false);

    public Task WatchAsync(Contracts.GetTransactionRequest request, IServerStreamWriter<Proto.TransactionInfo> stream, CancellationToken ct) =>
        relayer.WatchAsync(ExecutionReader.RequestId(request.RequestId), info => stream.WriteAsync(info, ct), ct);

    private async Task<SessionState> UsableSessionAsync(Felt sessionHash, CancellationToken ct)
    {
        var record = await registry.FindRecentAsync(sessionHash, ct).ConfigureAwait(false)
            ?? throw BrokerRpcException.NotFound("no session with this hash is registered", "SESSION_NOT_FOUND", "session_hash");
        switch (record.StatusAt(time.GetUtcNow()))
        {
            case Contracts.SessionStatus.Revoked:
                throw BrokerRpcException.FailedPrecondition("session revoked", "SESSION_REVOKED", "session_hash");
            case Contracts.SessionStatus.Expired:
                throw BrokerRpcException.FailedPrecondition("session expired", "SESSION_EXPIRED", "session_hash");
        }
        // Everything kept is fixed at registration, so it is parsed once per session.
        if (!_sessions.TryGet(record.SessionHash, out var state))
        {
            var session = new SessionRequest(
                Felt.Parse(record.ChainId), record.Account, Felt.Parse(record.SessionPublicKey), record.ExpiresAt,
                [.. record.AllowedMethods.Select(m => new AllowedMethod(Felt.Parse(m.ContractAddress), m.EntryPoint))], record.Metadata);
            state = new SessionState(session, Felt.Parse(record.GuardianPublicKey), [.. record.Authorization.Select(Felt.Parse)], record.CacheOwnerGuid);
            _sessions.Add(record.SessionHash, state);
        }
        return state;
    }

    /// <summary>The outside execution's hash for a stored session (revoked or not), or empty when the session is unknown.</summary>
    private async Task<string> ExecutionHashAsync(Felt sessionHash, OutsideExecution outside, CancellationToken ct) =>
        await registry.FindAsync(sessionHash, ct).ConfigureAwait(false) is { } record
            ? outside.MessageHash(Felt.Parse(record.ChainId), record.Account).ToString()
            : "";

    private static Felt[][] Proofs(SessionRequest session, IReadOnlyList<StarknetCall> calls, string field)
    {
        for (var j = 0; j < calls.Count; j++)
        {
            if (calls[j].To == session.AccountAddress)
            {
                throw BrokerRpcException.PermissionDenied($"call {j} targets the account itself", "CALL_TO_ACCOUNT", $"{field}[{j}].to");
            }
        }
        return session.AllowedMethodsTree.TryGetProofs(calls, out var proofs, out var bad)
            ? proofs
            : throw BrokerRpcException.PermissionDenied($"method not allowed: call {bad} is not an allowed method of the session", "METHOD_NOT_ALLOWED", $"{field}[{bad}]");
    }

    /// <summary>Whether the guardian's next answer for this session is checked in full (see <see cref="Token"/>).</summary>
    private bool CheckInFull(SessionRequest session) => !_cosignatureChecked.TryGet(session.SessionHash, out _);

    /// <summary>
    /// The session token (account 0.5.0 layout) and the hash the guardian cosigned, after checking the guardian's
    /// answer; and whether the token carries the authorization (always, unless the session caches it and the account
    /// is known to hold it, see <see cref="Executed"/>).
    /// </summary>
    /// <param name="ownHash">The broker's own hash of the transaction when the answer is checked in full, else null.</param>
    /// <remarks>
    /// Every answer must name the registered guardian key. The first answer for each session in this process is
    /// checked in full: the cosigned hash against the broker's own and the signature equation. A guardian that signs
    /// wrongly (a broken key store, a bad build) is then caught at once with a clear error, not later as a refused
    /// transaction. After that the chain checks every signature and hash anyway: the relayer's estimate runs the
    /// account's checks before an outside execution is sent, and an invoke with a bad signature fails
    /// <c>__validate__</c> and is refused without a fee; the client SDK also compares the returned execution hash
    /// with the one it signed. Hashing and verifying again for every transaction cost ~5% of the pipeline's CPU.
    /// </remarks>
    private (Felt[] Token, Felt ExecutionHash, bool FullAuthorization) Token(SessionState state, Felt? ownHash, StarkSignature sessionSignature, CosignResponse cosign, Felt[][] proofs)
    {
        var session = state.Request;
        var guardianKey = state.GuardianKey;
        if (!Felt.TryParse(cosign.ExecutionHash, out var cosigned) || (ownHash is { } expected && cosigned != expected)
            || !Felt.TryParse(cosign.GuardianPublicKey, out var key) || key != guardianKey
            || cosign.GuardianSignature is null
            || !Felt.TryParse(cosign.GuardianSignature.R, out var r) || !Felt.TryParse(cosign.GuardianSignature.S, out var s)
            || (ownHash is not null && !Ecdsa.VerifyOnChain(SessionMessage.Hash(cosigned, session.SessionHash, state.CacheOwnerGuid), guardianKey, new StarkSignature(r, s))))
        {
            throw new BrokerRpcException(StatusCode.Internal, "the guardian's cosignature does not match the transaction", "GUARDIAN_MALFORMED_ANSWER");
        }
        if (ownHash is not null)
        {
            _cosignatureChecked.Add(session.SessionHash, true);
        }
        var full = !state.AuthorizationCached;
        var token = SessionToken.WithCacheOwnerGuid(session.Session, state.CacheOwnerGuid, full ? state.Authorization : [],
            new StarknetSignerSignature(session.SessionPublicKey, sessionSignature),
            new StarknetSignerSignature(guardianKey, new StarkSignature(r, s)), proofs).ToFelts();
        return (token, cosigned, full);
    }

    /// <summary>
    /// Follows a caching session's authorization after one of its transactions went to the relayer. A transaction
    /// that carried the authorization and is ACCEPTED_ON_L2 has cached it: the account writes the cache while it checks
    /// the token, and a revert would have undone the write, but ACCEPTED_ON_L2 means it succeeded. Otherwise the
    /// account's view is asked in the background, at most once per <see cref="SessionBrokerOptions.AuthorizationCacheCheckInterval"/>
    /// per session, so no transaction waits for it. Until either says so, tokens carry the authorization in full,
    /// which the account accepts whether it has cached it or not (spec §13.5).
    /// </summary>
    private void Executed(SessionState state, bool fullAuthorization, Proto.TransactionInfo? transaction)
    {
        if (state.CacheOwnerGuid.IsZero || state.AuthorizationCached)
        {
            return;
        }
        if (fullAuthorization && transaction?.Status == Proto.TransactionStatus.AcceptedOnL2)
        {
            state.MarkCached(logger);
            return;
        }
        var now = time.GetTimestamp();
        if (now < Volatile.Read(ref state.NextCheck) || Interlocked.CompareExchange(ref state.Checking, 1, 0) != 0)
        {
            return;
        }
        Volatile.Write(ref state.NextCheck, now + (long)(_cacheCheckInterval.TotalSeconds * time.TimestampFrequency));
        _ = CheckCachedAsync(state);
    }

    private async Task CheckCachedAsync(SessionState state)
    {
        try
        {
            var session = state.Request;
            if (await chain.IsSessionAuthorizationCachedAsync(session.AccountAddress, session.SessionHash, state.CacheOwnerGuid,
                    SignerGuid.Starknet(state.GuardianKey), CancellationToken.None).ConfigureAwait(false))
            {
                state.MarkCached(logger);
            }
        }
        catch (Exception e)
        {
            // The node is unreachable or the account cannot answer (say it is older than 0.5.0): tokens keep carrying
            // the authorization, which is correct either way; the next transaction asks again after the interval.
            logger.AuthorizationCacheCheckFailed(e, state.Request.SessionHash);
        }
        finally
        {
            Volatile.Write(ref state.Checking, 0);
        }
    }

    /// <summary>What the executor keeps per session: its parts parsed once, and where its authorization cache stands.</summary>
    private sealed class SessionState(SessionRequest request, Felt guardianKey, Felt[] authorization, Felt cacheOwnerGuid)
    {
        private volatile bool _authorizationCached;

        // The TimeProvider timestamp before which the cache view is not asked again, and 1 while a check runs.
        public long NextCheck;
        public int Checking;

        public SessionRequest Request { get; } = request;
        public Felt GuardianKey { get; } = guardianKey;
        public Felt[] Authorization { get; } = authorization;

        /// <summary>0, or the owner's GUID for a session registered with authorization caching.</summary>
        public Felt CacheOwnerGuid { get; } = cacheOwnerGuid;
        public string CacheOwnerGuidText { get; } = cacheOwnerGuid.ToString();

        /// <summary>True once the account is known to hold the authorization in its cache.</summary>
        public bool AuthorizationCached => _authorizationCached;

        public void MarkCached(ILogger logger)
        {
            if (!_authorizationCached)
            {
                _authorizationCached = true;
                logger.AuthorizationCached(Request.SessionHash);
            }
        }
    }
}
