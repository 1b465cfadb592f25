using Microsoft.Extensions.Logging;

namespace Starknet.Devnet.Hosting;

/// <summary>
/// What the HTTP endpoint and the block producer share: the current <see cref="DevnetState"/> (replaced by
/// <see cref="Reset"/>), the fault injector, the clock and the block timer of interval mode.
/// </summary>
internal sealed class DevnetNode : IDisposable
{
    private readonly ILogger _logger;
    private readonly Lock _timerLock = new();
    private volatile DevnetState _state;
    private ITimer? _timer;

    public DevnetNode(DevnetOptions options, DevnetGenesis genesis, TimeProvider time, ILogger logger)
    {
        Options = options;
        Time = time;
        _logger = logger;
        Faults = new FaultInjector(options.Faults);
        _state = new DevnetState(genesis, options, time, Faults, logger);
    }

    public DevnetOptions Options { get; }

    public TimeProvider Time { get; }

    public FaultInjector Faults { get; }

    public DevnetState State => _state;

    /// <summary>Starts the block timer when the chain is in interval mode.</summary>
    public void Start() => RestartTimer();

    /// <summary>Replaces the whole chain with a new one from <paramref name="genesis"/> (same endpoint, same faults).</summary>
    public void Reset(DevnetGenesis genesis)
    {
        _state = new DevnetState(genesis, Options, Time, Faults, _logger);
        RestartTimer();
        Log.StateReset(_logger, _state.ChainId.ToString());
    }

    public void Dispose()
    {
        lock (_timerLock)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void RestartTimer()
    {
        lock (_timerLock)
        {
            _timer?.Dispose();
            _timer = null;
            var period = _state.BlockTime;
            if (period > TimeSpan.Zero)
            {
                _timer = Time.CreateTimer(static s => ((DevnetNode)s!).Tick(), this, period, period);
            }
        }
    }

    private void Tick()
    {
        try
        {
            _state.ProduceBlock();
        }
        catch (Exception ex)
        {
            // A timer callback must not throw; the next tick tries again.
            Log.BlockProducerFailed(_logger, ex);
        }
    }
}
