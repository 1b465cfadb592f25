using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace TxRelayer.Internal;

/// <summary>The relayer's ActivitySource and Meter (both "Broker.TxRelayer", registered by the service defaults' "Broker.*").</summary>
internal static class RelayerTelemetry
{
    public const string Name = "Broker.TxRelayer";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Relayer transactions sent to the node.</summary>
    public static readonly Counter<long> TransactionsSent = Meter.CreateCounter<long>("relayer.transactions.sent", "{transaction}");

    /// <summary>Outside executions per relayer transaction (1 without batching).</summary>
    public static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>("relayer.batch.size", "{outside_execution}");

    /// <summary>Requests that reached a final status, by status.</summary>
    public static readonly Counter<long> RequestsFinal = Meter.CreateCounter<long>("relayer.requests.final", "{request}");

    /// <summary>Nonce resynchronisations from the chain.</summary>
    public static readonly Counter<long> NonceResyncs = Meter.CreateCounter<long>("relayer.nonce.resyncs", "{resync}");
}
