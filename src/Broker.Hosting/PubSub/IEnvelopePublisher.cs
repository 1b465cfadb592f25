namespace Broker.Hosting.PubSub;

/// <summary>
/// Publishes a CloudEvent that is already built, keeping its id, so that a republication (the outbox relay, a
/// replay) is recognised by consumers deduplicating on <see cref="CloudEvent.Id"/>. Implemented by both pub/sub
/// adapters next to <see cref="IEventPublisher"/>.
/// </summary>
public interface IEnvelopePublisher
{
    /// <summary>Publishes <paramref name="cloudEvent"/> to its <see cref="CloudEvent.Topic"/>.</summary>
    Task PublishEnvelopeAsync(CloudEvent cloudEvent, CancellationToken cancellationToken = default);
}
