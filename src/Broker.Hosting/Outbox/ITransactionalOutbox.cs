using System.Text.Json;
using Broker.Hosting.PubSub;
using Broker.Hosting.State;

namespace Broker.Hosting.Outbox;

/// <summary>
/// Changes state and publishes events as one unit: the events are published if and only if the state transaction
/// commits, at least once, with ids fixed before the commit (consumers deduplicate on them). Use it where a change
/// and its event must never be separated ("request accepted" and its event).
/// </summary>
/// <remarks>
/// It follows the design of Dapr's own transactional outbox (dapr <c>pkg/runtime/pubsub/outbox.go</c>), built on
/// the two ports so that it works the same in both modes and for any number of topics (Dapr's outbox publishes
/// every upsert of a store to one topic):
/// <list type="number">
/// <item>before the transaction, an intent carrying the finished events goes to this service's own outbox topic
/// (<see cref="BrokerComponents.Topics.Outbox"/>);</item>
/// <item>the transaction writes the caller's operations plus one marker per event
/// (<see cref="OutboxMarker.KeyOf"/>);</item>
/// <item>the relay (<see cref="OutboxRelayHandler"/>) receives the intent, waits for the markers, publishes the
/// events with their ids and deletes the markers. A marker that never appears within
/// <see cref="OutboxOptions.CommitWindow"/> means the transaction never committed: the intent is dropped. When the
/// transaction reports an ETag conflict the markers are tombstoned at once so the relay drops the intent without
/// waiting.</item>
/// </list>
/// A crash after the commit leaves the intent in the pub/sub, which redelivers it; a crash before it leaves an
/// intent without markers, which is dropped. Over the embedded in-process pub/sub an intent would live in memory, as
/// durable as that bus (lost if the process stops before delivery), so there the markers add nothing and
/// <see cref="CommitThenPublishOutbox"/> commits first and then publishes, with the same guarantee.
/// </remarks>
public interface ITransactionalOutbox
{
    /// <summary>
    /// Runs <paramref name="operations"/> as one state transaction and, if it commits, publishes
    /// <paramref name="messages"/>.
    /// </summary>
    /// <returns>The envelopes that will be published (ids as consumers will see them), or null when an ETag
    /// condition failed and nothing was written or will be published.</returns>
    Task<IReadOnlyList<CloudEvent>?> TryExecuteAsync(
        IReadOnlyList<StateOperation> operations,
        IReadOnlyList<OutboxMessage> messages,
        CancellationToken cancellationToken = default);
}

/// <summary>An event to publish through the outbox.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Data">The payload as JSON.</param>
public sealed record OutboxMessage(string Topic, JsonElement Data)
{
    /// <summary>Serializes <paramref name="data"/> (System.Text.Json web defaults) for <paramref name="topic"/>.</summary>
    public static OutboxMessage Create<T>(string topic, T data)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        return new OutboxMessage(topic, JsonSerializer.SerializeToElement(data, EventJson.Options));
    }
}

/// <summary>The state marker of one outbox event.</summary>
/// <param name="EventId">The event's id.</param>
/// <param name="Abandoned">True for a tombstone: the transaction was refused and the event must not be published.</param>
public sealed record OutboxMarker(string EventId, bool Abandoned = false)
{
    /// <summary>Key prefix of the markers.</summary>
    public const string KeyPrefix = "outbox||";

    /// <summary>The state key of the marker of an event.</summary>
    public static string KeyOf(string eventId)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        return KeyPrefix + eventId;
    }
}

/// <summary>What the outbox topic carries: the events to publish once their markers exist.</summary>
/// <param name="Events">The envelopes, ids fixed.</param>
/// <param name="NotAfter">Unix milliseconds after which a missing marker means the transaction never committed.</param>
public sealed record OutboxIntent(IReadOnlyList<CloudEvent> Events, long NotAfter);
