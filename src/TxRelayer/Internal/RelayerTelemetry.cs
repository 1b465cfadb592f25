using System.Collections.Concurrent;
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

    // The live pools (tests host several relayers in one process), read by the queue-depth gauge.
    private static readonly ConcurrentDictionary<RelayerPool, byte> s_pools = new();

    /// <summary>Requests waiting in each relayer account's queue, tagged with the account address.</summary>
    public static readonly ObservableGauge<int> QueueDepth = Meter.CreateObservableGauge(
        "relayer.queue.depth", ObserveQueueDepth, "{request}", "Requests waiting in the relayer accounts' queues.");

    public static void Track(RelayerPool pool) => s_pools[pool] = 0;

    public static void Untrack(RelayerPool pool) => s_pools.TryRemove(pool, out _);

    private static IEnumerable<Measurement<int>> ObserveQueueDepth()
    {
        foreach (var pool in s_pools.Keys)
        {
            foreach (var lane in pool.Lanes)
            {
                yield return new Measurement<int>(lane.Queued, new KeyValuePair<string, object?>("relayer.account", lane.Address.ToString()));
            }
        }
    }
}
