using System.Text.Json;
using Broker.Hosting.Components;
using Broker.Hosting.PubSub;
using Broker.Hosting.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Broker.Hosting.Outbox;

/// <summary>The outbox over <see cref="IStateStore"/> and <see cref="IEnvelopePublisher"/> (see <see cref="ITransactionalOutbox"/>).</summary>
internal sealed partial class TransactionalOutbox(
    IStateStore store,
    IEnvelopePublisher publisher,
    IEventPublisher events,
    BrokerAppIdentity app,
    IOptions<OutboxOptions> options,
    TimeProvider time,
    ILogger<TransactionalOutbox> logger) : ITransactionalOutbox
{
    public async Task<IReadOnlyList<CloudEvent>?> TryExecuteAsync(
        IReadOnlyList<StateOperation> operations, IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return await store.TryExecuteTransactionAsync(operations, cancellationToken).ConfigureAwait(false) ? [] : null;
        }

        var now = time.GetUtcNow();
        var envelopes = OutboxEnvelopes.Create(messages, app.AppId, events.Name, now);
        var intentData = JsonSerializer.SerializeToElement(new OutboxIntent(envelopes, (now + options.Value.CommitWindow).ToUnixTimeMilliseconds()), EventJson.Options);
        var intent = OutboxEnvelopes.Create([new OutboxMessage(BrokerComponents.Topics.Outbox(app.AppId), intentData)], app.AppId, events.Name, now)[0];

        // The intent first: once the transaction commits, nothing but the pub/sub's own durability stands between the
        // commit and the events.
        await publisher.PublishEnvelopeAsync(intent, cancellationToken).ConfigureAwait(false);

        var all = new List<StateOperation>(operations.Count + envelopes.Length);
        all.AddRange(operations);
        all.AddRange(envelopes.Select(e => StateOperation.TryUpsert(OutboxMarker.KeyOf(e.Id), new OutboxMarker(e.Id), etag: null)));
        if (await store.TryExecuteTransactionAsync(all, cancellationToken).ConfigureAwait(false))
        {
            return envelopes;
        }

        // Refused: tombstones let the relay drop the intent at once instead of waiting out the commit window.
        foreach (var envelope in envelopes)
        {
            try
            {
                await store.TrySaveAsync(OutboxMarker.KeyOf(envelope.Id), new OutboxMarker(envelope.Id, Abandoned: true), etag: null, CancellationToken.None).ConfigureAwait(false);
            }
            catch (ComponentUnavailableException ex)
            {
                LogTombstoneFailed(ex, envelope.Id);
            }
        }
        return null;
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Could not tombstone outbox event {EventId}; the relay drops it after the commit window.")]
    private partial void LogTombstoneFailed(Exception exception, string eventId);
}

/// <summary>
/// Relays outbox intents (topic <see cref="BrokerComponents.Topics.Outbox"/> of this service): publishes each event
/// whose marker exists, keeping its id, then deletes the marker. Missing markers are polled for
/// <see cref="OutboxOptions.PollFor"/>, then a redelivery is asked for, until the intent's commit window has passed.
/// </summary>
public sealed partial class OutboxRelayHandler(
    IStateStore store,
    IEnvelopePublisher publisher,
    IOptions<OutboxOptions> options,
    TimeProvider time,
    ILogger<OutboxRelayHandler> logger) : ITopicHandler
{
    private static readonly TimeSpan s_firstPause = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan s_longestPause = TimeSpan.FromMilliseconds(200);

    /// <inheritdoc />
    public async Task<EventHandlingResult> HandleAsync(CloudEvent cloudEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        OutboxIntent intent;
        try
        {
            intent = cloudEvent.GetData<OutboxIntent>();
        }
        catch (JsonException)
        {
            return EventHandlingResult.Drop;
        }
        if (intent.Events is not { Count: > 0 }) return EventHandlingResult.Drop;

        var pending = intent.Events.ToList();
        // Polling runs on the wall clock; the commit window on the clock that stamped the intent.
        var pollUntil = DateTime.UtcNow + options.Value.PollFor;
        var pause = s_firstPause;
        while (true)
        {
            foreach (var envelope in pending.ToArray())
            {
                var key = OutboxMarker.KeyOf(envelope.Id);
                var marker = await store.GetAsync<OutboxMarker>(key, cancellationToken).ConfigureAwait(false);
                if (!marker.Exists) continue;
                if (!marker.Value!.Abandoned)
                {
                    await publisher.PublishEnvelopeAsync(envelope, cancellationToken).ConfigureAwait(false);
                }
                // Published (or abandoned): the marker has done its job. A failed delete only means a redelivery of
                // this intent publishes the event again, which consumers deduplicate.
                await store.TryDeleteAsync(key, marker.ETag!, cancellationToken).ConfigureAwait(false);
                pending.Remove(envelope);
            }
            if (pending.Count == 0) return EventHandlingResult.Success;
            if (time.GetUtcNow().ToUnixTimeMilliseconds() > intent.NotAfter)
            {
                LogNeverCommitted(cloudEvent.Id, pending.Count);
                return EventHandlingResult.Drop;
            }
            if (DateTime.UtcNow >= pollUntil) return EventHandlingResult.Retry;
            await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, s_longestPause.Ticks));
        }
    }

    [LoggerMessage(EventId = 1302, Level = LogLevel.Information, Message = "Outbox intent {IntentId}: {Count} events dropped, their transaction never committed.")]
    private partial void LogNeverCommitted(string intentId, int count);
}

/// <summary>The envelopes of an outbox's messages: ids fixed before the commit, this service as source, the current trace.</summary>
internal static class OutboxEnvelopes
{
    public static CloudEvent[] Create(IReadOnlyList<OutboxMessage> messages, string appId, string pubSubName, DateTimeOffset now)
    {
        var (traceParent, traceState) = HostingTelemetry.CurrentTraceContext();
        return [.. messages.Select(m => new CloudEvent
        {
            Id = Guid.NewGuid().ToString(),
            Source = appId,
            Time = now,
            Topic = m.Topic,
            PubSubName = pubSubName,
            TraceParent = traceParent,
            TraceState = traceState,
            Data = m.Data,
        })];
    }
}

/// <summary>
/// The outbox over the embedded in-process pub/sub: commit, then hand the events to the in-process bus.
/// </summary>
/// <remarks>
/// The in-process bus keeps an event in memory until it is delivered, so an event is lost if the process stops before
/// that, whatever the outbox does: with <see cref="TransactionalOutbox"/> the intent itself lives in that memory. The
/// marker protocol therefore adds no durability here, only cost (a marker written with each transaction, read and
/// deleted by the relay, which polls for it). This outbox gives the same guarantee (the events are published if and
/// only if the transaction commits, lost only if the process stops before delivery) for the transaction alone.
/// </remarks>
internal sealed partial class CommitThenPublishOutbox(
    IStateStore store,
    IEnvelopePublisher publisher,
    IEventPublisher events,
    BrokerAppIdentity app,
    TimeProvider time,
    ILogger<CommitThenPublishOutbox> logger) : ITransactionalOutbox
{
    public async Task<IReadOnlyList<CloudEvent>?> TryExecuteAsync(
        IReadOnlyList<StateOperation> operations, IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(messages);
        var envelopes = OutboxEnvelopes.Create(messages, app.AppId, events.Name, time.GetUtcNow());
        if (!await store.TryExecuteTransactionAsync(operations, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        foreach (var envelope in envelopes)
        {
            try
            {
                // Committed: the events go out even if the caller gave up meanwhile.
                await publisher.PublishEnvelopeAsync(envelope, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
            {
                // The bus is stopping with the process: the event is lost as an in-memory one would be.
                LogNotPublished(ex, envelope.Id, envelope.Topic);
            }
        }
        return envelopes;
    }

    [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "Event {EventId} on {Topic} committed but not published: the in-process pub/sub is stopping.")]
    private partial void LogNotPublished(Exception exception, string eventId, string topic);
}
