using System.Collections.Concurrent;

namespace Starknet.Internal;

/// <summary>
/// A thread-safe memo of a pure function's results with a hard bound: when <c>capacity</c> entries are held, the next
/// insertion starts the cache over. For values that repeat (a session's Merkle leaves and paths, the message of a
/// transaction checked twice), where a hit saves Poseidon permutations and a miss costs one dictionary insertion; and
/// for short-lived copies of stored records, which <see cref="Set"/> replaces and <see cref="Remove"/> drops. Only for
/// public data: lookups take time that depends on the key.
/// </summary>
/// <typeparam name="TKey">The function's arguments, compared in full.</typeparam>
/// <typeparam name="TValue">Its result.</typeparam>
internal sealed class BoundedCache<TKey, TValue>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, TValue> _entries;
    private readonly int _capacity;
    private int _count;

    /// <param name="capacity">Entries held at most.</param>
    /// <param name="comparer">Key equality, the default when null.</param>
    public BoundedCache(int capacity, IEqualityComparer<TKey>? comparer = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
        _entries = new ConcurrentDictionary<TKey, TValue>(comparer);
    }

    /// <summary>Entries currently held.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The remembered result for <paramref name="key"/>, if any.</summary>
    public bool TryGet(TKey key, out TValue value) => _entries.TryGetValue(key, out value!);

    /// <summary>Remembers <paramref name="value"/> for <paramref name="key"/> (a present key keeps its value).</summary>
    public void Add(TKey key, TValue value)
    {
        StartOverWhenFull();
        if (_entries.TryAdd(key, value))
        {
            Interlocked.Increment(ref _count);
        }
    }

    /// <summary>Remembers <paramref name="value"/> for <paramref name="key"/>, replacing a present value.</summary>
    public void Set(TKey key, TValue value)
    {
        StartOverWhenFull();
        var added = false;
        _entries.AddOrUpdate(key, _ => { added = true; return value; }, (_, _) => { added = false; return value; });
        if (added)
        {
            Interlocked.Increment(ref _count);
        }
    }

    /// <summary>Forgets <paramref name="key"/>.</summary>
    public void Remove(TKey key)
    {
        if (_entries.TryRemove(key, out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    private void StartOverWhenFull()
    {
        if (Volatile.Read(ref _count) >= _capacity)
        {
            lock (_entries)
            {
                if (_count >= _capacity)
                {
                    _entries.Clear();
                    Volatile.Write(ref _count, 0);
                }
            }
        }
    }
}
