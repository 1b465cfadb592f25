using System.Numerics;
using Broker.Contracts.Guardian.V1;
using Broker.Hosting;
using Broker.Hosting.Events;
using Broker.Hosting.PubSub;
using Broker.Hosting.PubSub.InProcess;
using Broker.Hosting.State;
using GuardianSigner.Cosigning;
using GuardianSigner.Tests.Infrastructure;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Sessions;
using Starknet;

namespace GuardianSigner.Tests;

/// <summary>
/// GuardianSigner through a real in-process gRPC channel, with a fake clock: the happy paths for both transaction
/// kinds (checked against an m computed here with src/Sessions) and every refusal with its status code.
/// </summary>
public sealed class GuardianSignerServiceTests : IDisposable
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static readonly Dictionary<string, string?> Policy = new()
    {
        ["Policy:Default:TransactionsPerMinute"] = "100",
        ["Policy:Dapps:slow-game:TransactionsPerMinute"] = "3",
        ["Policy:Dapps:busy-game:TransactionsPerMinute"] = "0",
        ["Policy:Dapps:fast-game:TransactionsPerMinute"] = "1000",
        ["Policy:Dapps:locked-game:AllowedContracts:0"] = "0x123",
        ["Policy:Dapps:short-game:MaxSessionDuration"] = "00:10:00",
    };

    private readonly FakeTimeProvider _time = new(Start);
    private readonly string _statePath = GuardianHost.NewStatePath();
    private readonly List<GuardianHost> _hosts = [];

    public void Dispose()
    {
        foreach (var host in _hosts) host.Dispose();
        GuardianHost.DeleteState(_statePath);
    }

    private GuardianHost StartHost()
    {
        var host = new GuardianHost(TestSession.GuardianPrivateKey.ToString(), _time, _statePath, Policy);
        _hosts.Add(host);
        return host;
    }

    private ulong Now => (ulong)_time.GetUtcNow().ToUnixTimeSeconds();

    private async Task<TestSession> RegisterAsync(GuardianHost host, TestSession? session = null)
    {
        session ??= new TestSession(Now + 3600);
        await host.Client.CosignAuthorizationAsync(session.AuthorizationRequest());
        return session;
    }

    [Fact]
    public async Task GetGuardianInfo_ReturnsPublicKeyAndGuid()
    {
        var info = await StartHost().Client.GetGuardianInfoAsync(new GetGuardianInfoRequest());
        Assert.Equal(TestSession.GuardianPublicKey.ToString(), info.PublicKey);
        Assert.Equal(SignerGuid.Starknet(TestSession.GuardianPublicKey).ToString(), info.Guid);
    }

    [Fact]
    public async Task CosignAuthorization_ValidOwnerSignature_ReturnsRegularAuthorization()
    {
        var session = new TestSession(Now + 3600);
        var response = await StartHost().Client.CosignAuthorizationAsync(session.AuthorizationRequest());

        Assert.Equal(session.SessionHash.ToString(), response.SessionHash);
        var guardianSignature = new StarkSignature(Felt.Parse(response.GuardianSignature.R), Felt.Parse(response.GuardianSignature.S));
        Assert.True(Ecdsa.VerifyOnChain(session.SessionHash, TestSession.GuardianPublicKey, guardianSignature));
        var authorization = SessionAuthorization.Parse(response.Authorization.Select(Felt.Parse).ToArray());
        Assert.Equal(SessionAuthorizationFormat.Regular, authorization.Format);
        Assert.Equal(Ecdsa.GetPublicKey(TestSession.OwnerPrivateKey), authorization.OwnerPublicKey);
        Assert.Equal(TestSession.GuardianPublicKey, authorization.GuardianPublicKey);
        Assert.Equal(guardianSignature, authorization.GuardianSignature);
        Assert.Equal(9, response.Authorization.Count);
        Assert.Equal("0x2", response.Authorization[0]);
    }

    [Fact]
    public async Task CosignInvoke_ValidTransaction_SignsIndependentlyComputedMessage()
    {
        var host = StartHost();
        var session = await RegisterAsync(host);
        var (request, hash, m) = session.Invoke(7, ("move", [1, 2]), ("attack", [3]));

        var response = await host.Client.CosignInvokeAsync(request);

        Assert.Equal(hash.ToString(), response.ExecutionHash);
        Assert.Equal(m.ToString(), response.MessageHash);
        Assert.Equal(TestSession.GuardianPublicKey.ToString(), response.GuardianPublicKey);
        Assert.True(Ecdsa.VerifyOnChain(m, TestSession.GuardianPublicKey,
            Felt.Parse(response.GuardianSignature.R), Felt.Parse(response.GuardianSignature.S)));
    }

    [Fact]
    public async Task CosignOutsideExecution_ValidExecution_SignsIndependentlyComputedMessage()
    {
        var host = StartHost();
        var session = await RegisterAsync(host);
        var (request, hash, m) = session.Outside(99, Now - 600, Now + 1200, ("move", [5, 6]));

        var response = await host.Client.CosignOutsideExecutionAsync(request);

        Assert.Equal(hash.ToString(), response.ExecutionHash);
        Assert.Equal(m.ToString(), response.MessageHash);
        Assert.True(Ecdsa.VerifyOnChain(m, TestSession.GuardianPublicKey,
            Felt.Parse(response.GuardianSignature.R), Felt.Parse(response.GuardianSignature.S)));
    }

    [Fact]
    public async Task CosignInvoke_AtExpirySecond_IsCosigned_OneSecondLater_IsExpired()
    {
        var host = StartHost();
        var session = await RegisterAsync(host, new TestSession(Now + 100));
        _time.Advance(TimeSpan.FromSeconds(100)); // now == expires_at: still valid
        await host.Client.CosignInvokeAsync(session.Invoke(1, ("move", [1])).Request);

        _time.Advance(TimeSpan.FromSeconds(1));
        await RpcAssert.Refused(() => host.Client.CosignInvokeAsync(session.Invoke(2, ("move", [1])).Request).ResponseAsync,
            StatusCode.FailedPrecondition, "SESSION_EXPIRED");
    }

    [Fact]
    public async Task CosignInvoke_RevokedSession_FailsPrecondition_AndRevokeIsIdempotent()
    {
        var host = StartHost();
        var session = await RegisterAsync(host);
        var first = await host.Client.RevokeSessionAsync(new GuardianRevokeSessionRequest { SessionHash = session.SessionHash.ToString() });
        var second = await host.Client.RevokeSessionAsync(new GuardianRevokeSessionRequest { SessionHash = session.SessionHash.ToString(), OnChain = true });
        Assert.True(first.NewlyRevoked);
        Assert.False(second.NewlyRevoked);

        var ex = await RpcAssert.Refused(() => host.Client.CosignInvokeAsync(session.Invoke(1, ("move", [1])).Request).ResponseAsync,
            StatusCode.FailedPrecondition, "SESSION_REVOKED");
        Assert.Equal("session revoked", ex.Status.Detail);
        await RpcAssert.Refused(() => host.Client.CosignOutsideExecutionAsync(session.Outside(1, Now - 1, Now + 60, ("move", [1])).Request).ResponseAsync,
            StatusCode.FailedPrecondition, "SESSION_REVOKED");
        // A revoked session is never authorized again.
        await RpcAssert.Refused(() => host.Client.CosignAuthorizationAsync(session.AuthorizationRequest()).ResponseAsync,
            StatusCode.FailedPrecondition, "SESSION_REVOKED");
    }

    [Fact]
    public async Task SessionRevokedEvent_RevokesTheSession()
    {
        var host = StartHost();
        var session = await RegisterAsync(host);
        var publisher = host.Services.GetRequiredService<IEventPublisher>();
        await publisher.PublishAsync(BrokerComponents.Topics.SessionRevoked,
            new SessionRevokedEvent { SessionHash = session.SessionHash.ToString(), OnChain = true, RevokedAt = (long)Now });
        await host.Services.GetRequiredService<InProcessPubSub>().WaitForIdleAsync().WaitAsync(TimeSpan.FromSeconds(10));

        await RpcAssert.Refused(() => host.Client.CosignInvokeAsync(session.Invoke(1, ("move", [1])).Request).ResponseAsync,
            StatusCode.FailedPrecondition, "SESSION_REVOKED");
    }

    [Fact]
    public async Task CosignInvoke_MethodNotAllowed_IsPermissionDeniedNamingTheCall()
    {
        var host = StartHost();
        var session = await RegisterAsync(host);
        var ex = await RpcAssert.Refused(
            () => host.Client.CosignInvokeAsync(session.Invoke(1, ("move", [1]), ("withdraw", [9])).Request).ResponseAsync,
            StatusCode.PermissionDenied, "METHOD_NOT_ALLOWED", "transaction.calls[1]");
        Assert.Contains("call 1", ex.Status.Detail, StringComparison.Ordinal);
        await RpcAssert.Refused(
            () => host.Client.CosignOutsideExecutionAsync(session.Outside(3, Now - 1, Now + 60, ("withdraw", [9])).Request).ResponseAsync,
            StatusCode.PermissionDenied, "METHOD_NOT_ALLOWED", "outside_execution.calls[0]");
    }

    [Fact]
    public async Task CosignInvoke_FeesOverTheAllowance_CountedCumulatively_ArePermissionDenied()
    {
        var host = StartHost();
        // 2.5 transactions' worth of max fee.
        var session = await RegisterAsync(host, new TestSession(Now + 3600, allowance: TestSession.MaxFeePerTransaction * 5 / 2));
        await host.Client.CosignInvokeAsync(session.Invoke(1, ("move", [1])).Request);
        await host.Client.CosignInvokeAsync(session.Invoke(2, ("move", [1])).Request);

        var ex = await RpcAssert.Refused(() => host.Client.CosignInvokeAsync(session.Invoke(3, ("move", [1])).Request).ResponseAsync,
            StatusCode.PermissionDenied, "FEE_LIMIT", "transaction.resource_bounds");
        Assert.StartsWith("fee limit", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CosignInvoke_SameTransactionTwice_IsChargedOnce()
    {
        var host = StartHost();
        var session = await RegisterAsync(host, new TestSession(Now + 3600, allowance: TestSession.MaxFeePerTransaction * 3 / 2));
        var request = session.Invoke(1, ("move", [1])).Request;
        var first = await host.Client.CosignInvokeAsync(request);
        var again = await host.Client.CosignInvokeAsync(request);
        Assert.Equal(first.GuardianSignature, again.GuardianSignature);
        await RpcAssert.Refused(() => host.Client.CosignInvokeAsync(session.Invoke(2, ("move", [1])).Request).ResponseAsync,
            StatusCode.PermissionDenied, "FEE_LIMIT");
    }

    [Fact]
    public async Task CosignInvoke_RecentMessagesStoredCompactly_AnEarlierHexEntryStillCountsAsARepeat()
    {
        var host = StartHost();
        var session = await RegisterAsync(host, new TestSession(Now + 3600, allowance: TestSession.MaxFeePerTransaction * 3 / 2));
        var (request, _, message) = session.Invoke(1, ("move", [1]));
        await host.Client.CosignInvokeAsync(request);

        var key = StoredSession.KeyOf(session.SessionHash);
        var stored = (await host.State.GetAsync<StoredSession>(key)).Value!;
        Assert.Equal([StoredSession.MessageKey(message)], stored.RecentMessages);
        Assert.Equal(22, stored.RecentMessages[0].Length);
        var json = System.Text.Encoding.UTF8.GetString(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(stored));
        Assert.DoesNotContain("bitLength", json, StringComparison.OrdinalIgnoreCase);

        // A record as an earlier version wrote it: the full hash in 0x-hex.
        stored.RecentMessages = [message.ToString()];
        await host.State.SaveAsync(key, stored);

        await host.Client.CosignInvokeAsync(request);
        await RpcAssert.Refused(() => host.Client.CosignInvokeAsync(session.Invoke(2, ("move", [1])).Request).ResponseAsync,
            StatusCode.PermissionDenied, "FEE_LIMIT");
        Assert.Equal([StoredSession.MessageKey(message)], (await host.State.GetAsync<StoredSession>(key)).Value!.RecentMessages);
    }

    [Fact]
    public async Task CosignInvoke_CountersSurviveARestart()
    {
        var first = StartHost();
        var session = await RegisterAsync(first, new TestSession(Now + 3600, allowance: TestSession.MaxFeePerTransaction * 2));
        await first.Client.CosignInvokeAsync(session.Invoke(1, ("move", [1])).Request);
        await first.Client.CosignInvokeAsync(session.Invoke(2, ("move", [1])).Request);
        first.Dispose();
        _hosts.Remove(first);

        var second = StartHost(); // a new process on the same SQLite file
        await RpcAssert.Refused(() => second.Client.CosignInvokeAsync(session.Invoke(3, ("move", [1])).Request).ResponseAsync,
            StatusCode.PermissionDenied, "FEE_LIMIT");
    }

    [Fact]
    public async Task CosignInvoke_ConcurrentCosigns_CannotOverspend()
    {
        var host = StartHost();
        var session = await RegisterAsync(host, new TestSession(Now + 3600, allowance: TestSession.MaxFeePerTransaction * 4));
        var results = await Task.WhenAll(Enumerable.Range(1, 10).Select(async i =>
        {
            try
            {
                await host.Client.CosignInvokeAsync(session.Invoke((ulong)i, ("move", [1])).Request);
                return StatusCode.OK;
            }
            catch (RpcException ex)
            {
                return ex.StatusCode;
            }
        }));
        Assert.Equal(4, results.Count(r => r == StatusCode.OK));
        Assert.Equal(6, results.Count(r => r == StatusCode.PermissionDenied));
    }

    [Fact]
    public async Task CosignInvoke_OverTheRatePerMinute_IsResourceExhausted_UntilTheWindowPasses()
    {
        var host = StartHost();
        var session = await RegisterAsync(host, new TestSession(Now + 3600, dappId: "slow-game"));
        for (ulong i = 1; i <= 3; i++)
        {
            await host.Client.CosignInvokeAsync(session.Invoke(i, ("move", [1])).Request);
        }
        await RpcAssert.Refused(() => host.Client.CosignInvokeAsync(session.Invoke(4, ("move", [1])).Request).ResponseAsync,
            StatusCode.ResourceExhausted, "RATE_LIMITED");

        _time.Advance(TimeSpan.FromSeconds(61));
        await host.Client.CosignInvokeAsync(session.Invoke(5, ("move", [1])).Request);
    }

    [Fact]
    public async Task CosignInvoke_ManyCosignsOverMoreThanAMinute_StoredRateWindowStaysAtMostSixtyEntries()
    {
        var host = StartHost();
        var session = await RegisterAsync(host, new TestSession(Now + 3600, dappId: "fast-game"));
        for (ulong i = 1; i <= 150; i++)
        {
            await host.Client.CosignInvokeAsync(session.Invoke(i, ("move", [1])).Request);
            _time.Advance(TimeSpan.FromMilliseconds(450));
        }

        var stored = (await host.State.GetAsync<GuardianSigner.Cosigning.StoredSession>(GuardianSigner.Cosigning.StoredSession.KeyOf(session.SessionHash))).Value!;
        Assert.InRange(stored.CosignsPerSecond.Count, 1, 60);
        // 150 cosigns 0.45 s apart span 67 s; the last 60 whole seconds hold about 133 of them.
        Assert.InRange(stored.CosignsPerSecond.Sum(b => b.Count), 130, 136);
        Assert.Null(stored.RecentCosigns);
        Assert.Equal(150, stored.CosignCount);
    }

    [Fact]
    public async Task CosignInvoke_NoPerMinuteLimit_KeepsNoRateWindowAndDropsAnEarlierOne()
    {
        var host = StartHost();
        var session = await RegisterAsync(host, new TestSession(Now + 3600, dappId: "busy-game"));
        var key = GuardianSigner.Cosigning.StoredSession.KeyOf(session.SessionHash);
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await host.State.UpdateAsync<GuardianSigner.Cosigning.StoredSession>(key, e =>
        {
            // Both forms a window was stored in: the earlier list of times and the buckets.
            e.Value!.RecentCosigns = [nowMs - 30_000, nowMs - 20_000];
            e.Value.CosignsPerSecond = [new() { Second = nowMs / 1000 - 10, Count = 4 }, new() { Second = nowMs / 1000 - 5, Count = 2 }];
            return e.Value;
        });

        for (ulong i = 1; i <= 5; i++)
        {
            await host.Client.CosignInvokeAsync(session.Invoke(i, ("move", [1])).Request);
        }

        var stored = (await host.State.GetAsync<GuardianSigner.Cosigning.StoredSession>(key)).Value!;
        Assert.Empty(stored.CosignsPerSecond);
        Assert.Null(stored.RecentCosigns);
        Assert.Equal(5, stored.CosignCount);
    }

    [Fact]
    public async Task CosignInvoke_RateWindowStoredInTheEarlierForm_StillCountsThenIsRewritten()
    {
        var host = StartHost();
        var session = await RegisterAsync(host, new TestSession(Now + 3600, dappId: "slow-game"));
        var key = GuardianSigner.Cosigning.StoredSession.KeyOf(session.SessionHash);
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await host.State.UpdateAsync<GuardianSigner.Cosigning.StoredSession>(key, e =>
        {
            e.Value!.RecentCosigns = [nowMs - 30_000, nowMs - 20_000, nowMs - 10_000];
            return e.Value;
        });

        await RpcAssert.Refused(() => host.Client.CosignInvokeAsync(session.Invoke(1, ("move", [1])).Request).ResponseAsync,
            StatusCode.ResourceExhausted, "RATE_LIMITED");
        _time.Advance(TimeSpan.FromSeconds(31));
        await host.Client.CosignInvokeAsync(session.Invoke(2, ("move", [1])).Request);

        var stored = (await host.State.GetAsync<GuardianSigner.Cosigning.StoredSession>(key)).Value!;
        Assert.Null(stored.RecentCosigns);
        Assert.Equal(3, stored.CosignsPerSecond.Sum(b => b.Count));
    }

    [Fact]
    public async Task CosignInvoke_BadSessionSignature_IsPermissionDenied()
    {
        var host = StartHost();
        var session = await RegisterAsync(host);
        var wrongKey = Felt.Parse("0x7777777777777777777777777777777777777777777777777777777777777");
        await RpcAssert.Refused(() => host.Client.CosignInvokeAsync(session.Invoke(1, wrongKey, ("move", [1])).Request).ResponseAsync,
            StatusCode.PermissionDenied, "SESSION_SIGNATURE_INVALID", "session_signature");
    }

    [Fact]
    public async Task GetSessionUsage_AfterCosigns_CountsThemAndTheFeesCharged()
    {
        var host = StartHost();
        var session = await RegisterAsync(host);
        var usageRequest = new GetSessionUsageRequest { SessionHash = session.SessionHash.ToString() };
        Assert.Equal(0UL, (await host.Client.GetSessionUsageAsync(usageRequest)).TransactionsCosigned);

        await host.Client.CosignInvokeAsync(session.Invoke(1, ("move", [1])).Request);
        await host.Client.CosignInvokeAsync(session.Invoke(2, ("move", [2])).Request);
        var usage = await host.Client.GetSessionUsageAsync(usageRequest);

        Assert.Equal(2UL, usage.TransactionsCosigned);
        Assert.False(usage.Revoked);
        Assert.All(usage.FeesCharged.Values, amount => Assert.True(System.Numerics.BigInteger.Parse(amount, System.Globalization.CultureInfo.InvariantCulture) >= 0));
    }

    [Fact]
    public async Task GetSessionUsage_UnknownSession_IsNotFound()
    {
        var host = StartHost();
        var session = new TestSession(Now + 3600); // never registered
        await RpcAssert.Refused(() => host.Client.GetSessionUsageAsync(new GetSessionUsageRequest { SessionHash = session.SessionHash.ToString() }).ResponseAsync,
            StatusCode.NotFound, "SESSION_NOT_FOUND", "session_hash");
    }

    [Fact]
    public async Task CosignInvoke_UnknownSession_IsNotFound()
    {
        var host = StartHost();
        var session = new TestSession(Now + 3600); // never registered
        await RpcAssert.Refused(() => host.Client.CosignInvokeAsync(session.Invoke(1, ("move", [1])).Request).ResponseAsync,
            StatusCode.NotFound, "SESSION_NOT_FOUND", "session_hash");
    }

    [Fact]
    public async Task CosignInvoke_MalformedFelts_AreInvalidArgumentNamingTheField()
    {
        var host = StartHost();
        var session = await RegisterAsync(host);
        var badHash = session.Invoke(1, ("move", [1])).Request;
        badHash.SessionHash = "0xnothex";
        await RpcAssert.Refused(() => host.Client.CosignInvokeAsync(badHash).ResponseAsync, StatusCode.InvalidArgument, field: "session_hash");

        var badCalldata = session.Invoke(1, ("move", [1])).Request;
        badCalldata.Transaction.Calls[0].Calldata[0] = "12";
        await RpcAssert.Refused(() => host.Client.CosignInvokeAsync(badCalldata).ResponseAsync, StatusCode.InvalidArgument, field: "transaction.calls[0].calldata[0]");

        var tooBig = session.Invoke(1, ("move", [1])).Request;
        tooBig.Transaction.Nonce = "0x800000000000011000000000000000000000000000000000000000000000001"; // p
        await RpcAssert.Refused(() => host.Client.CosignInvokeAsync(tooBig).ResponseAsync, StatusCode.InvalidArgument, field: "transaction.nonce");

        var badPrice = session.Invoke(1, ("move", [1])).Request;
        badPrice.Transaction.ResourceBounds.L2Gas.MaxPricePerUnit = "-5";
        await RpcAssert.Refused(() => host.Client.CosignInvokeAsync(badPrice).ResponseAsync, StatusCode.InvalidArgument,
            field: "transaction.resource_bounds.l2_gas.max_price_per_unit");

        var badSignature = session.Invoke(1, ("move", [1])).Request;
        badSignature.SessionSignature = null;
        await RpcAssert.Refused(() => host.Client.CosignInvokeAsync(badSignature).ResponseAsync, StatusCode.InvalidArgument, field: "session_signature");
    }

    [Fact]
    public async Task CosignInvoke_OversizedArrays_AreInvalidArgument()
    {
        var host = StartHost();
        var session = await RegisterAsync(host);
        var manyCalls = session.Invoke(1, Enumerable.Repeat(("move", new ulong[] { 1 }), 65).ToArray()).Request;
        await RpcAssert.Refused(() => host.Client.CosignInvokeAsync(manyCalls).ResponseAsync, StatusCode.InvalidArgument, field: "transaction.calls");

        var longCalldata = session.Invoke(1, ("move", Enumerable.Range(0, 1025).Select(i => (ulong)i).ToArray())).Request;
        await RpcAssert.Refused(() => host.Client.CosignInvokeAsync(longCalldata).ResponseAsync, StatusCode.InvalidArgument,
            field: "transaction.calls[0].calldata");

        var manyMethods = session.AuthorizationRequest();
        for (var i = 0; i < 300; i++)
        {
            manyMethods.Session.AllowedMethods.Add(new Broker.Contracts.Common.V1.AllowedMethod { ContractAddress = "0x1", EntryPoint = $"m{i}" });
        }
        await RpcAssert.Refused(() => host.Client.CosignAuthorizationAsync(manyMethods).ResponseAsync, StatusCode.InvalidArgument,
            field: "session.allowed_methods");
    }

    [Fact]
    public async Task CosignInvoke_QueryVersion_IsInvalidArgument_WrongChain_FailsPrecondition()
    {
        var host = StartHost();
        var session = await RegisterAsync(host);
        var query = session.Invoke(1, ("move", [1])).Request;
        query.Transaction.QueryVersion = true;
        await RpcAssert.Refused(() => host.Client.CosignInvokeAsync(query).ResponseAsync, StatusCode.InvalidArgument, field: "transaction.query_version");

        var otherChain = session.Invoke(1, ("move", [1])).Request;
        otherChain.Transaction.ChainId = CairoShortString.Encode("SN_MAIN").ToString();
        await RpcAssert.Refused(() => host.Client.CosignInvokeAsync(otherChain).ResponseAsync, StatusCode.FailedPrecondition, "CHAIN_MISMATCH");

        var otherAccount = session.Invoke(1, ("move", [1])).Request;
        otherAccount.Transaction.SenderAddress = "0x1234";
        await RpcAssert.Refused(() => host.Client.CosignInvokeAsync(otherAccount).ResponseAsync, StatusCode.FailedPrecondition, "ACCOUNT_MISMATCH");
    }

    [Fact]
    public async Task CosignOutsideExecution_ExecuteBeforePassed_FailsPrecondition()
    {
        var host = StartHost();
        var session = await RegisterAsync(host);
        await RpcAssert.Refused(
            () => host.Client.CosignOutsideExecutionAsync(session.Outside(1, Now - 100, Now, ("move", [1])).Request).ResponseAsync,
            StatusCode.FailedPrecondition, "OUTSIDE_EXECUTION_EXPIRED");
    }

    [Fact]
    public async Task CosignOutsideExecution_RelayerFeeOverTheAllowance_IsPermissionDenied()
    {
        var host = StartHost();
        var session = await RegisterAsync(host, new TestSession(Now + 3600, allowance: 1000));
        var request = session.Outside(1, Now - 100, Now + 100, ("move", [1])).Request;
        request.MaxFee = "1001";
        await RpcAssert.Refused(() => host.Client.CosignOutsideExecutionAsync(request).ResponseAsync, StatusCode.PermissionDenied, "FEE_LIMIT", "max_fee");
    }

    [Fact]
    public async Task CosignAuthorization_Refusals_HaveTheirOwnStatus()
    {
        var host = StartHost();
        var badOwner = new TestSession(Now + 3600).AuthorizationRequest();
        badOwner.OwnerSignature = TestSession.Proto(Ecdsa.Sign(TestSession.SessionPrivateKey, Felt.One));
        await RpcAssert.Refused(() => host.Client.CosignAuthorizationAsync(badOwner).ResponseAsync,
            StatusCode.PermissionDenied, "OWNER_SIGNATURE_INVALID", "owner_signature");

        await RpcAssert.Refused(() => host.Client.CosignAuthorizationAsync(new TestSession(Now).AuthorizationRequest()).ResponseAsync,
            StatusCode.FailedPrecondition, "SESSION_EXPIRED");

        await RpcAssert.Refused(
            () => host.Client.CosignAuthorizationAsync(new TestSession(Now + 3600, dappId: "short-game").AuthorizationRequest()).ResponseAsync,
            StatusCode.PermissionDenied, "SESSION_TOO_LONG", "session.expires_at");

        await RpcAssert.Refused(
            () => host.Client.CosignAuthorizationAsync(new TestSession(Now + 60, dappId: "locked-game").AuthorizationRequest()).ResponseAsync,
            StatusCode.PermissionDenied, "CONTRACT_NOT_ALLOWED", "session.allowed_methods[0].contract_address");

        var hexEntryPoint = new TestSession(Now + 3600).AuthorizationRequest();
        hexEntryPoint.Session.AllowedMethods[0].EntryPoint = "0x1234";
        await RpcAssert.Refused(() => host.Client.CosignAuthorizationAsync(hexEntryPoint).ResponseAsync,
            StatusCode.InvalidArgument, field: "session.allowed_methods[0].entry_point");
    }

    [Fact]
    public async Task RevokeSession_BeforeRegistration_BlocksTheRegistration()
    {
        var host = StartHost();
        var session = new TestSession(Now + 3600);
        var revoked = await host.Client.RevokeSessionAsync(new GuardianRevokeSessionRequest { SessionHash = session.SessionHash.ToString(), OnChain = true });
        Assert.True(revoked.NewlyRevoked);
        await RpcAssert.Refused(() => host.Client.CosignAuthorizationAsync(session.AuthorizationRequest()).ResponseAsync,
            StatusCode.FailedPrecondition, "SESSION_REVOKED");
    }
}
