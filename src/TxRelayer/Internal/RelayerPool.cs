using Microsoft.Extensions.Options;
using Starknet;
using Starknet.Rpc;
using Starknet.Transactions;

namespace TxRelayer.Internal;

/// <summary>
/// The relayer accounts, one <see cref="RelayerLane"/> each. An outside execution that names a relayer account as its
/// caller goes to that account. One for any caller goes, with batching on, to the busy account whose next batch has
/// the most members and still has room, else to an idle account (so under load the batches fill up, and each
/// transaction's fixed costs, estimate, signature, submission, receipt, are shared by more executions, while a lone
/// request is sent at once by an idle account); with batching off, to the account with the shortest queue.
/// </summary>
internal sealed class RelayerPool : IDisposable
{
    private readonly RelayerLane[] _lanes;
    private readonly Dictionary<string, RelayerLane> _byAddress;
    private readonly bool _fillBatches;
    private readonly int _maxBatchSize;
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
        _fillBatches = options.Value.Batching.Enabled;
        _maxBatchSize = options.Value.Batching.MaxBatchSize;
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
        if (_fillBatches && FillingLane(start) is { } filling)
        {
            return filling;
        }
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

    private RelayerLane? FillingLane(int start)
    {
        var states = new (bool Busy, int Queued)[_lanes.Length];
        for (var i = 0; i < _lanes.Length; i++)
        {
            states[i] = (_lanes[i].Busy, _lanes[i].Queued);
        }
        var chosen = ChooseFillingLane(states, start, _maxBatchSize);
        return chosen < 0 ? null : _lanes[chosen];
    }

    /// <summary>
    /// Batch-filling routing over the lanes' states, looked at from <paramref name="start"/> on (ties go to the first
    /// seen): the busy lane with the most queued that still has room for its next batch; else an idle lane with an
    /// empty queue; else -1.
    /// </summary>
    internal static int ChooseFillingLane(IReadOnlyList<(bool Busy, int Queued)> lanes, int start, int maxBatchSize)
    {
        int filling = -1, idle = -1;
        for (var i = 0; i < lanes.Count; i++)
        {
            var index = (start + i) % lanes.Count;
            var (busy, queued) = lanes[index];
            if (busy)
            {
                if (queued < maxBatchSize && (filling < 0 || queued > lanes[filling].Queued))
                {
                    filling = index;
                }
            }
            else if (queued == 0 && idle < 0)
            {
                idle = index;
            }
        }
        return filling >= 0 ? filling : idle;
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
