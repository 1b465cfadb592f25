using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Broker.Hosting.PubSub.InProcess;

/// <summary>
/// The embedded pub/sub: events go through an unbounded channel to a background dispatcher that delivers each one
/// to every subscription of its topic, each delivery in a fresh DI scope. A handler that returns
/// <see cref="EventHandlingResult.Retry"/> or throws is retried with exponential backoff; after
/// <see cref="InProcessPubSubOptions.MaxAttempts"/> the event is kept in <see cref="DeadLetters"/> and published to
/// the subscription's dead-letter topic. Delivery is at least once within the life of the process; events still
/// queued when the process stops are lost (the Dapr adapter, over Redis Streams, keeps them).
/// </summary>
public sealed partial class InProcessPubSub : BackgroundService, IEventPublisher, IEnvelopePublisher
{
    private const string MessagingSystem = "in-process";

    private readonly Channel<Delivery> _queue = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IServiceScopeFactory _scopes;
    private readonly IReadOnlyList<EventSubscription> _subscriptions;
    private readonly InProcessPubSubOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<InProcessPubSub> _logger;
    private readonly string _source;
    private readonly ConcurrentQueue<DeadLetter> _deadLetters = new();
    private readonly SemaphoreSlim _concurrency;
    private readonly object _idleLock = new();
    private int _pending;
    private TaskCompletionSource _idle = NewCompletedIdle();

    /// <summary>Creates the bus; the host starts its dispatcher.</summary>
    public InProcessPubSub(
        IServiceScopeFactory scopes,
        IEnumerable<EventSubscription> subscriptions,
        IOptions<InProcessPubSubOptions> options,
        TimeProvider timeProvider,
        IHostEnvironment environment,
        ILogger<InProcessPubSub> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        _scopes = scopes;
        _subscriptions = subscriptions.ToArray();
        _options = options.Value;
        _time = timeProvider;
        _logger = logger;
        _source = _options.Source ?? environment.ApplicationName;
        _concurrency = new SemaphoreSlim(_options.MaxConcurrentDeliveries);
    }

    /// <inheritdoc />
    public string Name => BrokerComponents.PubSub;

    /// <summary>Events that exhausted their attempts, oldest first (at most <see cref="InProcessPubSubOptions.DeadLetterCapacity"/>).</summary>
    public IReadOnlyList<DeadLetter> DeadLetters => _deadLetters.ToArray();

    /// <inheritdoc />
    public Task<CloudEvent> PublishAsync<T>(string topic, T data, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        using var activity = HostingTelemetry.StartPublish(topic, MessagingSystem);
        var (traceParent, traceState) = HostingTelemetry.CurrentTraceContext();
        var cloudEvent = new CloudEvent
        {
            Id = Guid.NewGuid().ToString(),
            Source = _source,
            Time = _time.GetUtcNow(),
            Topic = topic,
            PubSubName = Name,
            TraceParent = traceParent,
            TraceState = traceState,
            Data = JsonSerializer.SerializeToElement(data, EventJson.Options),
        };
        activity?.SetTag("messaging.message.id", cloudEvent.Id);
        Enqueue(cloudEvent);
        HostingTelemetry.Published(topic, MessagingSystem);
        return Task.FromResult(cloudEvent);
    }

    /// <inheritdoc />
    public Task PublishEnvelopeAsync(CloudEvent cloudEvent, CancellationToken cancellationToken = default)
    {
        Enqueue(cloudEvent);
        HostingTelemetry.Published(cloudEvent.Topic, MessagingSystem);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Delivers an envelope as it is (keeping its id), e.g. to simulate a redelivery. Events whose topic has no
    /// subscription are discarded, as Dapr does.
    /// </summary>
    public void Enqueue(CloudEvent cloudEvent)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        foreach (var subscription in _subscriptions)
        {
            if (subscription.Topic == cloudEvent.Topic && subscription.PubSubName == cloudEvent.PubSubName)
            {
                Increment();
                if (!_queue.Writer.TryWrite(new Delivery(cloudEvent, subscription)))
                {
                    Decrement();
                }
            }
        }
    }

    /// <summary>Completes when no delivery is queued, running or waiting for a retry (for tests and orderly shutdown).</summary>
    public Task WaitForIdleAsync(CancellationToken cancellationToken = default)
    {
        lock (_idleLock)
        {
            return _idle.Task.WaitAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var delivery in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await _concurrency.WaitAsync(stoppingToken).ConfigureAwait(false);
                _ = Task.Run(() => DeliverAsync(delivery, stoppingToken), CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _queue.Writer.TryComplete();
        base.Dispose();
    }

    private async Task DeliverAsync(Delivery delivery, CancellationToken stoppingToken)
    {
        try
        {
            var (cloudEvent, subscription) = delivery;
            var backoff = _options.InitialBackoff;
            for (var attempt = 1; ; attempt++)
            {
                var result = await InvokeAsync(cloudEvent, subscription, attempt, stoppingToken).ConfigureAwait(false);
                if (result == EventHandlingResult.Success) return;
                if (result == EventHandlingResult.Drop)
                {
                    LogDropped(cloudEvent.Id, cloudEvent.Topic, subscription.HandlerType.Name);
                    return;
                }
                if (attempt >= _options.MaxAttempts)
                {
                    DeadLetter(cloudEvent, subscription, attempt);
                    return;
                }
                // Release the concurrency slot while waiting so a slow retry does not hold up other events.
                _concurrency.Release();
                try
                {
                    await Task.Delay(backoff, _time, stoppingToken).ConfigureAwait(false);
                }
                finally
                {
                    await _concurrency.WaitAsync(CancellationToken.None).ConfigureAwait(false);
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _concurrency.Release();
            Decrement();
        }
    }

    private async Task<EventHandlingResult> InvokeAsync(CloudEvent cloudEvent, EventSubscription subscription, int attempt, CancellationToken stoppingToken)
    {
        using var activity = HostingTelemetry.StartProcess(cloudEvent, subscription.Topic, MessagingSystem, subscription.HandlerType.Name);
        var started = _time.GetTimestamp();
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            var handler = (ITopicHandler)scope.ServiceProvider.GetRequiredService(subscription.HandlerType);
            var result = await handler.HandleAsync(cloudEvent, stoppingToken).ConfigureAwait(false);
            if (result == EventHandlingResult.Retry)
            {
                LogRetry(cloudEvent.Id, cloudEvent.Topic, subscription.HandlerType.Name, attempt);
            }
            HostingTelemetry.Processed(subscription.Topic, result, _time.GetElapsedTime(started));
            return result;
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping and disposing what handlers use (the state store, say): not a handler failure. The
            // event stays undelivered (an outbox intent is sent again at the next start).
            throw new OperationCanceledException(stoppingToken);
        }
        catch (Exception ex)
        {
            LogHandlerFailed(ex, cloudEvent.Id, cloudEvent.Topic, subscription.HandlerType.Name, attempt);
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            HostingTelemetry.Processed(subscription.Topic, EventHandlingResult.Retry, _time.GetElapsedTime(started));
            return EventHandlingResult.Retry;
        }
    }

    private void DeadLetter(CloudEvent cloudEvent, EventSubscription subscription, int attempts)
    {
        LogDeadLettered(cloudEvent.Id, cloudEvent.Topic, subscription.HandlerType.Name, attempts);
        HostingTelemetry.DeadLettered(cloudEvent.Topic);
        _deadLetters.Enqueue(new DeadLetter(cloudEvent, subscription, attempts, _time.GetUtcNow()));
        while (_deadLetters.Count > _options.DeadLetterCapacity && _deadLetters.TryDequeue(out _))
        {
        }
        if (subscription.DeadLetterTopic is { } deadLetterTopic && deadLetterTopic != cloudEvent.Topic)
        {
            Enqueue(cloudEvent with { Topic = deadLetterTopic });
        }
    }

    private void Increment()
    {
        lock (_idleLock)
        {
            if (_pending++ == 0) _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    private void Decrement()
    {
        lock (_idleLock)
        {
            if (--_pending == 0) _idle.TrySetResult();
        }
    }

    private static TaskCompletionSource NewCompletedIdle()
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        tcs.SetResult();
        return tcs;
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Handler {Handler} asked to retry event {EventId} on topic {Topic} (attempt {Attempt}).")]
    private partial void LogRetry(string eventId, string topic, string handler, int attempt);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Handler {Handler} failed on event {EventId} on topic {Topic} (attempt {Attempt}).")]
    private partial void LogHandlerFailed(Exception exception, string eventId, string topic, string handler, int attempt);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Error, Message = "Event {EventId} on topic {Topic} dead-lettered after {Attempts} attempts of handler {Handler}.")]
    private partial void LogDeadLettered(string eventId, string topic, string handler, int attempts);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "Handler {Handler} dropped event {EventId} on topic {Topic}.")]
    private partial void LogDropped(string eventId, string topic, string handler);

    private readonly record struct Delivery(CloudEvent CloudEvent, EventSubscription Subscription);
}

/// <summary>An event that exhausted its delivery attempts.</summary>
/// <param name="CloudEvent">The envelope.</param>
/// <param name="Subscription">The subscription whose handler kept failing.</param>
/// <param name="Attempts">Attempts made.</param>
/// <param name="DeadLetteredAt">When it was given up.</param>
public sealed record DeadLetter(CloudEvent CloudEvent, EventSubscription Subscription, int Attempts, DateTimeOffset DeadLetteredAt);
