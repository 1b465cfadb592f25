using System.Collections.Concurrent;
using Grpc.Core;

namespace Broker.DaprStandIn;

/// <summary>How the stand-in's pub/sub redelivers (daprd: the resiliency policy of the app's inbound calls).</summary>
public sealed record StandInDeliveryPolicy
{
    /// <summary>Deliveries of one event to one subscriber before it is dead-lettered. Default 5.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Pause between two deliveries (constant back-off). Default 50 ms.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromMilliseconds(50);
}

/// <summary>One delivery attempt, for assertions.</summary>
/// <param name="AppId">The subscriber's app id.</param>
/// <param name="Topic">The topic.</param>
/// <param name="EventId">The CloudEvent id.</param>
/// <param name="Attempt">1 for the first delivery.</param>
/// <param name="Outcome">SUCCESS, RETRY or DROP as the stand-in understood the app's answer.</param>
public sealed record DeliveryAttempt(string AppId, string Topic, string EventId, int Attempt, string Outcome);

/// <summary>
/// What the stand-in sidecars of one test share, as daprd sidecars share Redis: the state stores and pub/sub
/// components by name, and the delivery machinery. Each <see cref="StandInSidecar"/> is one app's daprd.
/// </summary>
public sealed class StandInDaprCluster(StandInDeliveryPolicy? policy = null)
{
    private readonly ConcurrentDictionary<string, StandInStateStore> _stores = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StandInPubSub> _pubsubs = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<DeliveryAttempt> _attempts = new();
    private readonly Lock _idleLock = new();
    private int _pending;
    private TaskCompletionSource _idle = Completed();

    /// <summary>The component names loaded (daprd: the YAML files of its resources path).</summary>
    public ISet<string> StateStoreNames { get; } = new HashSet<string>(StringComparer.Ordinal) { "statestore" };

    /// <summary>The pub/sub component names loaded.</summary>
    public ISet<string> PubSubNames { get; } = new HashSet<string>(StringComparer.Ordinal) { "pubsub" };

    /// <summary>Redelivery policy.</summary>
    public StandInDeliveryPolicy Policy { get; } = policy ?? new StandInDeliveryPolicy();

    /// <summary>Every delivery attempt so far, in order.</summary>
    public IReadOnlyList<DeliveryAttempt> Attempts => [.. _attempts];

    /// <summary>The state component <paramref name="name"/>; INVALID_ARGUMENT when none is loaded under that name, as daprd answers.</summary>
    public StandInStateStore StateStore(string name) =>
        StateStoreNames.Contains(name)
            ? _stores.GetOrAdd(name, n => new StandInStateStore(n))
            : throw new RpcException(new Status(StatusCode.InvalidArgument, $"state store {name} is not found"));

    /// <summary>The pub/sub component <paramref name="name"/>; INVALID_ARGUMENT when none is loaded under that name.</summary>
    public StandInPubSub PubSub(string name) =>
        PubSubNames.Contains(name)
            ? _pubsubs.GetOrAdd(name, n => new StandInPubSub(n, this))
            : throw new RpcException(new Status(StatusCode.InvalidArgument, $"pubsub {name} is not found"));

    /// <summary>Completes when no delivery is running or waiting for a retry.</summary>
    public Task WaitForIdleAsync(TimeSpan timeout)
    {
        lock (_idleLock) return _idle.Task.WaitAsync(timeout);
    }

    internal void Record(DeliveryAttempt attempt) => _attempts.Enqueue(attempt);

    internal void Start(Func<Task> delivery)
    {
        lock (_idleLock)
        {
            if (_pending++ == 0) _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await delivery().ConfigureAwait(false);
            }
            finally
            {
                lock (_idleLock)
                {
                    if (--_pending == 0) _idle.TrySetResult();
                }
            }
        });
    }

    private static TaskCompletionSource Completed()
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        tcs.SetResult();
        return tcs;
    }
}

/// <summary>A subscription an app announced on <c>GET /dapr/subscribe</c>.</summary>
/// <param name="PubSubName">The pub/sub component.</param>
/// <param name="Topic">The topic.</param>
/// <param name="Route">The app route deliveries are posted to.</param>
/// <param name="DeadLetterTopic">Where exhausted events go, or null.</param>
public sealed record StandInSubscription(string PubSubName, string Topic, string Route, string? DeadLetterTopic);

/// <summary>
/// A pub/sub component of the stand-in: each topic keeps its events (as a Redis stream does), and every app id
/// subscribed to a topic is one consumer group that receives every event once it subscribes, from the start of the
/// topic. Delivery is at least once: an event is posted again until the app acknowledges it, then dead-lettered.
/// </summary>
public sealed class StandInPubSub
{
    private readonly StandInDaprCluster _cluster;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<byte[]>> _topics = new(StringComparer.Ordinal);
    private readonly List<(StandInSidecar Sidecar, StandInSubscription Subscription)> _subscribers = [];

    internal StandInPubSub(string name, StandInDaprCluster cluster)
    {
        Name = name;
        _cluster = cluster;
    }

    /// <summary>The component name.</summary>
    public string Name { get; }

    /// <summary>The envelopes published to <paramref name="topic"/> so far.</summary>
    public IReadOnlyList<byte[]> Published(string topic)
    {
        lock (_lock) return _topics.TryGetValue(topic, out var events) ? [.. events] : [];
    }

    internal void Publish(string topic, byte[] envelope)
    {
        List<(StandInSidecar, StandInSubscription)> targets;
        lock (_lock)
        {
            Log(topic).Add(envelope);
            // One delivery per consumer group (app id), to the first sidecar of that app id.
            targets = [.. _subscribers.Where(s => s.Subscription.Topic == topic).DistinctBy(s => s.Sidecar.AppId)];
        }
        foreach (var (sidecar, subscription) in targets) Deliver(sidecar, subscription, envelope);
    }

    internal void Subscribe(StandInSidecar sidecar, StandInSubscription subscription)
    {
        byte[][] backlog;
        lock (_lock)
        {
            var groupExists = _subscribers.Any(s => s.Subscription.Topic == subscription.Topic && s.Sidecar.AppId == sidecar.AppId);
            _subscribers.Add((sidecar, subscription));
            backlog = groupExists ? [] : [.. Log(subscription.Topic)];
        }
        foreach (var envelope in backlog) Deliver(sidecar, subscription, envelope);
    }

    private List<byte[]> Log(string topic)
    {
        if (!_topics.TryGetValue(topic, out var events)) _topics[topic] = events = [];
        return events;
    }

    private void Deliver(StandInSidecar sidecar, StandInSubscription subscription, byte[] envelope) => _cluster.Start(async () =>
    {
        var eventId = CloudEvents.Field(envelope, "id") ?? "";
        var policy = _cluster.Policy;
        for (var attempt = 1; attempt <= policy.MaxAttempts; attempt++)
        {
            var outcome = await sidecar.DeliverToAppAsync(subscription, envelope).ConfigureAwait(false);
            _cluster.Record(new DeliveryAttempt(sidecar.AppId, subscription.Topic, eventId, attempt, outcome));
            if (outcome is "SUCCESS" or "DROP") return;
            if (attempt < policy.MaxAttempts) await Task.Delay(policy.RetryInterval).ConfigureAwait(false);
        }
        if (subscription.DeadLetterTopic is { } deadLetterTopic)
        {
            Publish(deadLetterTopic, CloudEvents.WithTopic(envelope, deadLetterTopic));
        }
    });
}
