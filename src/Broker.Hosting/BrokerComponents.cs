namespace Broker.Hosting;

/// <summary>
/// Names of the state store, the pub/sub component and the topics, in one place. They match the component
/// names in <c>dapr/components/*.yaml</c> so the Dapr adapter (its own issue) can use them as they are.
/// </summary>
public static class BrokerComponents
{
    /// <summary>Name of the state store component (Dapr <c>metadata.name</c> of the state component).</summary>
    public const string StateStore = "statestore";

    /// <summary>Name of the pub/sub component (Dapr <c>metadata.name</c> of the pub/sub component).</summary>
    public const string PubSub = "pubsub";

    /// <summary>Topics the services publish to.</summary>
    public static class Topics
    {
        /// <summary>A session was registered (payload <see cref="Events.SessionRegisteredEvent"/>).</summary>
        public const string SessionRegistered = "session-registered";

        /// <summary>A session was revoked, off-chain or on-chain (payload <see cref="Events.SessionRevokedEvent"/>).</summary>
        public const string SessionRevoked = "session-revoked";

        /// <summary>Events that exhausted their delivery attempts end up here (Dapr <c>deadLetterTopic</c>).</summary>
        public const string DeadLetter = "dead-letter";
    }
}
