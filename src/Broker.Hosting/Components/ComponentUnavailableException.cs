namespace Broker.Hosting;

/// <summary>
/// A state store or pub/sub component could not do what was asked (the Dapr sidecar is unreachable, or the store
/// behind it failed). The sidecar's own error (usually a <c>Dapr.DaprException</c> wrapping an
/// <c>RpcException</c>) is kept as <see cref="Exception.InnerException"/>. Expected outcomes such as an ETag
/// mismatch never raise it. gRPC calls that fail with it answer UNAVAILABLE.
/// </summary>
public sealed class ComponentUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ComponentUnavailableException(string componentName, string operation, Exception? innerException)
        : base($"Component '{componentName}' failed during {operation}.", innerException)
    {
        ComponentName = componentName;
        Operation = operation;
    }

    /// <summary>The component (<see cref="BrokerComponents.StateStore"/> or <see cref="BrokerComponents.PubSub"/>).</summary>
    public string ComponentName { get; }

    /// <summary>What was being done, e.g. <c>GetState session:0x1</c> or <c>PublishEvent session-revoked</c>.</summary>
    public string Operation { get; }
}
