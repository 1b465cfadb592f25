using Broker.Tests.Shared;
using Broker.Contracts.Session.V1;
using Broker.Hosting;
using Broker.Hosting.Components;
using SessionBroker.Internal;
using SessionBroker.Tests.Infrastructure;
using Starknet;

namespace SessionBroker.Tests.Unit;

/// <summary>
/// A session's state change and its event go through the transactional outbox as one unit (issue 7): an event is
/// delivered if and only if its transaction commits, and a transport failure after the commit only delays it.
/// </summary>
public sealed class SessionOutboxTests : IDisposable
{
    private readonly ServiceFixture _f = new();
    private readonly Felt _sessionKey = Ecdsa.GetPublicKey(Ecdsa.GeneratePrivateKey());

    public void Dispose() => _f.Dispose();

    private SessionSpec Spec() => TestSessions.Spec(_sessionKey, _f.Now + 3600);

    private async Task<Felt> RegisterAsync(SessionSpec spec)
    {
        await _f.Service.RegisterSession(TestSessions.Register(spec, TestKeys.OwnerPrivateKey), TestServerCallContext.Create());
        return TestSessions.Request(spec).SessionHash;
    }

    private Task<RevokeSessionResponse> RevokeAsync(Felt hash) =>
        _f.Service.RevokeSession(new RevokeSessionRequest { SessionHash = hash.ToString() }, TestServerCallContext.Create());

    private static string[] Hashes(IEnumerable<(string Topic, System.Text.Json.JsonElement Data)> events, string topic) =>
        [.. events.Where(e => e.Topic == topic).Select(e => e.Data.GetProperty("sessionHash").GetString()!)];

    [Fact]
    public async Task RegisterSession_ETagConflictOnTheFirstTransaction_OnlyTheCommittedAttemptIsDelivered()
    {
        // A concurrent registration on the same account moves the index head between the read and the transaction.
        var head = SessionRegistry.AccountIndex(TestKeys.Account);
        _f.FaultyStore.BeforeTransaction = () => _f.Store.SaveAsync(head, new IndexHead(0));

        var hash = await RegisterAsync(Spec());

        var delivered = await _f.DeliveredAsync();
        Assert.Equal([hash.ToString()], Hashes(delivered, BrokerComponents.Topics.SessionRegistered));
        var page = await _f.Service.ListSessions(new ListSessionsRequest { AccountAddress = TestKeys.Account.ToString() }, TestServerCallContext.Create());
        Assert.Equal(hash.ToString(), Assert.Single(page.Sessions).SessionHash);
    }

    [Fact]
    public async Task RegisterSession_StateTransactionFails_NothingStoredAndNoEventDelivered()
    {
        _f.FaultyStore.FailTransactions = true;
        var spec = Spec();

        await Assert.ThrowsAsync<ComponentUnavailableException>(() => RegisterAsync(spec));

        // The intent was published before the transaction; without its marker the relay drops it after the commit window.
        Assert.Empty(await _f.DeliveredAsync());
        Assert.Null(await _f.Registry.FindAsync(TestSessions.Request(spec).SessionHash, CancellationToken.None));
        Assert.Empty(_f.PubSub.DeadLetters);

        // The call is idempotent: retried once the store is back, it registers and publishes.
        _f.FaultyStore.FailTransactions = false;
        var hash = await RegisterAsync(spec);
        Assert.Equal([hash.ToString()], Hashes(await _f.DeliveredAsync(), BrokerComponents.Topics.SessionRegistered));
    }

    [Fact]
    public async Task RegisterSession_TransportFailsAfterTheCommit_TheRelayDeliversTheEventLater()
    {
        _f.Transport.FailEventPublishes = 3;

        var hash = await RegisterAsync(Spec()); // the commit is the answer: the event is the relay's business

        Assert.Equal([hash.ToString()], Hashes(await _f.DeliveredAsync(), BrokerComponents.Topics.SessionRegistered));
        Assert.Equal(3, _f.Transport.Failed);
        Assert.Empty(_f.PubSub.DeadLetters);
    }

    [Fact]
    public async Task RegisterSession_Repeated_SucceedsAndPublishesAgain()
    {
        var spec = Spec();
        var hash = await RegisterAsync(spec);
        await RegisterAsync(spec);

        Assert.Equal([hash.ToString(), hash.ToString()], Hashes(await _f.DeliveredAsync(), BrokerComponents.Topics.SessionRegistered));
    }

    [Fact]
    public async Task RevokeSession_ConcurrentUpdateMovesTheETag_OnlyTheCommittedStateIsPublished()
    {
        var hash = await RegisterAsync(Spec());
        await _f.DeliveredAsync();
        var revokedAt = _f.Time.GetUtcNow().ToUnixTimeSeconds() - 10;
        // The watcher marks the session revoked on-chain between the service's read and its transaction.
        _f.FaultyStore.BeforeTransaction = async () =>
        {
            var record = (await _f.Registry.FindAsync(hash, CancellationToken.None))!;
            await _f.Store.SaveAsync(SessionRegistry.SessionKey(hash), record with { RevokedAt = revokedAt, RevokedOnChain = true });
        };

        var response = await RevokeAsync(hash);

        Assert.True(response.Session.RevokedOnChain);
        var revoked = Assert.Single(await _f.DeliveredAsync(), e => e.Topic == BrokerComponents.Topics.SessionRevoked);
        Assert.True(revoked.Data.GetProperty("onChain").GetBoolean()); // not the refused attempt's "off-chain" event
        Assert.Equal(revokedAt, revoked.Data.GetProperty("revokedAt").GetInt64());
    }

    [Fact]
    public async Task RevokeSession_StateTransactionFails_SessionStaysActiveAndNoEventDelivered()
    {
        var hash = await RegisterAsync(Spec());
        await _f.DeliveredAsync();
        _f.FaultyStore.FailTransactions = true;

        await Assert.ThrowsAsync<ComponentUnavailableException>(() => RevokeAsync(hash));

        Assert.Empty(Hashes(await _f.DeliveredAsync(), BrokerComponents.Topics.SessionRevoked));
        Assert.Null((await _f.Registry.FindAsync(hash, CancellationToken.None))!.RevokedAt);
    }

    [Fact]
    public async Task RevokeSession_Repeated_SucceedsAndPublishesAgain()
    {
        var hash = await RegisterAsync(Spec());
        await RevokeAsync(hash);
        _f.Transport.FailEventPublishes = 1;
        await RevokeAsync(hash);

        Assert.Equal([hash.ToString(), hash.ToString()], Hashes(await _f.DeliveredAsync(), BrokerComponents.Topics.SessionRevoked));
    }
}
