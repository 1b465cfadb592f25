using System.Collections.Concurrent;
using System.Text.Json;
using Broker.DaprStandIn;
using Broker.Hosting.Components;
using Broker.Hosting.Outbox;
using Broker.Hosting.PubSub;
using Broker.Hosting.PubSub.InProcess;
using Broker.Hosting.State;
using Broker.Hosting.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Hosting.Tests;

/// <summary>
/// The transactional outbox: events published if and only if their state transaction commits, with the ids fixed
/// before the commit. Run in embedded mode and in Dapr mode against the stand-in sidecar.
/// </summary>
public abstract class TransactionalOutboxTests : IAsyncLifetime
{
    private const string Topic = "outbox-test";
    private readonly ConcurrentQueue<CloudEvent> _received = new();
    private TestApp _app = null!;

    protected abstract ComponentsMode Mode { get; }

    protected StandInDaprCluster Cluster { get; } = new(new StandInDeliveryPolicy { MaxAttempts = 10, RetryInterval = TimeSpan.FromMilliseconds(20) });

    /// <summary>Extra registrations, made before the components (so a port or the outbox can be swapped).</summary>
    protected virtual void Configure(IServiceCollection services)
    {
    }

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(Mode, services =>
        {
            Configure(services);
            services.AddSingleton(_received);
            services.AddEventHandler<RecordingHandler>(Topic);
        }, Cluster, appId: "outbox-app", settings: new Dictionary<string, string?>
        {
            ["PubSub:InProcess:MaxAttempts"] = "10",
            // A delivery polls this long for a marker written after the intent arrived: generous, so that a loaded CI
            // machine (a first call to the stand-in sidecar can take most of a second) does not turn it into a RETRY.
            ["Outbox:PollFor"] = "00:00:05",
        });
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    protected ITransactionalOutbox Outbox => _app.Services.GetRequiredService<ITransactionalOutbox>();

    private IStateStore Store => _app.Services.GetRequiredService<IStateStore>();

    private async Task WaitForIdleAsync()
    {
        if (Mode == ComponentsMode.Dapr)
        {
            await Cluster.WaitForIdleAsync(TimeSpan.FromSeconds(20));
        }
        else
        {
            await _app.Services.GetRequiredService<InProcessPubSub>().WaitForIdleAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    [Fact]
    public async Task TryExecuteAsync_Commits_StateWrittenAndEventDeliveredOnceWithItsId()
    {
        var events = await Outbox.TryExecuteAsync([StateOperation.Upsert("order:1", 42)], [OutboxMessage.Create(Topic, new { order = 1 })]);
        await WaitForIdleAsync();

        var published = Assert.Single(events!);
        Assert.Equal(42, (await Store.GetAsync<int>("order:1")).Value);
        var received = Assert.Single(_received);
        Assert.Equal(published.Id, received.Id);
        Assert.Equal("outbox-app", received.Source);
        Assert.Equal(1, received.Data.GetProperty("order").GetInt32());
        Assert.False((await Store.GetAsync<OutboxMarker>(OutboxMarker.KeyOf(published.Id))).Exists);
    }

    [Fact]
    public async Task TryExecuteAsync_ETagConflict_ReturnsNullAndNothingIsWrittenOrDelivered()
    {
        await Store.SaveAsync("order:2", 1);
        var events = await Outbox.TryExecuteAsync(
            [StateOperation.TryUpsert("order:2", 2, etag: null), StateOperation.Upsert("order:3", 3)],
            [OutboxMessage.Create(Topic, new { order = 2 })]);
        await WaitForIdleAsync();

        Assert.Null(events);
        Assert.Equal(1, (await Store.GetAsync<int>("order:2")).Value);
        Assert.False((await Store.GetAsync<int>("order:3")).Exists);
        Assert.Empty(_received);
    }

    [Fact]
    public async Task Relay_MarkerWrittenAfterTheIntentArrives_PublishesOnceItExists()
    {
        var envelope = Envelope();
        var relay = Relay(out var scope);
        await using (scope)
        {
            var handling = relay.HandleAsync(Intent([envelope], DateTimeOffset.UtcNow.AddMinutes(1)), CancellationToken.None);
            await Task.Delay(100);
            await Store.SaveAsync(OutboxMarker.KeyOf(envelope.Id), new OutboxMarker(envelope.Id));
            Assert.Equal(EventHandlingResult.Success, await handling.WaitAsync(TimeSpan.FromSeconds(10)));
        }
        await WaitForIdleAsync();
        Assert.Equal(envelope.Id, Assert.Single(_received).Id);
    }

    [Fact]
    public async Task Relay_NoMarkerAfterTheCommitWindow_DropsTheIntent()
    {
        var relay = Relay(out var scope);
        await using (scope)
        {
            Assert.Equal(EventHandlingResult.Drop, await relay.HandleAsync(Intent([Envelope()], DateTimeOffset.UtcNow.AddSeconds(-1)), CancellationToken.None));
        }
        await WaitForIdleAsync();
        Assert.Empty(_received);
    }

    [Fact]
    public async Task Relay_TombstonedMarker_DropsSilentlyAndRemovesIt()
    {
        var envelope = Envelope();
        await Store.SaveAsync(OutboxMarker.KeyOf(envelope.Id), new OutboxMarker(envelope.Id, Abandoned: true));
        var relay = Relay(out var scope);
        await using (scope)
        {
            Assert.Equal(EventHandlingResult.Success, await relay.HandleAsync(Intent([envelope], DateTimeOffset.UtcNow.AddMinutes(1)), CancellationToken.None));
        }
        await WaitForIdleAsync();
        Assert.Empty(_received);
        Assert.False((await Store.GetAsync<OutboxMarker>(OutboxMarker.KeyOf(envelope.Id))).Exists);
    }

    private OutboxRelayHandler Relay(out AsyncServiceScope scope)
    {
        scope = _app.Services.CreateAsyncScope();
        return scope.ServiceProvider.GetRequiredService<OutboxRelayHandler>();
    }

    private static CloudEvent Envelope() => new()
    {
        Id = Guid.NewGuid().ToString(),
        Source = "outbox-app",
        Topic = Topic,
        PubSubName = BrokerComponents.PubSub,
        Time = DateTimeOffset.UtcNow,
        Data = JsonSerializer.SerializeToElement(new { order = 9 }),
    };

    private static CloudEvent Intent(IReadOnlyList<CloudEvent> events, DateTimeOffset notAfter) => new()
    {
        Id = Guid.NewGuid().ToString(),
        Source = "outbox-app",
        Topic = BrokerComponents.Topics.Outbox("outbox-app"),
        PubSubName = BrokerComponents.PubSub,
        Data = JsonSerializer.SerializeToElement(new OutboxIntent(events, notAfter.ToUnixTimeMilliseconds()), EventJson.Options),
    };

    private sealed class RecordingHandler(ConcurrentQueue<CloudEvent> received) : ITopicHandler
    {
        public Task<EventHandlingResult> HandleAsync(CloudEvent cloudEvent, CancellationToken cancellationToken)
        {
            received.Enqueue(cloudEvent);
            return Task.FromResult(EventHandlingResult.Success);
        }
    }
}

/// <summary>The outbox over the embedded adapters (SQLite, in-process pub/sub).</summary>
public sealed class EmbeddedTransactionalOutboxTests : TransactionalOutboxTests
{
    protected override ComponentsMode Mode => ComponentsMode.Embedded;

    [Fact]
    public void Embedded_UsesCommitThenPublish_NotTheMarkerProtocol() =>
        // Over the in-memory bus the markers add no durability, only writes and polling (see CommitThenPublishOutbox).
        Assert.IsType<CommitThenPublishOutbox>(Outbox);
}

/// <summary>The marker protocol over the embedded SQLite store and in-process bus, as used over Dapr.</summary>
public sealed class MarkerOutboxOverEmbeddedAdaptersTests : TransactionalOutboxTests
{
    protected override ComponentsMode Mode => ComponentsMode.Embedded;

    protected override void Configure(IServiceCollection services) =>
        services.AddSingleton<ITransactionalOutbox>(sp => sp.GetRequiredService<TransactionalOutbox>());
}

/// <summary>The outbox over the Dapr adapters, against the stand-in sidecar (not daprd).</summary>
public sealed class DaprTransactionalOutboxAgainstStandInSidecarTests : TransactionalOutboxTests
{
    protected override ComponentsMode Mode => ComponentsMode.Dapr;
}
