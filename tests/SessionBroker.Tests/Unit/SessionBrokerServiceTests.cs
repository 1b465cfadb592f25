using Broker.Tests.Shared;
using Broker.Contracts.Session.V1;
using Broker.Hosting;
using Grpc.Core;
using SessionBroker.Tests.Infrastructure;
using Sessions;
using Starknet;
using Proto = Broker.Contracts.Common.V1;

namespace SessionBroker.Tests.Unit;

/// <summary>The service class called directly, with a fake chain and a fake guardian (no channel, no devnet).</summary>
public sealed class SessionBrokerServiceTests : IDisposable
{
    private readonly ServiceFixture _f = new();
    private readonly Felt _sessionKey = Ecdsa.GetPublicKey(Ecdsa.GeneratePrivateKey());

    public void Dispose() => _f.Dispose();

    private SessionSpec Spec(ulong lifetime = 3600, string dappId = "my-game") => TestSessions.Spec(_sessionKey, _f.Now + lifetime, dappId);

    [Fact]
    public async Task PrepareSession_ValidSpec_ReturnsTypedDataThatHashesToTheSessionHash()
    {
        var spec = Spec();
        var response = await _f.Service.PrepareSession(new PrepareSessionRequest { Session = spec }, TestServerCallContext.Create());

        var expected = TestSessions.Request(spec);
        Assert.Equal(expected.SessionHash.ToString(), response.SessionHash);
        Assert.Equal(expected.SessionKeyGuid.ToString(), response.SessionKeyGuid);
        Assert.Equal(expected.MetadataHash.ToString(), response.MetadataHash);
        Assert.Equal(expected.SessionHash, TypedData.Parse(response.TypedDataJson).MessageHash(TestKeys.Account));
    }

    [Fact]
    public async Task PrepareSession_MalformedFelts_InvalidArgumentNamesEveryField()
    {
        var spec = Spec();
        spec.ChainId = "SN_DEVNET";
        spec.AccountAddress = "0x" + new string('f', 64);
        spec.SessionPublicKey = "";
        spec.AllowedMethods[1].ContractAddress = "0xzz";

        var e = await Refusals.ThrowsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT",
            () => _f.Service.PrepareSession(new PrepareSessionRequest { Session = spec }, TestServerCallContext.Create()));

        Assert.Equal(
            ["session.chain_id", "session.account_address", "session.session_public_key", "session.allowed_methods[1].contract_address"],
            e.FieldViolations.Select(v => v.Field));
    }

    [Theory]
    [InlineData(0, "must be in the future")]
    [InlineData(8 * 24 * 3600, "at most")]
    public async Task PrepareSession_ExpiryOutsidePolicy_InvalidArgumentOnExpiresAt(long lifetime, string message)
    {
        var spec = TestSessions.Spec(_sessionKey, (ulong)((long)_f.Now + lifetime));
        var e = await Refusals.ThrowsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT",
            () => _f.Service.PrepareSession(new PrepareSessionRequest { Session = spec }, TestServerCallContext.Create()));
        var violation = Assert.Single(e.FieldViolations);
        Assert.Equal("session.expires_at", violation.Field);
        Assert.Contains(message, violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrepareSession_OversizedArraysAndText_InvalidArgumentNamingTheField()
    {
        var tooMany = Spec();
        for (var i = 0; i < 300; i++)
        {
            tooMany.AllowedMethods.Add(new Proto.AllowedMethod { ContractAddress = $"0x{i + 1:x}", EntryPoint = "move" });
        }
        var e = await Refusals.ThrowsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT",
            () => _f.Service.PrepareSession(new PrepareSessionRequest { Session = tooMany }, TestServerCallContext.Create()));
        Assert.Equal("session.allowed_methods", Assert.Single(e.FieldViolations).Field);

        var longMetadata = Spec();
        longMetadata.Metadata = new string('a', 5000);
        longMetadata.DappId = "é";
        e = await Refusals.ThrowsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT",
            () => _f.Service.PrepareSession(new PrepareSessionRequest { Session = longMetadata }, TestServerCallContext.Create()));
        Assert.Equal(["session.metadata", "session.dapp_id"], e.FieldViolations.Select(v => v.Field));
    }

    [Fact]
    public async Task PrepareSession_NoMethodsHexEntryPointDuplicateOrMissingSpec_InvalidArgument()
    {
        var none = Spec();
        none.AllowedMethods.Clear();
        var e = await Refusals.ThrowsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT",
            () => _f.Service.PrepareSession(new PrepareSessionRequest { Session = none }, TestServerCallContext.Create()));
        Assert.Equal("session.allowed_methods", Assert.Single(e.FieldViolations).Field);

        var bad = Spec();
        bad.AllowedMethods[0].EntryPoint = "0x1234";
        bad.AllowedMethods.Add(bad.AllowedMethods[1].Clone());
        bad.Metadata = "line\nbreak";
        e = await Refusals.ThrowsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT",
            () => _f.Service.PrepareSession(new PrepareSessionRequest { Session = bad }, TestServerCallContext.Create()));
        Assert.Equal(["session.allowed_methods[0].entry_point", "session.allowed_methods[2]", "session.metadata"], e.FieldViolations.Select(v => v.Field));

        e = await Refusals.ThrowsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT",
            () => _f.Service.PrepareSession(new PrepareSessionRequest(), TestServerCallContext.Create()));
        Assert.Equal("session", e.Field);
    }

    [Fact]
    public async Task PrepareSession_SessionKeyNotOnCurve_InvalidArgument()
    {
        var spec = Spec();
        var x = Felt.One;
        while (SessionBroker.Internal.SessionSpecReader.IsCurveX(x))
        {
            x += Felt.One;
        }
        spec.SessionPublicKey = x.ToString();
        var e = await Refusals.ThrowsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT",
            () => _f.Service.PrepareSession(new PrepareSessionRequest { Session = spec }, TestServerCallContext.Create()));
        Assert.Equal("session.session_public_key", e.Field);
    }

    [Fact]
    public async Task RegisterSession_Valid_StoresCosignsAndPublishes()
    {
        var spec = Spec();
        var response = await _f.Service.RegisterSession(TestSessions.Register(spec, TestKeys.OwnerPrivateKey), TestServerCallContext.Create());

        var hash = TestSessions.Request(spec).SessionHash;
        Assert.Equal(hash.ToString(), response.Session.SessionHash);
        Assert.Equal(SessionStatus.Active, response.Session.Status);
        Assert.Equal(TestKeys.GuardianPublicKey.ToString(), response.GuardianPublicKey);
        var authorization = SessionAuthorization.Parse([.. response.Authorization.Select(Felt.Parse)]);
        Assert.Equal(TestKeys.OwnerPublicKey, authorization.OwnerPublicKey);
        Assert.True(Ecdsa.VerifyOnChain(hash, TestKeys.GuardianPublicKey, authorization.GuardianSignature!.Value));
        var (topic, data) = Assert.Single(await _f.DeliveredAsync());
        Assert.Equal(BrokerComponents.Topics.SessionRegistered, topic);
        Assert.Equal(hash.ToString(), data.GetProperty("sessionHash").GetString());

        var stored = await _f.Service.GetSession(new GetSessionRequest { SessionHash = hash.ToString() }, TestServerCallContext.Create());
        Assert.Equal(spec, stored.Spec);
        Assert.Equal(_f.Now, stored.RegisteredAt);
    }

    [Theory]
    [InlineData("signature over another message")]
    [InlineData("another execution hash")]
    public async Task Execute_GuardianFirstAnswerWrong_GuardianMalformedAnswerAndNothingReachesTheRelayer(string wrongness)
    {
        var spec = Spec();
        await _f.Service.RegisterSession(TestSessions.Register(spec, TestKeys.OwnerPrivateKey), TestServerCallContext.Create());
        var session = TestSessions.Request(spec);
        var fields = new Proto.OutsideExecutionFields { Caller = "0x414e595f43414c4c4552", Nonce = "0x7", ExecuteAfter = _f.Now - 60, ExecuteBefore = _f.Now + 600 };
        fields.Calls.Add(new Proto.Call { To = TestKeys.GameContract.ToString(), EntryPoint = "move", Calldata = { "0x1" } });
        var executionHash = SessionBroker.Internal.ExecutionReader.OutsideExecution(fields, "outside_execution").MessageHash(session.ChainId, session.AccountAddress);
        // The registered key and a well-formed signature by it, but either over another message than the one its
        // answer names, or over (and naming) the hash of another outside execution.
        var (named, signed) = wrongness == "another execution hash"
            ? (executionHash + Felt.One, SessionMessage.Hash(executionHash + Felt.One, session.SessionHash, Felt.Zero))
            : (executionHash, SessionMessage.Hash(executionHash, session.SessionHash, Felt.One));
        var signature = Ecdsa.Sign(TestKeys.GuardianPrivateKey, signed);
        _f.GuardianClient.OutsideExecutionAnswer = _ => new Broker.Contracts.Guardian.V1.CosignResponse
        {
            ExecutionHash = named.ToString(),
            GuardianPublicKey = TestKeys.GuardianPublicKey.ToString(),
            GuardianSignature = new() { R = signature.R.ToString(), S = signature.S.ToString() },
        };

        // The relayer fake throws on any call, so reaching it would fail the test with another error.
        await Refusals.ThrowsAsync(StatusCode.Internal, "GUARDIAN_MALFORMED_ANSWER", () => _f.Service.Execute(new ExecuteRequest
        {
            RequestId = "move-1",
            SessionHash = session.SessionHash.ToString(),
            OutsideExecution = fields,
            SessionSignature = new Proto.StarkSignature { R = "0x1", S = "0x1" },
        }, TestServerCallContext.Create()));
        Assert.Contains("CosignOutsideExecution", _f.GuardianClient.Calls);
    }

    [Fact]
    public async Task RegisterSession_NoDappId_ListedUnderTheMetadataProjectId()
    {
        var spec = Spec(dappId: "from-metadata");
        spec.DappId = "";
        await _f.Service.RegisterSession(TestSessions.Register(spec, TestKeys.OwnerPrivateKey), TestServerCallContext.Create());

        var page = await _f.Service.ListSessions(new ListSessionsRequest { DappId = "from-metadata" }, TestServerCallContext.Create());
        Assert.Equal("from-metadata", Assert.Single(page.Sessions).Spec.DappId);
    }

    [Fact]
    public async Task RegisterSession_SameSessionTwice_ReturnsTheSameRegistrationWithoutAskingTheGuardianAgain()
    {
        var request = TestSessions.Register(Spec(), TestKeys.OwnerPrivateKey);
        var first = await _f.Service.RegisterSession(request, TestServerCallContext.Create());
        var second = await _f.Service.RegisterSession(request, TestServerCallContext.Create());

        Assert.Equal(first, second);
        Assert.Single(_f.GuardianClient.Calls, c => c == "CosignAuthorization");
        var page = await _f.Service.ListSessions(new ListSessionsRequest { AccountAddress = TestKeys.Account.ToString() }, TestServerCallContext.Create());
        Assert.Single(page.Sessions);
    }

    [Fact]
    public async Task RegisterSession_BadOwnerSignature_PermissionDenied()
    {
        var request = TestSessions.Register(Spec(), TestKeys.OwnerPrivateKey);
        request.OwnerSignature.S = (Felt.Parse(request.OwnerSignature.S) + Felt.One).ToString();

        await Refusals.ThrowsAsync(StatusCode.PermissionDenied, "OWNER_SIGNATURE_INVALID",
            () => _f.Service.RegisterSession(request, TestServerCallContext.Create()));
        Assert.Empty(_f.GuardianClient.Calls);
    }

    [Fact]
    public async Task RegisterSession_SignatureOutOfRange_InvalidArgumentOnR()
    {
        var request = TestSessions.Register(Spec(), TestKeys.OwnerPrivateKey);
        request.OwnerSignature.R = Felt.FromBigInteger(Ecdsa.CurveOrder).ToString();
        var e = await Refusals.ThrowsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT",
            () => _f.Service.RegisterSession(request, TestServerCallContext.Create()));
        Assert.Equal("owner_signature.r", e.Field);
    }

    [Fact]
    public async Task RegisterSession_KeyNotAnOwnerOnChain_PermissionDenied()
    {
        var request = TestSessions.Register(Spec(), TestKeys.StrangerPrivateKey);
        var e = await Refusals.ThrowsAsync(StatusCode.PermissionDenied, "NOT_AN_OWNER",
            () => _f.Service.RegisterSession(request, TestServerCallContext.Create()));
        Assert.Equal("owner_public_key", e.Field);
        Assert.DoesNotContain("CosignAuthorization", _f.GuardianClient.Calls);
    }

    [Fact]
    public async Task RegisterSession_OtherChainOrGuardianNotOnAccountOrRevokedOnChain_FailedPrecondition()
    {
        var spec = Spec();
        _f.Chain.ChainId = CairoShortString.Encode("SN_SEPOLIA");
        await Refusals.ThrowsAsync(StatusCode.FailedPrecondition, "CHAIN_MISMATCH",
            () => _f.Service.RegisterSession(TestSessions.Register(spec, TestKeys.OwnerPrivateKey), TestServerCallContext.Create()));

        _f.Chain.ChainId = TestKeys.ChainId;
        _f.Chain.Guardians.Clear();
        await Refusals.ThrowsAsync(StatusCode.FailedPrecondition, "GUARDIAN_NOT_ON_ACCOUNT",
            () => _f.Service.RegisterSession(TestSessions.Register(spec, TestKeys.OwnerPrivateKey), TestServerCallContext.Create()));

        _f.Chain.Guardians.Add((TestKeys.Account, TestKeys.GuardianPublicKey));
        _f.Chain.RevokedOnChain.Add(TestSessions.Request(spec).SessionHash);
        await Refusals.ThrowsAsync(StatusCode.FailedPrecondition, "SESSION_REVOKED",
            () => _f.Service.RegisterSession(TestSessions.Register(spec, TestKeys.OwnerPrivateKey), TestServerCallContext.Create()));
    }

    [Fact]
    public async Task RegisterSession_GuardianRefuses_PassesTheGuardianStatusOn()
    {
        _f.GuardianClient.Failure = new RpcException(new Status(StatusCode.PermissionDenied, "dapp not allowed"));
        var e = await Assert.ThrowsAsync<RpcException>(
            () => _f.Service.RegisterSession(TestSessions.Register(Spec(), TestKeys.OwnerPrivateKey), TestServerCallContext.Create()));
        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        Assert.Empty(await _f.DeliveredAsync());

        _f.GuardianClient.Failure = new RpcException(new Status(StatusCode.Unavailable, "connection refused"));
        await Refusals.ThrowsAsync(StatusCode.Unavailable, "GUARDIAN_UNAVAILABLE",
            () => _f.Service.RegisterSession(TestSessions.Register(Spec(), TestKeys.OwnerPrivateKey), TestServerCallContext.Create()));
    }

    [Fact]
    public async Task RegisterSession_GuardianRefusesTheBrokersToken_InternalNotTheCallersUnauthenticated()
    {
        // The guardian's UNAUTHENTICATED is about the broker's Auth:CallTokens:Guardian, not the caller's token: passing
        // it on would tell a caller with a good token that its token is wrong.
        _f.GuardianClient.Failure = new RpcException(new Status(StatusCode.Unauthenticated, "the API token is not accepted"));

        var e = await Refusals.ThrowsAsync(StatusCode.Internal, "GUARDIAN_AUTH_FAILED",
            () => _f.Service.RegisterSession(TestSessions.Register(Spec(), TestKeys.OwnerPrivateKey), TestServerCallContext.Create()));
        Assert.Contains("Auth:CallTokens:Guardian", e.Message, StringComparison.Ordinal);
        Assert.Empty(await _f.DeliveredAsync());
    }

    [Fact]
    public async Task GetSession_UnknownOrMalformedHash_NotFoundOrInvalidArgument()
    {
        await Refusals.ThrowsAsync(StatusCode.NotFound, "SESSION_NOT_FOUND",
            () => _f.Service.GetSession(new GetSessionRequest { SessionHash = "0x123" }, TestServerCallContext.Create()));
        var e = await Refusals.ThrowsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT",
            () => _f.Service.GetSession(new GetSessionRequest { SessionHash = "123" }, TestServerCallContext.Create()));
        Assert.Equal("session_hash", e.Field);
    }

    [Fact]
    public async Task GetSession_AfterExpiry_StatusExpired()
    {
        var spec = Spec(lifetime: 60);
        await _f.Service.RegisterSession(TestSessions.Register(spec, TestKeys.OwnerPrivateKey), TestServerCallContext.Create());
        var request = new GetSessionRequest { SessionHash = TestSessions.Request(spec).SessionHash.ToString() };

        _f.Time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(SessionStatus.Active, (await _f.Service.GetSession(request, TestServerCallContext.Create())).Status);
        _f.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(SessionStatus.Expired, (await _f.Service.GetSession(request, TestServerCallContext.Create())).Status);
    }

    [Fact]
    public async Task GetSession_GuardianCountedUsage_ReportsFeesAndCosigns()
    {
        var spec = Spec(lifetime: 600);
        await _f.Service.RegisterSession(TestSessions.Register(spec, TestKeys.OwnerPrivateKey), TestServerCallContext.Create());
        var hash = TestSessions.Request(spec).SessionHash.ToString();
        var request = new GetSessionRequest { SessionHash = hash };
        Assert.Equal(0UL, (await _f.Service.GetSession(request, TestServerCallContext.Create())).TransactionsCosigned);

        var usage = new Broker.Contracts.Guardian.V1.SessionUsage { TransactionsCosigned = 3 };
        usage.FeesCharged.Add("0x4718", "1500000000000000");
        _f.GuardianClient.Usage[hash] = usage;
        var info = await _f.Service.GetSession(request, TestServerCallContext.Create());

        Assert.Equal(3UL, info.TransactionsCosigned);
        Assert.Equal("1500000000000000", info.FeesSpent["0x4718"]);

        // The counters are informative: an unreachable guardian does not fail the lookup.
        _f.GuardianClient.Failure = new RpcException(new Status(StatusCode.Unavailable, "down"));
        Assert.Equal(0UL, (await _f.Service.GetSession(request, TestServerCallContext.Create())).TransactionsCosigned);
        // Nor does a guardian refusing the broker's token, which must never reach the caller as its own UNAUTHENTICATED.
        _f.GuardianClient.Failure = new RpcException(new Status(StatusCode.Unauthenticated, "the API token is not accepted"));
        Assert.Equal(0UL, (await _f.Service.GetSession(request, TestServerCallContext.Create())).TransactionsCosigned);
    }

    [Fact]
    public async Task Relayer_RefusesTheBrokersToken_InternalRelayerAuthFailed()
    {
        var relayer = new SessionBroker.Internal.RelayerGateway(new TokenRefusingRelayerClient());

        var e = await Refusals.ThrowsAsync(StatusCode.Internal, "RELAYER_AUTH_FAILED",
            () => relayer.SubmitOutsideExecutionAsync(new Broker.Contracts.Relayer.V1.SubmitOutsideExecutionRequest(), CancellationToken.None));
        Assert.Contains("Auth:CallTokens:Relayer", e.Message, StringComparison.Ordinal);
        await Refusals.ThrowsAsync(StatusCode.Internal, "RELAYER_AUTH_FAILED",
            () => relayer.WatchAsync("request-1", _ => Task.CompletedTask, CancellationToken.None));
    }

    /// <summary>A relayer that refuses the broker's token on every call, as TxRelayer does with the wrong Auth:CallTokens:Relayer.</summary>
    private sealed class TokenRefusingRelayerClient : Broker.Contracts.Relayer.V1.TxRelayer.TxRelayerClient
    {
        private static RpcException Refusal => new(new Status(StatusCode.Unauthenticated, "the API token is not accepted"));

        public override AsyncUnaryCall<Broker.Contracts.Relayer.V1.SubmitResponse> SubmitOutsideExecutionAsync(
            Broker.Contracts.Relayer.V1.SubmitOutsideExecutionRequest request, CallOptions options) => throw Refusal;

        public override AsyncServerStreamingCall<Proto.TransactionInfo> WatchTransaction(
            Broker.Contracts.Relayer.V1.GetTransactionRequest request, CallOptions options) => throw Refusal;
    }

    [Fact]
    public async Task ListSessions_FivePagesOfTwo_NewestFirstAndStableWhileNewSessionsArrive()
    {
        var hashes = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var spec = TestSessions.Spec(Ecdsa.GetPublicKey(Ecdsa.GeneratePrivateKey()), _f.Now + 3600, dappId: "paged");
            hashes.Add((await _f.Service.RegisterSession(TestSessions.Register(spec, TestKeys.OwnerPrivateKey), TestServerCallContext.Create())).Session.SessionHash);
        }
        var seen = new List<string>();
        var request = new ListSessionsRequest { DappId = "paged", Page = new Proto.PageRequest { PageSize = 2 } };
        var page = await _f.Service.ListSessions(request, TestServerCallContext.Create());
        seen.AddRange(page.Sessions.Select(s => s.SessionHash));

        // A session registered between two pages shows on none of the later pages and shifts nothing.
        var late = TestSessions.Spec(Ecdsa.GetPublicKey(Ecdsa.GeneratePrivateKey()), _f.Now + 3600, dappId: "paged");
        await _f.Service.RegisterSession(TestSessions.Register(late, TestKeys.OwnerPrivateKey), TestServerCallContext.Create());
        while (page.NextPageToken.Length > 0)
        {
            request.Page.PageToken = page.NextPageToken;
            page = await _f.Service.ListSessions(request, TestServerCallContext.Create());
            seen.AddRange(page.Sessions.Select(s => s.SessionHash));
        }

        hashes.Reverse();
        Assert.Equal(hashes, seen);
        var byAccount = await _f.Service.ListSessions(new ListSessionsRequest { AccountAddress = TestKeys.Account.ToString() }, TestServerCallContext.Create());
        Assert.Equal(6, byAccount.Sessions.Count);
        Assert.Empty(byAccount.NextPageToken);
    }

    [Fact]
    public async Task ListSessions_BadFilterPageSizeOrToken_InvalidArgumentNamingTheField()
    {
        async Task<string?> FieldOf(ListSessionsRequest request) =>
            (await Refusals.ThrowsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT",
                () => _f.Service.ListSessions(request, TestServerCallContext.Create()))).Field;

        Assert.Equal("filter", await FieldOf(new ListSessionsRequest()));
        Assert.Equal("account_address", await FieldOf(new ListSessionsRequest { AccountAddress = "0x" }));
        Assert.Equal("dapp_id", await FieldOf(new ListSessionsRequest { DappId = new string('d', 200) }));
        Assert.Equal("page.page_size", await FieldOf(new ListSessionsRequest { DappId = "x", Page = new() { PageSize = 501 } }));
        Assert.Equal("page.page_token", await FieldOf(new ListSessionsRequest { DappId = "x", Page = new() { PageToken = "garbage" } }));
        var otherListToken = SessionBroker.Internal.PageToken.Encode("index:dapp:y", 3);
        Assert.Equal("page.page_token", await FieldOf(new ListSessionsRequest { DappId = "x", Page = new() { PageToken = otherListToken } }));
    }

    [Fact]
    public async Task RevokeSession_Registered_TellsTheGuardianMarksRevokedAndReturnsTheCall()
    {
        var spec = Spec();
        await _f.Service.RegisterSession(TestSessions.Register(spec, TestKeys.OwnerPrivateKey), TestServerCallContext.Create());
        var hash = TestSessions.Request(spec).SessionHash;
        _f.Time.Advance(TimeSpan.FromSeconds(5));

        var response = await _f.Service.RevokeSession(new RevokeSessionRequest { SessionHash = hash.ToString() }, TestServerCallContext.Create());

        Assert.Equal((hash.ToString(), false), Assert.Single(_f.GuardianClient.Revocations));
        Assert.Equal(SessionStatus.Revoked, response.Session.Status);
        Assert.Equal(_f.Now, response.Session.RevokedAt);
        Assert.False(response.Session.RevokedOnChain);
        Assert.Equal(TestKeys.Account.ToString(), response.RevokeCall.To);
        Assert.Equal("revoke_session", response.RevokeCall.EntryPoint);
        Assert.Equal([hash.ToString()], response.RevokeCall.Calldata);
        Assert.Contains(await _f.DeliveredAsync(), p => p.Topic == BrokerComponents.Topics.SessionRevoked);

        // Re-registering a revoked session is refused.
        await Refusals.ThrowsAsync(StatusCode.FailedPrecondition, "SESSION_REVOKED",
            () => _f.Service.RegisterSession(TestSessions.Register(spec, TestKeys.OwnerPrivateKey), TestServerCallContext.Create()));
    }

    [Fact]
    public async Task RevokeSession_GuardianUnreachable_SessionStaysActive()
    {
        var spec = Spec();
        await _f.Service.RegisterSession(TestSessions.Register(spec, TestKeys.OwnerPrivateKey), TestServerCallContext.Create());
        var hash = TestSessions.Request(spec).SessionHash.ToString();
        _f.GuardianClient.Failure = new RpcException(new Status(StatusCode.Unavailable, "down"));

        await Refusals.ThrowsAsync(StatusCode.Unavailable, "GUARDIAN_UNAVAILABLE",
            () => _f.Service.RevokeSession(new RevokeSessionRequest { SessionHash = hash }, TestServerCallContext.Create()));
        var info = await _f.Service.GetSession(new GetSessionRequest { SessionHash = hash }, TestServerCallContext.Create());
        Assert.Equal(SessionStatus.Active, info.Status);
    }

    [Fact]
    public async Task RevokeSession_Unknown_NotFound()
    {
        await Refusals.ThrowsAsync(StatusCode.NotFound, "SESSION_NOT_FOUND",
            () => _f.Service.RevokeSession(new RevokeSessionRequest { SessionHash = "0xabc" }, TestServerCallContext.Create()));
        Assert.Empty(_f.GuardianClient.Revocations);
    }
}
