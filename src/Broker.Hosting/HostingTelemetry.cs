using System.Diagnostics;

namespace Broker.Hosting;

/// <summary>The ActivitySource names <see cref="ServiceDefaultsExtensions.AddServiceDefaults"/> registers.</summary>
public static class HostingTelemetry
{
    /// <summary>Spans of Broker.Hosting itself (event deliveries).</summary>
    public const string ActivitySourceName = "Broker.Hosting";

    /// <summary>Spans of the Starknet JSON-RPC client in src/Starknet.</summary>
    public const string StarknetRpcActivitySourceName = "Starknet.Rpc";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName);
}
