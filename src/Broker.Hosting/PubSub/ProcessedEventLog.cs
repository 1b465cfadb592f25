using Broker.Hosting.State;

namespace Broker.Hosting.PubSub;

/// <summary>
/// Remembers which event ids a consumer has processed, in the state store, so that redelivered events are
/// recognised. Mark an event processed in the same state transaction as the handler's own writes
/// (<see cref="MarkOperation"/>) to make its effect exactly once; <see cref="TryMarkAsync"/> is the simple form.
/// </summary>
public sealed class ProcessedEventLog(IStateStore store)
{
    /// <summary>Key prefix of the markers.</summary>
    public const string KeyPrefix = "processed-event||";

    /// <summary>The state key of the marker for a consumer and event id.</summary>
    public static string Key(string consumer, string eventId)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        return $"{KeyPrefix}{consumer}||{eventId}";
    }

    /// <summary>True when the consumer already processed the event.</summary>
    public async Task<bool> IsProcessedAsync(string consumer, string eventId, CancellationToken cancellationToken = default) =>
        (await store.GetAsync<ProcessedEventMarker>(Key(consumer, eventId), cancellationToken).ConfigureAwait(false)).Exists;

    /// <summary>Records the event as processed; false when it was already recorded (first write wins).</summary>
    public Task<bool> TryMarkAsync(string consumer, string eventId, DateTimeOffset processedAt, CancellationToken cancellationToken = default) =>
        store.TrySaveAsync(Key(consumer, eventId), new ProcessedEventMarker(processedAt.ToUnixTimeSeconds()), etag: null, cancellationToken);

    /// <summary>The operation that records the event, for use inside a state transaction (fails the transaction if already recorded).</summary>
    public static StateOperation MarkOperation(string consumer, string eventId, DateTimeOffset processedAt) =>
        StateOperation.TryUpsert(Key(consumer, eventId), new ProcessedEventMarker(processedAt.ToUnixTimeSeconds()), etag: null);
}

/// <summary>The value stored for a processed event.</summary>
/// <param name="ProcessedAt">Unix seconds.</param>
public sealed record ProcessedEventMarker(long ProcessedAt);

/// <summary>
/// Base class for handlers that must act once per event id: skips events already recorded in the
/// <see cref="ProcessedEventLog"/>, deserializes the payload (a payload that does not fit is dropped) and records
/// the event after <see cref="HandleOnceAsync"/> succeeds. If the process dies between the two, the event is
/// handled again, so <see cref="HandleOnceAsync"/> should still be safe to repeat.
/// </summary>
/// <typeparam name="T">The payload type.</typeparam>
public abstract class IdempotentTopicHandler<T>(ProcessedEventLog log, TimeProvider timeProvider) : ITopicHandler
{
    /// <summary>Name of the consumer in the processed-event log (default: the handler's type name).</summary>
    protected virtual string ConsumerName => GetType().Name;

    /// <inheritdoc />
    public async Task<EventHandlingResult> HandleAsync(CloudEvent cloudEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        if (await log.IsProcessedAsync(ConsumerName, cloudEvent.Id, cancellationToken).ConfigureAwait(false))
        {
            return EventHandlingResult.Success;
        }
        T data;
        try
        {
            data = cloudEvent.GetData<T>();
        }
        catch (System.Text.Json.JsonException)
        {
            return EventHandlingResult.Drop;
        }
        var result = await HandleOnceAsync(data, cloudEvent, cancellationToken).ConfigureAwait(false);
        if (result == EventHandlingResult.Success)
        {
            await log.TryMarkAsync(ConsumerName, cloudEvent.Id, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
        return result;
    }

    /// <summary>Handles an event not seen before.</summary>
    protected abstract Task<EventHandlingResult> HandleOnceAsync(T data, CloudEvent cloudEvent, CancellationToken cancellationToken);
}
