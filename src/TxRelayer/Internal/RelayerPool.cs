using Microsoft.Extensions.Options;
using Starknet;
using Starknet.Rpc;
using Starknet.Transactions;

namespace TxRelayer.Internal;

/// <summary>
/// The relayer accounts, one <see cref="RelayerLane"/> each. An outside execution for any caller goes to the account
/// with the shortest queue; one that names a relayer account as its caller goes to that account.
/// </summary>
internal sealed class RelayerPool : IDisposable
{
    private readonly RelayerLane[] _lanes;
    private readonly Dictionary<string, RelayerLane> _byAddress;
    private int _roundRobin;

    public RelayerPool(
        IEnumerable<RelayerKey> keys,
        StarknetRpcClient rpc,
        RelayerChain chain,
        FeePolicy fees,
        RequestUpdates updates,
        TransactionTracker tracker,
        IOptions<RelayerOptions> options,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger<RelayerLane>();
        _lanes = [.. keys.Select(k => new RelayerLane(k, rpc, chain, fees, updates, options, time, logger) { Tracker = tracker })];
        _byAddress = _lanes.ToDictionary(l => l.Address.ToString(), StringComparer.Ordinal);
        tracker.Pool = this;
        RelayerTelemetry.Track(this);
    }

    public IReadOnlyList<RelayerLane> Lanes => _lanes;

    public RelayerLane? Lane(string address) => _byAddress.GetValueOrDefault(address);

    /// <summary>The lane for an outside execution's caller, or null when the caller is none of ours.</summary>
    public RelayerLane? Route(Felt caller)
    {
        if (caller != OutsideExecution.AnyCaller)
        {
            return Lane(caller.ToString());
        }
        var start = (int)((uint)Interlocked.Increment(ref _roundRobin) % (uint)_lanes.Length);
        var best = _lanes[start];
        for (var i = 1; i < _lanes.Length; i++)
        {
            var lane = _lanes[(start + i) % _lanes.Length];
            if (lane.Queued < best.Queued)
            {
                best = lane;
            }
        }
        return best;
    }

    public void Dispose()
    {
        RelayerTelemetry.Untrack(this);
        foreach (var lane in _lanes)
        {
            lane.Key.Dispose();
        }
    }
}
