namespace Broker.Hosting.Components;

/// <summary>Who this service is to its components: its Dapr app id and the mode chosen at startup.</summary>
/// <param name="AppId">The Dapr app id (also the CloudEvents source and the outbox topic suffix).</param>
/// <param name="Mode">Embedded or Dapr.</param>
public sealed record BrokerAppIdentity(string AppId, ComponentsMode Mode);
