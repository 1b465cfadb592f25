using Broker.Contracts.Session.V1;
using Broker.Tests.Shared;
using SessionBroker.Internal;
using SessionBroker.Tests.Infrastructure;
using Starknet;

namespace SessionBroker.Tests.Unit;

/// <summary>
/// The registry's short-lived copies of session records, which spare a session's transactions a store read each: a
/// change made elsewhere shows after <see cref="SessionRegistry.RecentRecordLifetime"/>, a revocation made through this
/// process at once.
/// </summary>
public sealed class RecentRecordTests : IDisposable
{
    private readonly ServiceFixture _f = new();
    private readonly Felt _sessionKey = Ecdsa.GetPublicKey(Ecdsa.GeneratePrivateKey());

    public void Dispose() => _f.Dispose();

    private async Task<Felt> RegisterAsync()
    {
        var spec = TestSessions.Spec(_sessionKey, _f.Now + 3600);
        await _f.Service.RegisterSession(TestSessions.Register(spec, TestKeys.OwnerPrivateKey), TestServerCallContext.Create());
        return TestSessions.Request(spec).SessionHash;
    }

    [Fact]
    public async Task FindRecent_ChangedByAnotherReplica_CopyServedForItsLifetimeThenReadAgain()
    {
        var hash = await RegisterAsync();
        Assert.False((await _f.Registry.FindRecentAsync(hash, CancellationToken.None))!.IsRevoked);

        // Another broker replica revokes: the store changes under this process's copy.
        var stored = (await _f.Registry.FindAsync(hash, CancellationToken.None))!;
        await _f.Store.SaveAsync(SessionRegistry.SessionKey(hash), stored with { RevokedAt = (long)_f.Now });

        _f.Time.Advance(SessionRegistry.RecentRecordLifetime - TimeSpan.FromMilliseconds(1));
        Assert.False((await _f.Registry.FindRecentAsync(hash, CancellationToken.None))!.IsRevoked);
        _f.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True((await _f.Registry.FindRecentAsync(hash, CancellationToken.None))!.IsRevoked);
    }

    [Fact]
    public async Task FindRecent_RevokedThroughThisProcess_SeenAtOnce()
    {
        var hash = await RegisterAsync();
        Assert.False((await _f.Registry.FindRecentAsync(hash, CancellationToken.None))!.IsRevoked);

        await _f.Service.RevokeSession(new RevokeSessionRequest { SessionHash = hash.ToString() }, TestServerCallContext.Create());

        Assert.True((await _f.Registry.FindRecentAsync(hash, CancellationToken.None))!.IsRevoked);
    }

    [Fact]
    public async Task FindRecent_UnknownSession_Null()
    {
        Assert.Null(await _f.Registry.FindRecentAsync(Felt.Parse("0x404"), CancellationToken.None));
    }
}
