using Broker.Contracts.Guardian.V1;
using Broker.Hosting;
using Broker.Hosting.Grpc;
using Grpc.Core;
using Microsoft.Extensions.Options;
using SessionBroker.Internal;
using Sessions;
using Starknet;
using Contracts = Broker.Contracts.Session.V1;
using Proto = Broker.Contracts.Common.V1;

namespace SessionBroker.Services;

/// <summary>
/// The session registry (broker/session/v1). Every refusal is a <see cref="BrokerRpcException"/> with a precise status,
/// a reason and, for bad input, the fields at fault; the hosting interceptor turns it into the rich gRPC status.
/// </summary>
internal sealed class SessionBrokerService(
    SessionRegistry registry,
    IAccountChain chain,
    GuardianGateway guardian,
    SessionExecutor executor,
    IOptions<SessionBrokerOptions> options,
    TimeProvider time,
    ILogger<SessionBrokerService> logger) : Contracts.SessionBroker.SessionBrokerBase
{
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 500;

    public override Task<Contracts.PrepareSessionResponse> PrepareSession(Contracts.PrepareSessionRequest request, ServerCallContext context)
    {
        var session = ReadSpec(request.Session).Request;
        return Task.FromResult(new Contracts.PrepareSessionResponse
        {
            TypedDataJson = session.ToTypedDataJson(),
            SessionHash = session.SessionHash.ToString(),
            SessionKeyGuid = session.SessionKeyGuid.ToString(),
            MetadataHash = session.MetadataHash.ToString(),
        });
    }

    public override async Task<Contracts.RegisterSessionResponse> RegisterSession(Contracts.RegisterSessionRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var (session, dappId) = ReadSpec(request.Session);
        var (ownerKey, ownerSignature) = ReadOwner(request);
        var hash = session.SessionHash;
        VerifyOwnerSignature(hash, ownerKey, ownerSignature);

        if (await registry.FindAsync(hash, ct) is { } existing)
        {
            if (existing.IsRevoked)
            {
                throw BrokerRpcException.FailedPrecondition("the session was revoked; sign a new session", "SESSION_REVOKED");
            }
            logger.SessionAlreadyRegistered(existing.SessionHash);
            await registry.PublishRegisteredAsync(existing, ct);
            return ToRegisterResponse(existing);
        }

        var guardianKey = await guardian.GetPublicKeyAsync(ct);
        await CheckAccountAsync(session, ownerKey, guardianKey, ct);

        var cosign = await guardian.CosignAuthorizationAsync(new CosignAuthorizationRequest
        {
            Session = ToDefinition(session, dappId),
            OwnerPublicKey = ownerKey.ToString(),
            OwnerSignature = new Proto.StarkSignature { R = ownerSignature.R.ToString(), S = ownerSignature.S.ToString() },
        }, ct);
        var authorization = CheckCosignature(cosign, hash, guardianKey);

        var record = new SessionRecord
        {
            SessionHash = hash.ToString(),
            ChainId = session.ChainId.ToString(),
            AccountAddress = session.AccountAddress.ToString(),
            SessionPublicKey = session.SessionPublicKey.ToString(),
            ExpiresAt = session.ExpiresAt,
            AllowedMethods = [.. session.AllowedMethods.Select(m => new StoredAllowedMethod(m.ContractAddress.ToString(), m.EntryPoint))],
            Metadata = session.Metadata,
            DappId = dappId,
            OwnerPublicKey = ownerKey.ToString(),
            Authorization = authorization,
            GuardianPublicKey = guardianKey.ToString(),
            CacheAuthorization = request.CacheAuthorization,
            RegisteredAt = time.GetUtcNow().ToUnixTimeSeconds(),
        };
        // The record, its index entries and session-registered go through the outbox in one transaction.
        var (stored, created) = await registry.AddAsync(record, ct);
        if (created)
        {
            logger.SessionRegistered(stored.SessionHash, stored.AccountAddress, stored.DappId, stored.ExpiresAt);
        }
        return ToRegisterResponse(stored);
    }

    public override async Task<Contracts.SessionInfo> GetSession(Contracts.GetSessionRequest request, ServerCallContext context)
    {
        var hash = RequestFields.Felt(request.SessionHash, "session_hash");
        var record = await registry.FindAsync(hash, context.CancellationToken) ?? throw SessionNotFound();
        var info = record.ToInfo(time.GetUtcNow());
        // The usage counters live with the guardian, which charges them as it cosigns.
        var usage = await guardian.GetUsageAsync(hash, context.CancellationToken);
        if (usage is not null)
        {
            info.FeesSpent.Add(usage.FeesCharged);
            info.TransactionsCosigned = usage.TransactionsCosigned;
        }
        return info;
    }

    public override async Task<Contracts.ListSessionsResponse> ListSessions(Contracts.ListSessionsRequest request, ServerCallContext context)
    {
        var index = request.FilterCase switch
        {
            Contracts.ListSessionsRequest.FilterOneofCase.AccountAddress => SessionRegistry.AccountIndex(RequestFields.Felt(request.AccountAddress, "account_address")),
            Contracts.ListSessionsRequest.FilterOneofCase.DappId => SessionRegistry.DappIndex(ReadDappId(request.DappId)),
            _ => throw BrokerRpcException.InvalidArgument("filter", "set account_address or dapp_id"),
        };
        var pageSize = request.Page?.PageSize ?? 0;
        if (pageSize > MaxPageSize)
        {
            throw BrokerRpcException.InvalidArgument("page.page_size", $"at most {MaxPageSize} allowed, got {pageSize}");
        }
        long? before = null;
        if (request.Page is { PageToken.Length: > 0 } page)
        {
            before = PageToken.TryDecode(page.PageToken, index, out var bound)
                ? bound
                : throw BrokerRpcException.InvalidArgument("page.page_token", "not a token of this list (pass next_page_token of the previous page unchanged)");
        }
        var (sessions, next) = await registry.ListAsync(index, before, pageSize == 0 ? DefaultPageSize : (int)pageSize, context.CancellationToken);
        var now = time.GetUtcNow();
        var response = new Contracts.ListSessionsResponse { NextPageToken = next is { } n ? PageToken.Encode(index, n) : "" };
        response.Sessions.AddRange(sessions.Select(s => s.ToInfo(now)));
        return response;
    }

    public override async Task<Contracts.RevokeSessionResponse> RevokeSession(Contracts.RevokeSessionRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var hash = RequestFields.Felt(request.SessionHash, "session_hash");
        if (await registry.FindAsync(hash, ct) is null)
        {
            throw SessionNotFound();
        }

        // The guardian first: once this call returns, it cosigns nothing more for the session.
        bool newlyRevoked;
        try
        {
            newlyRevoked = await guardian.RevokeAsync(hash, onChain: false, ct);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            logger.GuardianDoesNotKnowSession(hash);
            newlyRevoked = false;
        }

        // The record update and session-revoked go through the outbox in one transaction.
        var now = time.GetUtcNow();
        var (record, _) = await registry.MarkRevokedAsync(hash, now.ToUnixTimeSeconds(), onChain: false, ct) ?? throw SessionNotFound();
        logger.SessionRevoked(record.SessionHash, onChain: false, newlyRevoked);

        var call = SessionRevocation.RevokeSessionCall(record.Account, hash);
        var revokeCall = new Proto.Call { To = call.To.ToString(), EntryPoint = "revoke_session" };
        revokeCall.Calldata.AddRange(call.Calldata.Select(f => f.ToString()));
        return new Contracts.RevokeSessionResponse { Session = record.ToInfo(now), RevokeCall = revokeCall };
    }

    public override Task<Contracts.ExecuteResponse> Execute(Contracts.ExecuteRequest request, ServerCallContext context) =>
        executor.ExecuteAsync(request, context.CancellationToken);

    public override Task<Contracts.PrepareInvokeResponse> PrepareInvoke(Contracts.PrepareInvokeRequest request, ServerCallContext context) =>
        executor.PrepareInvokeAsync(request, context.CancellationToken);

    public override Task<Contracts.SubmitInvokeResponse> SubmitInvoke(Contracts.SubmitInvokeRequest request, ServerCallContext context) =>
        executor.SubmitInvokeAsync(request, context.CancellationToken);

    public override Task<Proto.TransactionInfo> GetTransaction(Contracts.GetTransactionRequest request, ServerCallContext context) =>
        executor.GetTransactionAsync(request, context.CancellationToken);

    public override Task WatchTransaction(Contracts.GetTransactionRequest request, IServerStreamWriter<Proto.TransactionInfo> responseStream, ServerCallContext context) =>
        executor.WatchAsync(request, responseStream, context.CancellationToken);

    private ValidatedSession ReadSpec(Contracts.SessionSpec? spec) =>
        SessionSpecReader.Read(spec, "session", time.GetUtcNow(), options.Value.MaxSessionLifetime);

    private static (Felt Key, StarkSignature Signature) ReadOwner(Contracts.RegisterSessionRequest request)
    {
        var violations = new List<FieldViolation>();
        var key = SessionSpecReader.NonZeroFelt(request.OwnerPublicKey, "owner_public_key", violations);
        Felt r = default, s = default;
        if (request.OwnerSignature is null)
        {
            violations.Add(new("owner_signature", "required"));
        }
        else
        {
            r = SessionSpecReader.NonZeroFelt(request.OwnerSignature.R, "owner_signature.r", violations);
            s = SessionSpecReader.NonZeroFelt(request.OwnerSignature.S, "owner_signature.s", violations);
        }
        if (violations.Count > 0)
        {
            throw BrokerRpcException.InvalidArgument(violations);
        }
        return (key, new StarkSignature(r, s));
    }

    /// <summary>The account's rule (spec §2.6): out-of-range values would revert the transaction, so they are malformed
    /// input; a well-formed signature that does not verify is a refusal.</summary>
    private static void VerifyOwnerSignature(Felt hash, Felt key, StarkSignature signature)
    {
        switch (Ecdsa.CheckOnChain(hash, key, signature.R, signature.S))
        {
            case OnChainSignatureStatus.Valid:
                return;
            case OnChainSignatureStatus.RNotBelowCurveOrder:
                throw BrokerRpcException.InvalidArgument("owner_signature.r", "must be below the curve order n");
            case OnChainSignatureStatus.SNotBelowCurveOrder:
                throw BrokerRpcException.InvalidArgument("owner_signature.s", "must be below the curve order n");
            case OnChainSignatureStatus.PublicKeyNotOnCurve:
                throw BrokerRpcException.InvalidArgument("owner_public_key", "not the x-coordinate of a STARK curve point");
            default:
                throw BrokerRpcException.PermissionDenied("the owner signature does not verify over the session hash", "OWNER_SIGNATURE_INVALID", "owner_signature");
        }
    }

    /// <summary>What only the chain can tell: the right chain, the key is an owner, our guardian is a guardian, and the
    /// session was not revoked there before it reached us.</summary>
    private async Task CheckAccountAsync(SessionRequest session, Felt ownerKey, Felt guardianKey, CancellationToken ct)
    {
        var chainId = await chain.GetChainIdAsync(ct);
        if (chainId != session.ChainId)
        {
            throw BrokerRpcException.FailedPrecondition($"the broker follows chain {chainId}, not {session.ChainId}", "CHAIN_MISMATCH", "session.chain_id");
        }
        var account = session.AccountAddress;
        if (!await chain.IsOwnerAsync(account, ownerKey, ct))
        {
            throw BrokerRpcException.PermissionDenied("the key is not an owner of the account on the chain", "NOT_AN_OWNER", "owner_public_key");
        }
        if (!await chain.IsGuardianAsync(account, guardianKey, ct))
        {
            throw BrokerRpcException.FailedPrecondition(
                $"the broker's guardian {guardianKey} is not a guardian of the account, so the account would refuse its cosignatures",
                "GUARDIAN_NOT_ON_ACCOUNT", "session.account_address");
        }
        if (await chain.IsSessionRevokedAsync(account, session.SessionHash, ct))
        {
            throw BrokerRpcException.FailedPrecondition("the session is revoked on-chain; sign a new session", "SESSION_REVOKED");
        }
    }

    /// <summary>The guardian's answer must be for our session hash and verify; anything else is the guardian's fault.</summary>
    private static string[] CheckCosignature(CosignAuthorizationResponse cosign, Felt hash, Felt guardianKey)
    {
        var authorization = new Felt[cosign.Authorization.Count];
        var wellFormed = Felt.TryParse(cosign.SessionHash, out var cosignedHash) && cosignedHash == hash
            && Felt.TryParse(cosign.GuardianPublicKey, out var cosignKey) && cosignKey == guardianKey
            && cosign.Authorization.Count <= RequestLimits.MaxAuthorizationLength;
        for (var i = 0; wellFormed && i < authorization.Length; i++)
        {
            wellFormed = Felt.TryParse(cosign.Authorization[i], out authorization[i]);
        }
        if (wellFormed && SessionAuthorization.TryParse(authorization, out var parsed, out _)
            && parsed.GuardianSignature is { } signature && parsed.GuardianPublicKey == guardianKey
            && Ecdsa.VerifyOnChain(hash, guardianKey, signature))
        {
            return [.. authorization.Select(f => f.ToString())];
        }
        throw new BrokerRpcException(StatusCode.Internal, "the guardian's authorization does not match the session", "GUARDIAN_MALFORMED_ANSWER");
    }

    private Contracts.RegisterSessionResponse ToRegisterResponse(SessionRecord record)
    {
        var response = new Contracts.RegisterSessionResponse
        {
            Session = record.ToInfo(time.GetUtcNow()),
            GuardianPublicKey = record.GuardianPublicKey,
        };
        response.Authorization.AddRange(record.Authorization);
        return response;
    }

    // Canonical felts, so the guardian hashes exactly what was checked here.
    private static SessionDefinition ToDefinition(SessionRequest session, string dappId)
    {
        var definition = new SessionDefinition
        {
            ChainId = session.ChainId.ToString(),
            AccountAddress = session.AccountAddress.ToString(),
            SessionPublicKey = session.SessionPublicKey.ToString(),
            ExpiresAt = session.ExpiresAt,
            Metadata = session.Metadata,
            DappId = dappId,
        };
        definition.AllowedMethods.AddRange(session.AllowedMethods.Select(m =>
            new Proto.AllowedMethod { ContractAddress = m.ContractAddress.ToString(), EntryPoint = m.EntryPoint }));
        return definition;
    }

    private static string ReadDappId(string dappId)
    {
        if (dappId.Length == 0)
        {
            throw BrokerRpcException.InvalidArgument("dapp_id", "required");
        }
        RequestFields.Length(dappId, "dapp_id", Broker.Hosting.Grpc.RequestLimits.MaxIdLength);
        return dappId;
    }

    private static BrokerRpcException SessionNotFound() =>
        BrokerRpcException.NotFound("no session with this hash is registered", "SESSION_NOT_FOUND", "session_hash");
}
