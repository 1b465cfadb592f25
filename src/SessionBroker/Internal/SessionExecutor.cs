using Broker.Contracts.Guardian.V1;
using Broker.Hosting.Grpc;
using Grpc.Core;
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
internal sealed class SessionExecutor(SessionRegistry registry, GuardianGateway guardian, RelayerGateway relayer, TimeProvider time)
{
    // r = s = 1 are below the curve order; estimate mode checks everything but the signature equations (§13.4).
    private static readonly StarkSignature s_estimateSignature = new(Felt.One, Felt.One);

    // Parsed sessions (their Merkle trees) and the sessions whose guardian answer has been checked in full in this
    // process (see Token). Both are bounded: past MaxSessionsFollowed sessions a cache starts over, which costs a
    // session one parse, or one full check of its guardian's next answer, again.
    internal const int MaxSessionsFollowed = 65_536;
    private readonly BoundedCache<string, SessionRequest> _sessions = new(MaxSessionsFollowed, StringComparer.Ordinal);
    private readonly BoundedCache<Felt, bool> _cosignatureChecked = new(MaxSessionsFollowed);

    public async Task<Contracts.ExecuteResponse> ExecuteAsync(Contracts.ExecuteRequest request, CancellationToken ct)
    {
        var requestId = ExecutionReader.RequestId(request.RequestId);
        var sessionHash = RequestFields.Felt(request.SessionHash, "session_hash");
        var outside = ExecutionReader.OutsideExecution(request.OutsideExecution, "outside_execution");
        var sessionSignature = ExecutionReader.Signature(request.SessionSignature, "session_signature");
        SessionRecord record;
        SessionRequest session;
        Felt? ownHash;
        Felt[][] proofs;
        CosignResponse cosign;
        try
        {
            (record, session) = await UsableSessionAsync(sessionHash, ct).ConfigureAwait(false);
            proofs = Proofs(session, outside.Calls, "outside_execution.calls");
            ownHash = CheckInFull(session) ? outside.MessageHash(session.ChainId, session.AccountAddress) : null;
            cosign = await guardian.CosignOutsideExecutionAsync(new CosignOutsideExecutionRequest
            {
                SessionHash = sessionHash.ToString(),
                OutsideExecution = request.OutsideExecution,
                SessionSignature = request.SessionSignature,
                CacheOwnerGuid = "0x0",
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
        var (token, executionHash) = Token(record, session, ownHash, sessionSignature, cosign, proofs);

        var submitted = await relayer.SubmitOutsideExecutionAsync(new Relayer.SubmitOutsideExecutionRequest
        {
            RequestId = requestId,
            AccountAddress = session.AccountAddress.ToString(),
            OutsideExecution = request.OutsideExecution,
            Signature = { token.Select(f => f.ToString()) },
            WaitForFinal = request.WaitForFinal,
        }, ct).ConfigureAwait(false);
        return new Contracts.ExecuteResponse { Transaction = submitted.Transaction, ExecutionHash = executionHash.ToString() };
    }

    public async Task<Contracts.PrepareInvokeResponse> PrepareInvokeAsync(Contracts.PrepareInvokeRequest request, CancellationToken ct)
    {
        var sessionHash = RequestFields.Felt(request.SessionHash, "session_hash");
        var calls = ExecutionReader.Calls(request.Calls, "calls");
        var (record, session) = await UsableSessionAsync(sessionHash, ct).ConfigureAwait(false);
        var proofs = Proofs(session, calls, "calls");

        // The estimate's token: the real keys, authorization and proofs, placeholder signatures (estimate mode).
        var guardianKey = Felt.Parse(record.GuardianPublicKey);
        var estimateToken = SessionToken.WithCacheOwnerGuid(session.Session, Felt.Zero, Authorization(record),
            new StarknetSignerSignature(session.SessionPublicKey, s_estimateSignature),
            new StarknetSignerSignature(guardianKey, s_estimateSignature), proofs).ToFelts();
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
            MessageHash = SessionMessage.Hash(hash, sessionHash, Felt.Zero).ToString(),
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
        SessionRecord record;
        SessionRequest session;
        Felt? ownHash;
        Felt[][] proofs;
        CosignResponse cosign;
        try
        {
            (record, session) = await UsableSessionAsync(sessionHash, ct).ConfigureAwait(false);
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
                CacheOwnerGuid = "0x0",
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
        var (token, _) = Token(record, session, ownHash, sessionSignature, cosign, proofs);
        var submitted = await relayer.SubmitInvokeAsync(new Relayer.SubmitInvokeRequest
        {
            RequestId = requestId,
            Transaction = request.Transaction,
            Signature = { token.Select(f => f.ToString()) },
            WaitForFinal = request.WaitForFinal,
        }, ct).ConfigureAwait(false);
        return new Contracts.SubmitInvokeResponse { Transaction = submitted.Transaction };
    }

    public async Task<Proto.TransactionInfo> GetTransactionAsync(Contracts.GetTransactionRequest request, CancellationToken ct) =>
        await relayer.GetTransactionAsync(ExecutionReader.RequestId(request.RequestId), ct).ConfigureAwait(false);

    public Task WatchAsync(Contracts.GetTransactionRequest request, IServerStreamWriter<Proto.TransactionInfo> stream, CancellationToken ct) =>
        relayer.WatchAsync(ExecutionReader.RequestId(request.RequestId), info => stream.WriteAsync(info, ct), ct);

    private async Task<(SessionRecord Record, SessionRequest Session)> UsableSessionAsync(Felt sessionHash, CancellationToken ct)
    {
        var record = await registry.FindAsync(sessionHash, ct).ConfigureAwait(false)
            ?? throw BrokerRpcException.NotFound("no session with this hash is registered", "SESSION_NOT_FOUND", "session_hash");
        switch (record.StatusAt(time.GetUtcNow()))
        {
            case Contracts.SessionStatus.Revoked:
                throw BrokerRpcException.FailedPrecondition("session revoked", "SESSION_REVOKED", "session_hash");
            case Contracts.SessionStatus.Expired:
                throw BrokerRpcException.FailedPrecondition("session expired", "SESSION_EXPIRED", "session_hash");
        }
        if (!_sessions.TryGet(record.SessionHash, out var session))
        {
            session = new SessionRequest(
                Felt.Parse(record.ChainId), record.Account, Felt.Parse(record.SessionPublicKey), record.ExpiresAt,
                [.. record.AllowedMethods.Select(m => new AllowedMethod(Felt.Parse(m.ContractAddress), m.EntryPoint))], record.Metadata);
            _sessions.Add(record.SessionHash, session);
        }
        return (record, session);
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
    /// The session token (account 0.5.0 layout, no authorization caching) and the hash the guardian cosigned, after
    /// checking the guardian's answer.
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
    private (Felt[] Token, Felt ExecutionHash) Token(SessionRecord record, SessionRequest session, Felt? ownHash, StarkSignature sessionSignature, CosignResponse cosign, Felt[][] proofs)
    {
        var guardianKey = Felt.Parse(record.GuardianPublicKey);
        if (!Felt.TryParse(cosign.ExecutionHash, out var cosigned) || (ownHash is { } expected && cosigned != expected)
            || !Felt.TryParse(cosign.GuardianPublicKey, out var key) || key != guardianKey
            || cosign.GuardianSignature is null
            || !Felt.TryParse(cosign.GuardianSignature.R, out var r) || !Felt.TryParse(cosign.GuardianSignature.S, out var s)
            || (ownHash is not null && !Ecdsa.VerifyOnChain(SessionMessage.Hash(cosigned, session.SessionHash, Felt.Zero), guardianKey, new StarkSignature(r, s))))
        {
            throw new BrokerRpcException(StatusCode.Internal, "the guardian's cosignature does not match the transaction", "GUARDIAN_MALFORMED_ANSWER");
        }
        if (ownHash is not null)
        {
            _cosignatureChecked.Add(session.SessionHash, true);
        }
        var token = SessionToken.WithCacheOwnerGuid(session.Session, Felt.Zero, Authorization(record),
            new StarknetSignerSignature(session.SessionPublicKey, sessionSignature),
            new StarknetSignerSignature(guardianKey, new StarkSignature(r, s)), proofs).ToFelts();
        return (token, cosigned);
    }

    private static Felt[] Authorization(SessionRecord record) => [.. record.Authorization.Select(Felt.Parse)];
}
