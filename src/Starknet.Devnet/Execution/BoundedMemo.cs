namespace Starknet.Devnet.Execution;

/// <summary>
/// A bounded memo of results that depend on their key only (signature checks, hashes), one per
/// <see cref="DevnetState"/>. Two generations: entries go into the current one until its cost reaches the capacity, then
/// it becomes the previous one and the older one is dropped, so at most twice the capacity is held. A hit in the previous
/// generation moves the entry forward, so values used again and again (a session's authorization) stay. It has a lock of
/// its own, so it can be used with or without the state lock held.
/// </summary>
internal sealed class BoundedMemo<TKey, TValue>
    where TKey : notnull
{
    private readonly Lock _lock = new();
    private readonly long _capacity;
    private readonly IEqualityComparer<TKey>? _comparer;
    private Dictionary<TKey, Entry> _current;
    private Dictionary<TKey, Entry> _previous;
    private long _currentCost;

    /// <param name="capacity">The cost one generation may hold (with a cost of 1 per entry: the number of entries).</param>
    /// <param name="comparer">Key equality; the default comparer when null.</param>
    public BoundedMemo(long capacity, IEqualityComparer<TKey>? comparer = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _comparer = comparer;
        _current = new Dictionary<TKey, Entry>(comparer);
        _previous = new Dictionary<TKey, Entry>(comparer);
    }

    /// <summary>Entries held, both generations.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _current.Count + _previous.Count;
            }
        }
    }

    public bool TryGet(TKey key, out TValue value)
    {
        lock (_lock)
        {
            if (_current.TryGetValue(key, out var entry))
            {
                value = entry.Value;
                return true;
            }
            if (_previous.Remove(key, out entry))
            {
                AddLocked(key, entry);
                value = entry.Value;
                return true;
            }
        }
        value = default!;
        return false;
    }

    /// <summary>Remembers <paramref name="value"/> for <paramref name="key"/> (replacing an equal key's value).</summary>
    public void Add(TKey key, TValue value, long cost = 1)
    {
        lock (_lock)
        {
            AddLocked(key, new Entry(value, cost));
        }
    }

    private void AddLocked(TKey key, Entry entry)
    {
        if (_current.Remove(key, out var old))
        {
            _currentCost -= old.Cost;
        }
        if (_currentCost + entry.Cost > _capacity && _current.Count > 0)
        {
            _previous = _current;
            _current = new Dictionary<TKey, Entry>(_comparer);
            _currentCost = 0;
        }
        _previous.Remove(key);
        _current[key] = entry;
        _currentCost += entry.Cost;
    }

    private readonly record struct Entry(TValue Value, long Cost);
}
