using Broker.Tests.Shared;
using Broker.Contracts.Session.V1;
using Broker.Hosting;
using SessionBroker.Tests.Infrastructure;
using Sessions;
using Starknet;
using Starknet.Rpc;

namespace SessionBroker.Tests.Unit;

/// <summary>The watcher's scan, driven directly against a fake chain.</summary>
public sealed class RevocationWatcherTests : IDisposable
{
    private readonly ServiceFixture _f = new();

    public void Dispose() => _f.Dispose();

    private async Task<Felt> RegisterAsync()
    {
        var spec = TestSessions.Spec(Ecdsa.GetPublicKey(Ecdsa.GeneratePrivateKey()), _f.Now + 3600);
        await _f.Service.RegisterSession(TestSessions.Register(spec, TestKeys.OwnerPrivateKey), TestServerCallContext.Create());
        return TestSessions.Request(spec).SessionHash;
    }

    private static EmittedEvent Revoked(Felt emitter, Felt sessionHash, ulong block) => new()
    {
        FromAddress = emitter,
        Keys = [SessionRevocation.SessionRevokedEventKey],
        Data = [sessionHash],
        BlockNumber = block,
        TransactionHash = sessionHash + block,
    };

    [Fact]
    public async Task PollOnce_EventsOverSeveralPages_MarksOwnSessionsRevokedOnChainAndTellsTheGuardian()
    {
        var watcher = _f.Watcher();
        Assert.Equal(0, await watcher.PollOnceAsync(CancellationToken.None)); // first poll: checkpoint at the latest block

        var a = await RegisterAsync();
        var b = await RegisterAsync();
        var c = await RegisterAsync();
        _f.Chain.Events.Add(Revoked(TestKeys.Account, a, 11));
        _f.Chain.Events.Add(Revoked(TestKeys.OtherAccount, b, 11)); // another contract emitting the same key
        _f.Chain.Events.Add(Revoked(TestKeys.Account, Felt.Parse("0x999"), 12)); // not our session
        _f.Chain.Events.Add(Revoked(TestKeys.Account, c, 12));
        _f.Chain.Events.Add(Revoked(TestKeys.Account, a, 9)); // before the checkpoint
        _f.Chain.LatestBlock = 12;

        Assert.Equal(2, await watcher.PollOnceAsync(CancellationToken.None));

        Assert.Equal([(a.ToString(), true), (c.ToString(), true)], _f.GuardianClient.Revocations);
        var infoA = await _f.Service.GetSession(new GetSessionRequest { SessionHash = a.ToString() }, TestServerCallContext.Create());
        Assert.Equal(SessionStatus.Revoked, infoA.Status);
        Assert.True(infoA.RevokedOnChain);
        var infoB = await _f.Service.GetSession(new GetSessionRequest { SessionHash = b.ToString() }, TestServerCallContext.Create());
        Assert.Equal(SessionStatus.Active, infoB.Status);
        Assert.Equal(2, (await _f.DeliveredAsync()).Count(p => p.Topic == BrokerComponents.Topics.SessionRevoked));

        // The checkpoint moved past block 12: nothing is handled twice.
        Assert.Equal(0, await watcher.PollOnceAsync(CancellationToken.None));
        Assert.Equal(13UL, (await _f.Registry.GetCheckpointAsync(CancellationToken.None))!.NextBlock);
    }

    [Fact]
    public async Task PollOnce_GuardianFails_CheckpointStaysAndTheNextPollRetries()
    {
        var watcher = _f.Watcher();
        await watcher.PollOnceAsync(CancellationToken.None);
        var a = await RegisterAsync();
        _f.Chain.Events.Add(Revoked(TestKeys.Account, a, 11));
        _f.Chain.LatestBlock = 11;
        _f.GuardianClient.Failure = new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.Unavailable, "down"));

        await Assert.ThrowsAnyAsync<Exception>(() => watcher.PollOnceAsync(CancellationToken.None));
        Assert.Equal(11UL, (await _f.Registry.GetCheckpointAsync(CancellationToken.None))!.NextBlock);

        _f.GuardianClient.Failure = null;
        Assert.Equal(1, await watcher.PollOnceAsync(CancellationToken.None));
    }
}
