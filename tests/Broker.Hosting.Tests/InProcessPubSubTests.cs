using System.Collections.Concurrent;
using System.Diagnostics;
using Broker.Hosting.PubSub;
using Broker.Hosting.PubSub.InProcess;
using Broker.Hosting.State;
using Broker.Hosting.State.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Hosting.Tests;

/// <summary>Delivery semantics of the in-process pub/sub: envelope, retries, dead letters, drops, idempotent handlers.</summary>
public sealed class InProcessPubSubTests : IAsyncLifetime
{
    private const string Topic = "test-topic";
    private readonly Recorder _recorder = new();
    private ServiceProvider _services = null!;
    private InProcessPubSub _bus = null!;

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PubSub:InProcess:MaxAttempts"] = "3",
            ["PubSub:InProcess:InitialBackoff"] = "00:00:00.010",
            ["PubSub:InProcess:MaxBackoff"] = "00:00:00.040",
            ["PubSub:InProcess:Source"] = "tests",
        }).Build());
        services.AddSingleton<IHostEnvironment>(new TestEnvironment());
        services.AddLogging();
        services.AddSingleton(_recorder);
        services.AddSingleton<IStateStore>(new SqliteStateStore($"Data Source=pubsub-{Guid.NewGuid():N};Mode=Memory;Cache=Shared"));
        services.AddInProcessPubSub();
        services.AddEventHandler<FlakyHandler>(Topic);
        services.AddEventHandler<DeadLetterHandler>(BrokerComponents.Topics.DeadLetter, deadLetterTopic: null);
        services.AddEventHandler<CountingIdempotentHandler>("idempotent-topic");
        services.AddEventHandler<DroppingHandler>("drop-topic");
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _bus = _services.GetRequiredService<InProcessPubSub>();
        await _bus.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _bus.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
    }

    [Fact]
    public async Task PublishAsync_WrapsDataInCloudEvent()
    {
        using var source = new ActivitySource("tests");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "tests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var activity = source.StartActivity("publish");

        _recorder.FailuresBeforeSuccess = 0;
        var published = await _services.GetRequiredService<IEventPublisher>().PublishAsync(Topic, new Payload("hello"));
        await _bus.WaitForIdleAsync().WaitAsync(TimeSpan.FromSeconds(10));

        var received = Assert.Single(_recorder.Received);
        Assert.Equal(published.Id, received.Id);
        Assert.Equal("1.0", received.SpecVersion);
        Assert.Equal(CloudEvent.DaprEventType, received.Type);
        Assert.Equal("tests", received.Source);
        Assert.Equal(Topic, received.Topic);
        Assert.Equal(BrokerComponents.PubSub, received.PubSubName);
        Assert.Equal("application/json", received.DataContentType);
        // The publisher's own span (when something listens to Broker.Hosting) or the caller's: same trace either way.
        Assert.Equal(activity!.TraceId, ActivityContext.Parse(received.TraceParent!, null).TraceId);
        Assert.Equal("hello", received.GetData<Payload>().Text);
    }

    [Fact]
    public async Task Delivery_HandlerRetriesThenSucceeds_IsRetriedAndNotDeadLettered()
    {
        _recorder.FailuresBeforeSuccess = 2;
        await _services.GetRequiredService<IEventPublisher>().PublishAsync(Topic, new Payload("retry"));
        await _bus.WaitForIdleAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(3, _recorder.Received.Length);
        Assert.Empty(_bus.DeadLetters);
        Assert.Empty(_recorder.DeadLettered);
    }

    [Fact]
    public async Task Delivery_HandlerKeepsFailing_GoesToDeadLetterTopicAfterMaxAttempts()
    {
        _recorder.FailuresBeforeSuccess = int.MaxValue;
        var published = await _services.GetRequiredService<IEventPublisher>().PublishAsync(Topic, new Payload("poison"));
        await _bus.WaitForIdleAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(3, _recorder.Received.Length);
        var dead = Assert.Single(_bus.DeadLetters);
        Assert.Equal(published.Id, dead.CloudEvent.Id);
        Assert.Equal(3, dead.Attempts);
        var forwarded = Assert.Single(_recorder.DeadLettered);
        Assert.Equal(published.Id, forwarded.Id);
        Assert.Equal(BrokerComponents.Topics.DeadLetter, forwarded.Topic);
    }

    [Fact]
    public async Task Delivery_HandlerDrops_IsNeitherRetriedNorDeadLettered()
    {
        await _services.GetRequiredService<IEventPublisher>().PublishAsync("drop-topic", new Payload("drop"));
        await _bus.WaitForIdleAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, _recorder.Dropped);
        Assert.Empty(_bus.DeadLetters);
    }

    [Fact]
    public async Task IdempotentHandler_SameEventDeliveredTwice_ActsOnce()
    {
        var published = await _services.GetRequiredService<IEventPublisher>().PublishAsync("idempotent-topic", new Payload("once"));
        await _bus.WaitForIdleAsync().WaitAsync(TimeSpan.FromSeconds(10));
        _bus.Enqueue(published); // at-least-once: the same id again
        await _bus.WaitForIdleAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(2, _recorder.IdempotentDeliveries);
        Assert.Equal(1, _recorder.IdempotentEffects);
        Assert.True(await _services.CreateScope().ServiceProvider.GetRequiredService<ProcessedEventLog>()
            .IsProcessedAsync(nameof(CountingIdempotentHandler), published.Id));
    }

    [Fact]
    public async Task PublishAsync_TopicWithoutSubscription_IsDiscarded()
    {
        await _services.GetRequiredService<IEventPublisher>().PublishAsync("nobody-listens", new Payload("void"));
        await _bus.WaitForIdleAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(_bus.DeadLetters);
    }

    private sealed record Payload(string Text);

    private sealed class Recorder
    {
        public ConcurrentQueue<CloudEvent> ReceivedQueue { get; } = new();
        public CloudEvent[] Received => ReceivedQueue.ToArray();
        public ConcurrentQueue<CloudEvent> DeadLetteredQueue { get; } = new();
        public CloudEvent[] DeadLettered => DeadLetteredQueue.ToArray();
        public int FailuresBeforeSuccess { get; set; }
        public int Dropped;
        public int IdempotentDeliveries;
        public int IdempotentEffects;
    }

    private sealed class FlakyHandler(Recorder recorder) : ITopicHandler
    {
        public Task<EventHandlingResult> HandleAsync(CloudEvent cloudEvent, CancellationToken cancellationToken)
        {
            recorder.ReceivedQueue.Enqueue(cloudEvent);
            var attempt = recorder.ReceivedQueue.Count(e => e.Id == cloudEvent.Id);
            if (attempt == 2)
            {
                // An exception counts as a retry too.
                throw new InvalidOperationException("transient");
            }
            return Task.FromResult(attempt <= recorder.FailuresBeforeSuccess ? EventHandlingResult.Retry : EventHandlingResult.Success);
        }
    }

    private sealed class DeadLetterHandler(Recorder recorder) : ITopicHandler
    {
        public Task<EventHandlingResult> HandleAsync(CloudEvent cloudEvent, CancellationToken cancellationToken)
        {
            recorder.DeadLetteredQueue.Enqueue(cloudEvent);
            return Task.FromResult(EventHandlingResult.Success);
        }
    }

    private sealed class DroppingHandler(Recorder recorder) : ITopicHandler
    {
        public Task<EventHandlingResult> HandleAsync(CloudEvent cloudEvent, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref recorder.Dropped);
            return Task.FromResult(EventHandlingResult.Drop);
        }
    }

    private sealed class CountingIdempotentHandler : IdempotentTopicHandler<Payload>
    {
        private readonly Recorder _recorder;

        public CountingIdempotentHandler(Recorder recorder, ProcessedEventLog log) : base(log, TimeProvider.System)
        {
            _recorder = recorder;
            // Counted here (every delivery builds a handler) rather than in HandleOnceAsync (first delivery only).
            Interlocked.Increment(ref recorder.IdempotentDeliveries);
        }

        protected override string ConsumerName => nameof(CountingIdempotentHandler);

        protected override Task<EventHandlingResult> HandleOnceAsync(Payload data, CloudEvent cloudEvent, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _recorder.IdempotentEffects);
            return Task.FromResult(EventHandlingResult.Success);
        }
    }

    private sealed class TestEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Testing";
        public string ApplicationName { get; set; } = "Broker.Hosting.Tests";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
