using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Broker.DaprStandIn;
using Broker.Hosting.Components;
using Broker.Hosting.PubSub;
using Broker.Hosting.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Hosting.Tests;

/// <summary>
/// The Dapr pub/sub adapter (publisher, subscriptions through the Dapr app API, idempotent handlers) in a service
/// built like the real ones, against a stand-in sidecar hosted in the test (<see cref="StandInSidecar"/>, not daprd)
/// that redelivers until the app acknowledges and then dead-letters.
/// </summary>
public sealed class DaprPubSubAgainstStandInSidecarTests : IAsyncLifetime
{
    private const string Topic = "test-topic";
    private readonly StandInDaprCluster _cluster = new(new StandInDeliveryPolicy { MaxAttempts = 3, RetryInterval = TimeSpan.FromMilliseconds(10) });
    private readonly Recorder _recorder = new();
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(ComponentsMode.Dapr, services =>
        {
            services.AddSingleton(_recorder);
            services.AddEventHandler<ScriptedHandler>(Topic);
            services.AddEventHandler<CountingIdempotentHandler>("idempotent-topic");
            services.AddEventHandler<DeadLetterRecorder>(BrokerComponents.Topics.DeadLetter, deadLetterTopic: null);
        }, _cluster, appId: "pubsub-app");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private IEventPublisher Publisher => _app.Services.GetRequiredService<IEventPublisher>();

    [Fact]
    public void Subscribe_AnnouncesEveryHandlerTopicWithItsRouteAndDeadLetterTopic_ToTheStandInSidecar()
    {
        var subscriptions = _app.Sidecar!.Subscriptions;
        var test = Assert.Single(subscriptions, s => s.Topic == Topic);
        Assert.Equal(BrokerComponents.PubSub, test.PubSubName);
        Assert.Equal(BrokerComponents.Routes.Events(Topic), test.Route);
        Assert.Equal(BrokerComponents.Topics.DeadLetter, test.DeadLetterTopic);
        Assert.Contains(subscriptions, s => s.Topic == BrokerComponents.Topics.Outbox("pubsub-app"));
        Assert.Null(Assert.Single(subscriptions, s => s.Topic == BrokerComponents.Topics.DeadLetter).DeadLetterTopic);
    }

    [Fact]
    public async Task Publish_EnvelopeArrivesWithItsIdSourceAndData_ThroughTheStandInSidecar()
    {
        var published = await Publisher.PublishAsync(Topic, new Payload("hello"));
        await _cluster.WaitForIdleAsync(TimeSpan.FromSeconds(10));

        var received = Assert.Single(_recorder.Received(Topic));
        Assert.Equal(published.Id, received.Event.Id);
        Assert.Equal("pubsub-app", received.Event.Source);
        Assert.Equal(CloudEvent.DaprEventType, received.Event.Type);
        Assert.Equal(Topic, received.Event.Topic);
        Assert.Equal(BrokerComponents.PubSub, received.Event.PubSubName);
        Assert.Equal("hello", received.Event.GetData<Payload>().Text);
        Assert.Equal(1, _app.Sidecar!.Calls["PublishEvent"]);
    }

    [Fact]
    public async Task Delivery_HandlerAsksToRetry_StandInSidecarRedeliversUntilSuccess()
    {
        _recorder.FailuresBeforeSuccess = 2;
        var published = await Publisher.PublishAsync(Topic, new Payload("retry"));
        await _cluster.WaitForIdleAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["RETRY", "RETRY", "SUCCESS"], _cluster.Attempts.Where(a => a.EventId == published.Id).Select(a => a.Outcome));
        Assert.Empty(_recorder.Received(BrokerComponents.Topics.DeadLetter));
    }

    [Fact]
    public async Task Delivery_HandlerKeepsFailing_DeadLetteredAfterTheLastAttempt()
    {
        _recorder.FailuresBeforeSuccess = int.MaxValue;
        var published = await Publisher.PublishAsync(Topic, new Payload("poison"));
        await _cluster.WaitForIdleAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(3, _cluster.Attempts.Count(a => a.EventId == published.Id && a.Topic == Topic));
        var deadLetter = Assert.Single(_recorder.Received(BrokerComponents.Topics.DeadLetter));
        Assert.Equal(published.Id, deadLetter.Event.Id);
        Assert.Equal("poison", deadLetter.Event.GetData<Payload>().Text);
    }

    [Fact]
    public async Task Delivery_HandlerThrows_CountsAsRetry()
    {
        _recorder.Throw = true;
        _recorder.FailuresBeforeSuccess = 1;
        var published = await Publisher.PublishAsync(Topic, new Payload("throws"));
        await _cluster.WaitForIdleAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["RETRY", "SUCCESS"], _cluster.Attempts.Where(a => a.EventId == published.Id).Select(a => a.Outcome));
    }

    [Fact]
    public async Task Delivery_HandlerDrops_NeitherRedeliveredNorDeadLettered()
    {
        _recorder.Drop = true;
        var published = await Publisher.PublishAsync(Topic, new Payload("drop"));
        await _cluster.WaitForIdleAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["DROP"], _cluster.Attempts.Where(a => a.EventId == published.Id).Select(a => a.Outcome));
        Assert.Empty(_recorder.Received(BrokerComponents.Topics.DeadLetter));
    }

    [Fact]
    public async Task Delivery_SameEventTwice_IdempotentHandlerActsOnce()
    {
        var published = await Publisher.PublishAsync("idempotent-topic", new Payload("once"));
        await _cluster.WaitForIdleAsync(TimeSpan.FromSeconds(10));
        // At-least-once delivery: the same envelope again (as a redelivery after a lost acknowledgement would be).
        await _app.Services.GetRequiredService<IEnvelopePublisher>().PublishEnvelopeAsync(published);
        await _cluster.WaitForIdleAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(2, _cluster.Attempts.Count(a => a.EventId == published.Id && a.Outcome == "SUCCESS"));
        Assert.Equal(1, _recorder.IdempotentEffects);
    }

    [Fact]
    public async Task Delivery_UnreadableEnvelope_AnsweredDrop()
    {
        using var client = _app.App.GetTestClient();
        using var response = await client.PostAsync(BrokerComponents.Routes.Events(Topic),
            new StringContent("{\"not\":\"a cloud event\"}", System.Text.Encoding.UTF8, "application/cloudevents+json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("DROP", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delivery_ConsumerSpanContinuesThePublishersTrace()
    {
        using var source = new ActivitySource("tests.publisher");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "tests.publisher" || s.Name == HostingTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        CloudEvent published;
        ActivityTraceId traceId;
        using (var request = source.StartActivity("request"))
        {
            traceId = request!.TraceId;
            published = await Publisher.PublishAsync(Topic, new Payload("traced"));
        }
        await _cluster.WaitForIdleAsync(TimeSpan.FromSeconds(10));

        var received = Assert.Single(_recorder.Received(Topic), r => r.Event.Id == published.Id);
        Assert.Equal(traceId, received.TraceId);
        // The consumer span's parent is the span the delivered envelope names. The sidecar sets that field from the
        // publish call's own trace context (daprd: its span, a child of the call's traceparent), so it is the
        // publisher's producer span or a span below it, always in the publisher's trace.
        var delivered = ActivityContext.Parse(received.Event.TraceParent!, null);
        Assert.Equal(traceId, delivered.TraceId);
        Assert.Equal(delivered.SpanId, received.ParentSpanId);
        Assert.Equal(ActivityKind.Consumer, received.Kind);
    }

    [Fact]
    public async Task Health_SidecarReady_ServiceReady()
    {
        using var client = _app.App.GetTestClient();
        using var response = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private sealed record Payload(string Text);

    private sealed record Received(CloudEvent Event, ActivityTraceId TraceId, ActivitySpanId ParentSpanId, ActivityKind Kind);

    private sealed class Recorder
    {
        private readonly ConcurrentQueue<(string Topic, Received Received)> _received = new();
        private readonly ConcurrentDictionary<string, int> _attempts = new();
        private int _idempotentEffects;

        public int FailuresBeforeSuccess { get; set; }

        public bool Throw { get; set; }

        public bool Drop { get; set; }

        public int IdempotentEffects => _idempotentEffects;

        public IReadOnlyList<Received> Received(string topic) => [.. _received.Where(r => r.Topic == topic).Select(r => r.Received)];

        public void Record(string topic, CloudEvent cloudEvent)
        {
            var activity = Activity.Current;
            _received.Enqueue((topic, new Received(cloudEvent, activity?.TraceId ?? default, activity?.ParentSpanId ?? default, activity?.Kind ?? default)));
        }

        public int Attempt(string eventId) => _attempts.AddOrUpdate(eventId, 1, (_, n) => n + 1);

        public void Effect() => Interlocked.Increment(ref _idempotentEffects);
    }

    private sealed class ScriptedHandler(Recorder recorder) : ITopicHandler
    {
        public Task<EventHandlingResult> HandleAsync(CloudEvent cloudEvent, CancellationToken cancellationToken)
        {
            if (recorder.Drop) return Task.FromResult(EventHandlingResult.Drop);
            if (recorder.Attempt(cloudEvent.Id) <= recorder.FailuresBeforeSuccess)
            {
                return recorder.Throw ? throw new InvalidOperationException("handler failure") : Task.FromResult(EventHandlingResult.Retry);
            }
            recorder.Record(Topic, cloudEvent);
            return Task.FromResult(EventHandlingResult.Success);
        }
    }

    private sealed class DeadLetterRecorder(Recorder recorder) : ITopicHandler
    {
        public Task<EventHandlingResult> HandleAsync(CloudEvent cloudEvent, CancellationToken cancellationToken)
        {
            recorder.Record(BrokerComponents.Topics.DeadLetter, cloudEvent);
            return Task.FromResult(EventHandlingResult.Success);
        }
    }

    private sealed class CountingIdempotentHandler(Recorder recorder, ProcessedEventLog log, TimeProvider time)
        : IdempotentTopicHandler<Payload>(log, time)
    {
        protected override Task<EventHandlingResult> HandleOnceAsync(Payload data, CloudEvent cloudEvent, CancellationToken cancellationToken)
        {
            recorder.Effect();
            return Task.FromResult(EventHandlingResult.Success);
        }
    }
}
