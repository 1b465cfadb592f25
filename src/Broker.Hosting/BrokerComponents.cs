using System.Text;

namespace Broker.Hosting;

/// <summary>
/// Names of the state store, the pub/sub component, the topics and the Dapr app ids, in one place. They match
/// <c>dapr/components/*.yaml</c> and <c>docker-compose.yml</c>; tests/Deployment.Tests fails when they drift apart.
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

        /// <summary>A request the TxRelayer accepted changed status (payload <see cref="Events.TransactionStatusEvent"/>).</summary>
        public const string TransactionStatus = "transaction-status";

        /// <summary>Events that exhausted their delivery attempts end up here (Dapr <c>deadLetterTopic</c>).</summary>
        public const string DeadLetter = "dead-letter";

        /// <summary>
        /// Dead letters the dead-letter recorder itself could not take (the <c>deadLetterTopic</c> of the declarative
        /// subscription in <c>dapr/components/subscription-dead-letter.yaml</c>); nobody consumes it, so they stay
        /// in the broker's stream for inspection.
        /// </summary>
        public const string DeadLetterParked = "dead-letter-parked";

        /// <summary>
        /// The internal topic of one service's transactional outbox (<see cref="Outbox.ITransactionalOutbox"/>): only
        /// that service publishes and consumes it, because the markers it checks live in its own state.
        /// </summary>
        public static string Outbox(string appId)
        {
            ArgumentException.ThrowIfNullOrEmpty(appId);
            return $"outbox-{appId}";
        }
    }

    /// <summary>The Dapr app ids of the services (daprd <c>--app-id</c> in docker-compose).</summary>
    public static class AppIds
    {
        /// <summary>SessionBroker.</summary>
        public const string SessionBroker = "session-broker";

        /// <summary>GuardianSigner.</summary>
        public const string GuardianSigner = "guardian-signer";

        /// <summary>TxRelayer.</summary>
        public const string TxRelayer = "tx-relayer";

        /// <summary>The devnet (its sidecar only serves service invocation: the node URL goes through it).</summary>
        public const string Devnet = "devnet";

        /// <summary>All of them.</summary>
        public static IReadOnlyList<string> All { get; } = [SessionBroker, GuardianSigner, TxRelayer, Devnet];
    }

    /// <summary>HTTP routes of the Dapr app API that Broker.Hosting maps in Dapr mode.</summary>
    public static class Routes
    {
        /// <summary>Prefix of the routes events of a topic are delivered to: <c>/dapr/events/&lt;topic&gt;</c>.</summary>
        public const string EventsPrefix = "/dapr/events";

        /// <summary>Route of the dead-letter recorder (the declarative subscription's <c>routes.default</c>).</summary>
        public const string DeadLetter = "/dapr/dead-letter";

        /// <summary>The route events of <paramref name="topic"/> are delivered to.</summary>
        public static string Events(string topic) => $"{EventsPrefix}/{topic}";
    }

    /// <summary>True for a valid app id: 1 to 64 characters among lower-case letters, digits and dashes.</summary>
    public static bool IsValidAppId(string? appId) =>
        !string.IsNullOrEmpty(appId) && appId.Length <= 64 && appId.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');

    /// <summary>The default app id of an application name: kebab case (<c>SessionBroker</c> → <c>session-broker</c>).</summary>
    public static string AppIdOf(string applicationName)
    {
        ArgumentException.ThrowIfNullOrEmpty(applicationName);
        var id = new StringBuilder(applicationName.Length + 4);
        for (var i = 0; i < applicationName.Length; i++)
        {
            var c = applicationName[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && id.Length > 0 && id[^1] != '-') id.Append('-');
                id.Append(char.ToLowerInvariant(c));
            }
            else if (char.IsLetterOrDigit(c))
            {
                id.Append(c);
            }
            else if (id.Length > 0 && id[^1] != '-')
            {
                id.Append('-');
            }
        }
        return id.ToString().Trim('-');
    }
}
