using Starknet.Internal;
using Xunit;

namespace Starknet.Tests;

public class BoundedCacheTests
{
    [Fact]
    public void Add_UpToCapacity_KeepsEveryEntry()
    {
        var cache = new BoundedCache<int, string>(4);
        for (var i = 0; i < 4; i++)
        {
            cache.Add(i, $"v{i}");
        }
        Assert.Equal(4, cache.Count);
        for (var i = 0; i < 4; i++)
        {
            Assert.True(cache.TryGet(i, out var value));
            Assert.Equal($"v{i}", value);
        }
        Assert.False(cache.TryGet(4, out _));
    }

    [Fact]
    public void Add_PastCapacity_StartsOverAndStaysBounded()
    {
        var cache = new BoundedCache<int, int>(8);
        for (var i = 0; i < 1000; i++)
        {
            cache.Add(i, i * i);
            Assert.InRange(cache.Count, 1, 8);
            Assert.True(cache.TryGet(i, out var value));
            Assert.Equal(i * i, value);
        }
        // 1000 = 8·124 + 8: the last start-over came at key 992, which holds 992..999.
        Assert.False(cache.TryGet(991, out _));
        Assert.True(cache.TryGet(992, out _));
    }

    [Fact]
    public void Add_PresentKey_KeepsFirstValueAndCount()
    {
        var cache = new BoundedCache<string, int>(4, StringComparer.OrdinalIgnoreCase);
        cache.Add("a", 1);
        cache.Add("A", 2);
        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet("a", out var value));
        Assert.Equal(1, value);
    }

    [Fact]
    public void SetAndRemove_ReplaceAndDropEntries_CountFollows()
    {
        var cache = new BoundedCache<string, int>(4, StringComparer.Ordinal);
        cache.Set("a", 1);
        cache.Set("a", 2);
        cache.Set("b", 3);
        Assert.Equal(2, cache.Count);
        Assert.True(cache.TryGet("a", out var value));
        Assert.Equal(2, value);

        cache.Remove("a");
        cache.Remove("missing");
        Assert.Equal(1, cache.Count);
        Assert.False(cache.TryGet("a", out _));
        Assert.True(cache.TryGet("b", out _));

        for (var i = 0; i < 10; i++)
        {
            cache.Set($"k{i}", i);
            Assert.InRange(cache.Count, 1, 4);
        }
    }

    [Fact]
    public async Task Add_FromManyThreads_NeverExceedsCapacity()
    {
        var cache = new BoundedCache<int, int>(64);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                var key = t * 100_000 + i;
                cache.Add(key, key);
                if (cache.TryGet(key, out var value))
                {
                    Assert.Equal(key, value);
                }
            }
        })));
        // A start-over and concurrent insertions can briefly overshoot by the number of racing writers, never more.
        Assert.InRange(cache.Count, 0, 64 + 4);
    }
}
