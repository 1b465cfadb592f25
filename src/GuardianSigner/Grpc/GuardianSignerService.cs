using System.Numerics;
using Broker.Contracts.Guardian.V1;
using Broker.Hosting.Grpc;
using GuardianSigner.Cosigning;
using Grpc.Core;
using Sessions;
using Starknet;
using Starknet.Transactions;
using ContractsSignature = Broker.Contracts.Common.V1.StarkSignature;

namespace GuardianSigner.Grpc;

/// <summary>broker.guardian.v1.GuardianSigner: parses and validates requests, then hands them to <see cref="SessionCosigner"/>.</summary>
internal sealed class GuardianSignerService(SessionCosigner cosigner) : Broker.Contracts.Guardian.V1.GuardianSigner.GuardianSignerBase
{
    private static readonly CosignFieldNames s_invokeFields = new(
        SessionHash: "session_hash", ChainId: "transaction.chain_id", Account: "transaction.sender_address", Calls: "transaction.calls",
        SessionSignature: "session_signature", SessionPublicKey: "session_signature", Authorization: "session_hash",
        CacheField: "cache_owner_guid", ExecuteBefore: "transaction", Fee: "transaction.resource_bounds");

    private static readonly CosignFieldNames s_outsideFields = new(
        SessionHash: "session_hash", ChainId: "session_hash", Account: "session_hash", Calls: "outside_execution.calls",
        SessionSignature: "session_signature", SessionPublicKey: "session_signature", Authorization: "session_hash",
        CacheField: "cache_owner_guid", ExecuteBefore: "outside_execution.execute_before", Fee: "max_fee");

    public override Task<GuardianInfo> GetGuardianInfo(GetGuardianInfoRequest request, ServerCallContext context) =>
        Task.FromResult(new GuardianInfo { PublicKey = cosigner.GuardianPublicKey.ToString(), Guid = cosigner.GuardianGuid.ToString() });

    public override async Task<CosignAuthorizationResponse> CosignAuthorization(CosignAuthorizationRequest request, ServerCallContext context)
    {
        var registration = ParseRegistration(request);
        var result = await cosigner.AuthorizeAsync(registration, context.CancellationToken).ConfigureAwait(false);
        var response = new CosignAuthorizationResponse
        {
            SessionHash = result.SessionHash.ToString(),
            GuardianSignature = ToProto(result.Guardian.Signature),
            GuardianPublicKey = result.Guardian.PublicKey.ToString(),
        };
        response.Authorization.AddRange(result.AuthorizationFelts().Select(f => f.ToString()));
        return response;
    }

    public override async Task<CosignResponse> CosignInvoke(CosignInvokeRequest request, ServerCallContext context)
    {
        var sessionHash = RequestFields.Felt(request.SessionHash, "session_hash");
        var t = request.Transaction ?? throw BrokerRpcException.InvalidArgument("transaction", "required");
        var calls = ProtoParsing.Calls(t.Calls, "transaction.calls");
        var bounds = ProtoParsing.ResourceBounds(t.ResourceBounds, "transaction.resource_bounds");
        if (t.QueryVersion)
        {
            throw BrokerRpcException.InvalidArgument("transaction.query_version",
                "query-version transactions are for fee estimation and are never cosigned (estimation needs no guardian signature)");
        }
        var invoke = new InvokeTransactionV3
        {
            SenderAddress = RequestFields.Felt(t.SenderAddress, "transaction.sender_address"),
            ChainId = RequestFields.Felt(t.ChainId, "transaction.chain_id"),
            Nonce = RequestFields.Felt(t.Nonce, "transaction.nonce"),
            Calldata = [],
            ResourceBounds = bounds,
            Tip = t.Tip,
        };
        var cosign = new CosignTransaction
        {
            SessionHash = sessionHash,
            Kind = "invoke",
            Calls = calls,
            ChainId = invoke.ChainId,
            AccountAddress = invoke.SenderAddress,
            ExecutionHash = (_, _) => TransactionHash.InvokeV3(invoke, ExecuteCalldata.Hash(calls)),
            MaxFee = MaxFee.Of(bounds, t.Tip),
            FeeToken = RequestFields.OptionalFelt(request.FeeToken, "fee_token", FeeTokens.Strk),
            CacheField = RequestFields.OptionalFelt(request.CacheOwnerGuid, "cache_owner_guid", Felt.Zero),
            SessionSignature = ProtoParsing.Signature(request.SessionSignature, "session_signature"),
            Fields = s_invokeFields,
        };
        return ToProto(await cosigner.CosignAsync(cosign, context.CancellationToken).ConfigureAwait(false));
    }

    public override async Task<CosignResponse> CosignOutsideExecution(CosignOutsideExecutionRequest request, ServerCallContext context)
    {
        var sessionHash = RequestFields.Felt(request.SessionHash, "session_hash");
        var o = request.OutsideExecution ?? throw BrokerRpcException.InvalidArgument("outside_execution", "required");
        var calls = ProtoParsing.Calls(o.Calls, "outside_execution.calls");
        if (o.ExecuteBefore <= o.ExecuteAfter)
        {
            throw BrokerRpcException.InvalidArgument("outside_execution.execute_before", "must be greater than execute_after");
        }
        var outside = new OutsideExecution(
            RequestFields.Felt(o.Caller, "outside_execution.caller"),
            RequestFields.Felt(o.Nonce, "outside_execution.nonce"),
            o.ExecuteAfter,
            o.ExecuteBefore,
            calls);
        var cosign = new CosignTransaction
        {
            SessionHash = sessionHash,
            Kind = "outside-execution",
            Calls = calls,
            ExecutionHash = outside.MessageHash,
            ExecuteBefore = o.ExecuteBefore,
            MaxFee = string.IsNullOrEmpty(request.MaxFee) ? BigInteger.Zero : RequestFields.UnsignedDecimal(request.MaxFee, "max_fee", 256),
            FeeToken = RequestFields.OptionalFelt(request.FeeToken, "fee_token", FeeTokens.Strk),
            CacheField = RequestFields.OptionalFelt(request.CacheOwnerGuid, "cache_owner_guid", Felt.Zero),
            SessionSignature = ProtoParsing.Signature(request.SessionSignature, "session_signature"),
            Fields = s_outsideFields,
        };
        return ToProto(await cosigner.CosignAsync(cosign, context.CancellationToken).ConfigureAwait(false));
    }

    public override async Task<GuardianRevokeSessionResponse> RevokeSession(GuardianRevokeSessionRequest request, ServerCallContext context)
    {
        var sessionHash = RequestFields.Felt(request.SessionHash, "session_hash");
        var newly = await cosigner.RevokeAsync(sessionHash, request.OnChain, context.CancellationToken).ConfigureAwait(false);
        return new GuardianRevokeSessionResponse { NewlyRevoked = newly };
    }

    public override async Task<SessionUsage> GetSessionUsage(GetSessionUsageRequest request, ServerCallContext context)
    {
        var sessionHash = RequestFields.Felt(request.SessionHash, "session_hash");
        var session = await cosigner.FindAsync(sessionHash, context.CancellationToken).ConfigureAwait(false);
        if (session is null || session.Tombstone)
        {
            throw BrokerRpcException.NotFound("session not registered with this guardian", "SESSION_NOT_FOUND", "session_hash");
        }
        var usage = new SessionUsage { TransactionsCosigned = (ulong)session.CosignCount, Revoked = session.Revoked };
        usage.FeesCharged.Add(session.FeesCharged);
        return usage;
    }

    private static SessionRegistration ParseRegistration(CosignAuthorizationRequest request)
    {
        var s = request.Session ?? throw BrokerRpcException.InvalidArgument("session", "required");
        var chainId = RequestFields.Felt(s.ChainId, "session.chain_id");
        var account = RequestFields.Felt(s.AccountAddress, "session.account_address");
        var sessionKey = RequestFields.Felt(s.SessionPublicKey, "session.session_public_key");
        if (sessionKey.IsZero) throw BrokerRpcException.InvalidArgument("session.session_public_key", "must be non-zero");
        if (s.ExpiresAt == 0) throw BrokerRpcException.InvalidArgument("session.expires_at", "required (Unix seconds)");
        RequestFields.Count(s.AllowedMethods.Count, "session.allowed_methods", RequestLimits.MaxAllowedMethods, min: 1);
        var methods = new AllowedMethod[s.AllowedMethods.Count];
        for (var i = 0; i < methods.Length; i++)
        {
            var path = $"session.allowed_methods[{i}]";
            var contract = RequestFields.Felt(s.AllowedMethods[i].ContractAddress, $"{path}.contract_address");
            ProtoParsing.CheckEntryPoint(s.AllowedMethods[i].EntryPoint, $"{path}.entry_point");
            methods[i] = new AllowedMethod(contract, s.AllowedMethods[i].EntryPoint);
        }
        RequestFields.Length(s.Metadata, "session.metadata", RequestLimits.MaxMetadataLength);
        if (s.Metadata.Any(c => c is < ' ' or > '~'))
        {
            throw BrokerRpcException.InvalidArgument("session.metadata", "must be printable ASCII (spec §2.2)");
        }
        RequestFields.Length(s.DappId, "session.dapp_id", RequestLimits.MaxIdLength);
        var ownerKey = RequestFields.Felt(request.OwnerPublicKey, "owner_public_key");
        if (ownerKey.IsZero) throw BrokerRpcException.InvalidArgument("owner_public_key", "must be non-zero");
        var ownerSignature = ProtoParsing.Signature(request.OwnerSignature, "owner_signature");

        var sessionRequest = new SessionRequest(chainId, account, sessionKey, s.ExpiresAt, methods, s.Metadata);
        var dappId = s.DappId.Length > 0 ? s.DappId
            : sessionRequest.TryGetTypedMetadata(out var metadata) ? metadata.ProjectId : "";
        return new SessionRegistration(sessionRequest, dappId, ownerKey, ownerSignature);
    }

    private static CosignResponse ToProto(CosignResult result) => new()
    {
        ExecutionHash = result.ExecutionHash.ToString(),
        MessageHash = result.MessageHash.ToString(),
        GuardianSignature = ToProto(result.Signature),
        GuardianPublicKey = result.GuardianPublicKey.ToString(),
    };

    private static ContractsSignature ToProto(Starknet.StarkSignature signature) =>
        new() { R = signature.R.ToString(), S = signature.S.ToString() };
}
