namespace Broker.Hosting.PubSub;

/// <summary>What a handler tells the delivery machinery (Dapr <c>TopicResponseAction</c>).</summary>
public enum EventHandlingResult
{
    /// <summary>Handled (or already handled before): don't deliver again.</summary>
    Success,

    /// <summary>Transient failure: deliver again later; after the last attempt the event goes to the dead-letter topic.</summary>
    Retry,

    /// <summary>Can never be handled (e.g. malformed): discard without dead-lettering.</summary>
    Drop,
}

/// <summary>
/// Handles events of one topic. Registered with <see cref="PubSubServiceCollectionExtensions.AddEventHandler{THandler}"/>;
/// resolved from a fresh DI scope per delivery. An exception counts as <see cref="EventHandlingResult.Retry"/>.
/// Delivery is at least once, so the same <see cref="CloudEvent.Id"/> can arrive more than once: use
/// <see cref="IdempotentTopicHandler{T}"/> or <see cref="ProcessedEventLog"/>.
/// </summary>
public interface ITopicHandler
{
    /// <summary>Handles one delivery.</summary>
    Task<EventHandlingResult> HandleAsync(CloudEvent cloudEvent, CancellationToken cancellationToken);
}

/// <summary>A subscription of a handler type to a topic (Dapr: a declarative or programmatic subscription).</summary>
/// <param name="PubSubName">The pub/sub component.</param>
/// <param name="Topic">The topic.</param>
/// <param name="HandlerType">A type implementing <see cref="ITopicHandler"/>.</param>
/// <param name="DeadLetterTopic">Where events go after the last failed attempt, or null to only keep them in the dead-letter list.</param>
public sealed record EventSubscription(string PubSubName, string Topic, Type HandlerType, string? DeadLetterTopic);
