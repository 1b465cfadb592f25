namespace Starknet.Devnet.Tests.Support;

/// <summary>
/// A clock the test sets by hand. Timers fire synchronously, on the thread that moves the clock forward, for every due
/// time passed (so one <see cref="Advance"/> over two periods fires a periodic timer twice). Moving the clock back fires
/// nothing.
/// </summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now = start;

    public ManualTimeProvider(ulong unixSeconds)
        : this(DateTimeOffset.FromUnixTimeSeconds(checked((long)unixSeconds)))
    {
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public void SetUnixSeconds(ulong seconds) => Set(DateTimeOffset.FromUnixTimeSeconds(checked((long)seconds)));

    public void Advance(TimeSpan by) => Set(GetUtcNow() + by);

    public void Set(DateTimeOffset value)
    {
        lock (_lock)
        {
            _now = value;
        }
        FireDue();
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private void FireDue()
    {
        while (true)
        {
            ManualTimer? due;
            lock (_lock)
            {
                due = _timers.Where(t => t.DueAt <= _now).OrderBy(t => t.DueAt).FirstOrDefault();
                if (due is null)
                {
                    return;
                }
                due.Reschedule();
            }
            due.Fire();
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period;

        public DateTimeOffset DueAt { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._lock)
            {
                owner._timers.Remove(this);
                _period = period;
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    DueAt = owner._now + dueTime;
                    owner._timers.Add(this);
                }
            }
            owner.FireDue();
            return true;
        }

        /// <summary>Called under the owner's lock when the timer fires.</summary>
        public void Reschedule()
        {
            if (_period > TimeSpan.Zero && _period != Timeout.InfiniteTimeSpan)
            {
                DueAt += _period;
            }
            else
            {
                owner._timers.Remove(this);
            }
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
