using Broker.Hosting.State;
using Broker.Hosting.State.Sqlite;
using Microsoft.Data.Sqlite;

namespace Broker.Hosting.Tests;

/// <summary>
/// What every <see cref="IStateStore"/> adapter must do (the SQLite adapter here, the Dapr adapter against the
/// stand-in sidecar in <see cref="DaprStateStoreAgainstStandInSidecarTests"/>): ETag checks, first-write, deletes,
/// all-or-nothing transactions, optimistic updates under contention.
/// </summary>
public abstract class StateStoreConformanceTests : IDisposable
{
    private IStateStore? _storeInstance;
    private readonly Lock _storeLock = new();

    // Created on first use, so a derived class can prepare what the store needs (a sidecar) in InitializeAsync.
    private IStateStore _store
    {
        get
        {
            lock (_storeLock) return _storeInstance ??= CreateStore();
        }
    }

    protected abstract IStateStore CreateStore();

    public virtual void Dispose()
    {
        (_storeInstance as IDisposable)?.Dispose();
        GC.SuppressFinalize(this);
    }

    private sealed record Counter(int Value, string Label);

    [Fact]
    public async Task GetAsync_MissingKey_ReturnsNoValueAndNoETag()
    {
        var entry = await _store.GetAsync<Counter>("missing");
        Assert.False(entry.Exists);
        Assert.Null(entry.Value);
        Assert.Null(entry.ETag);
    }

    [Fact]
    public async Task SaveAsync_ThenGet_RoundTripsValueWithETag()
    {
        await _store.SaveAsync("k", new Counter(1, "one"));
        var entry = await _store.GetAsync<Counter>("k");
        Assert.True(entry.Exists);
        Assert.Equal(new Counter(1, "one"), entry.Value);
        Assert.False(string.IsNullOrEmpty(entry.ETag));
    }

    [Fact]
    public async Task TrySaveAsync_StaleETag_ReturnsFalseAndKeepsValue()
    {
        await _store.SaveAsync("k", new Counter(1, "a"));
        var first = await _store.GetAsync<Counter>("k");
        Assert.True(await _store.TrySaveAsync("k", new Counter(2, "b"), first.ETag));
        Assert.False(await _store.TrySaveAsync("k", new Counter(3, "c"), first.ETag));
        var now = await _store.GetAsync<Counter>("k");
        Assert.Equal(2, now.Value!.Value);
        Assert.NotEqual(first.ETag, now.ETag);
    }

    [Fact]
    public async Task TrySaveAsync_NullETag_IsFirstWrite()
    {
        Assert.True(await _store.TrySaveAsync("fw", new Counter(1, "first"), etag: null));
        Assert.False(await _store.TrySaveAsync("fw", new Counter(2, "second"), etag: null));
        Assert.Equal("first", (await _store.GetAsync<Counter>("fw")).Value!.Label);
    }

    [Fact]
    public async Task TrySaveAsync_ETagOnMissingKey_ReturnsFalse()
    {
        await _store.SaveAsync("other", new Counter(1, "x"));
        var etag = (await _store.GetAsync<Counter>("other")).ETag!;
        Assert.False(await _store.TrySaveAsync("absent", new Counter(1, "x"), etag));
        Assert.False((await _store.GetAsync<Counter>("absent")).Exists);
    }

    [Fact]
    public async Task TryDeleteAsync_WrongETag_ReturnsFalse_RightETag_Deletes()
    {
        await _store.SaveAsync("d", new Counter(1, "x"));
        var old = (await _store.GetAsync<Counter>("d")).ETag!;
        await _store.SaveAsync("d", new Counter(2, "y"));
        Assert.False(await _store.TryDeleteAsync("d", old));
        var current = (await _store.GetAsync<Counter>("d")).ETag!;
        Assert.True(await _store.TryDeleteAsync("d", current));
        Assert.False((await _store.GetAsync<Counter>("d")).Exists);
        Assert.False(await _store.TryDeleteAsync("d", current));
    }

    [Fact]
    public async Task ETag_OfDeletedKey_NeverMatchesTheKeyCreatedAgain()
    {
        await _store.SaveAsync("aba", new Counter(1, "x"));
        var before = (await _store.GetAsync<Counter>("aba")).ETag!;
        await _store.DeleteAsync("aba");
        await _store.SaveAsync("aba", new Counter(2, "y"));
        Assert.False(await _store.TrySaveAsync("aba", new Counter(3, "z"), before));
    }

    [Fact]
    public async Task TryExecuteTransactionAsync_OneETagMismatch_AppliesNothing()
    {
        await _store.SaveAsync("a", new Counter(1, "a"));
        await _store.SaveAsync("b", new Counter(1, "b"));
        var a = await _store.GetAsync<Counter>("a");
        var ok = await _store.TryExecuteTransactionAsync(
        [
            StateOperation.TryUpsert("a", new Counter(2, "a"), a.ETag),
            StateOperation.Upsert("c", new Counter(1, "c")),
            StateOperation.Delete("d"),
            StateOperation.TryUpsert("b", new Counter(9, "b"), etag: null), // b exists: first write fails
        ]);
        Assert.False(ok);
        Assert.Equal(1, (await _store.GetAsync<Counter>("a")).Value!.Value);
        Assert.Equal(a.ETag, (await _store.GetAsync<Counter>("a")).ETag);
        Assert.Equal(1, (await _store.GetAsync<Counter>("b")).Value!.Value);
        Assert.False((await _store.GetAsync<Counter>("c")).Exists);
    }

    [Fact]
    public async Task TryExecuteTransactionAsync_AllChecksPass_AppliesEverything()
    {
        await _store.SaveAsync("a", new Counter(1, "a"));
        await _store.SaveAsync("b", new Counter(1, "b"));
        var a = await _store.GetAsync<Counter>("a");
        var b = await _store.GetAsync<Counter>("b");
        Assert.True(await _store.TryExecuteTransactionAsync(
        [
            StateOperation.TryUpsert("a", new Counter(2, "a"), a.ETag),
            StateOperation.TryDelete("b", b.ETag!),
            StateOperation.TryUpsert("c", new Counter(1, "c"), etag: null),
        ]));
        Assert.Equal(2, (await _store.GetAsync<Counter>("a")).Value!.Value);
        Assert.False((await _store.GetAsync<Counter>("b")).Exists);
        Assert.True((await _store.GetAsync<Counter>("c")).Exists);
    }

    [Fact]
    public async Task TrySaveAsync_MalformedETag_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _store.TrySaveAsync("k", new Counter(1, "x"), "not-an-etag"));
    }

    [Fact]
    public async Task UpdateAsync_ConcurrentWriters_LoseNoIncrement()
    {
        const int writers = 6, increments = 15;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < increments; i++)
            {
                await _store.UpdateAsync<Counter>("counter", e => new Counter((e.Value?.Value ?? 0) + 1, "n"), maxAttempts: 1000);
            }
        })));
        Assert.Equal(writers * increments, (await _store.GetAsync<Counter>("counter")).Value!.Value);
    }

    [Fact]
    public async Task ConcurrentFirstWrites_SameKey_ExactlyOneWins()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => _store.TrySaveAsync("first", new Counter(i, "w"), null))));

        Assert.Single(results, r => r);
        var winner = (await _store.GetAsync<Counter>("first")).Value!;
        Assert.True(results[winner.Value]);
    }

    [Fact]
    public async Task ConcurrentTransactions_SomeConditionsFail_EachAllOrNothingOnItsOwn()
    {
        await _store.SaveAsync("guard", new Counter(0, "g"));
        var guard = (await _store.GetAsync<Counter>("guard")).ETag!;

        // Even-numbered transactions carry the right ETag for a key of their own, odd ones a stale one; all write a
        // marker key too. Committed together or not, each transaction stands or falls alone.
        var keys = new Dictionary<int, string>();
        for (var i = 0; i < 30; i++)
        {
            await _store.SaveAsync($"tx:{i}", new Counter(i, "before"));
            keys[i] = (await _store.GetAsync<Counter>($"tx:{i}")).ETag!;
        }
        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(() => _store.TryExecuteTransactionAsync(
        [
            StateOperation.TryUpsert($"tx:{i}", new Counter(i, "after"), i % 2 == 0 ? keys[i] : guard),
            StateOperation.Upsert($"marker:{i}", new Counter(i, "m")),
        ]))));

        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(i % 2 == 0, results[i]);
            Assert.Equal(i % 2 == 0 ? "after" : "before", (await _store.GetAsync<Counter>($"tx:{i}")).Value!.Label);
            Assert.Equal(i % 2 == 0, (await _store.GetAsync<Counter>($"marker:{i}")).Exists);
        }
    }

    [Fact]
    public async Task ConcurrentSaves_EachWriteGetsAnETagOfItsOwn()
    {
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => _store.SaveAsync($"own:{i}", new Counter(i, "o")))));

        var etags = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i => (await _store.GetAsync<Counter>($"own:{i}")).ETag));
        Assert.Equal(40, etags.Distinct().Count());
    }

    [Fact]
    public async Task UpdateAsync_UpdateThrows_WritesNothing()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _store.UpdateAsync<Counter>("nothing", _ => throw new InvalidOperationException("refused")));
        Assert.False((await _store.GetAsync<Counter>("nothing")).Exists);
    }
}

public sealed class SqliteFileStateStoreTests : StateStoreConformanceTests
{
    private string? _path;

    protected override IStateStore CreateStore()
    {
        _path = Path.Combine(Path.GetTempPath(), $"broker-state-{Guid.NewGuid():N}.db");
        return new SqliteStateStore(SqliteStateStore.FileConnectionString(_path));
    }

    public override void Dispose()
    {
        base.Dispose();
        SqliteConnection.ClearAllPools();
        if (_path is null) return;
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
    }

    [Fact]
    public async Task Values_SurviveANewStoreOnTheSameFile()
    {
        await WithDatabaseFileAsync(async path =>
        {
            using (var first = new SqliteStateStore(SqliteStateStore.FileConnectionString(path)))
            {
                await first.SaveAsync("persisted", 42);
            }
            using var second = new SqliteStateStore(SqliteStateStore.FileConnectionString(path));
            var entry = await second.GetAsync<int>("persisted");
            Assert.Equal(42, entry.Value);
            Assert.True(await second.TrySaveAsync("persisted", 43, entry.ETag));
        });
    }

    [Fact]
    public async Task Values_StoredAsTextByEarlierVersions_AreReadAndOverwritten()
    {
        await WithDatabaseFileAsync(async path =>
        {
            using (var first = new SqliteStateStore(SqliteStateStore.FileConnectionString(path)))
            {
                await first.SaveAsync("old", new Sample("placeholder", 0));
            }
            // Earlier versions bound the JSON as a string (TEXT); this one writes UTF-8 bytes (BLOB).
            using (var connection = new SqliteConnection(SqliteStateStore.FileConnectionString(path)))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "UPDATE state SET value = $value WHERE key = 'old'";
                command.Parameters.AddWithValue("$value", "{\"name\":\"caf\u00e9 \u2713\",\"count\":7}");
                command.ExecuteNonQuery();
                command.CommandText = "SELECT typeof(value) FROM state WHERE key = 'old'";
                Assert.Equal("text", command.ExecuteScalar());
            }
            using var second = new SqliteStateStore(SqliteStateStore.FileConnectionString(path));
            var entry = await second.GetAsync<Sample>("old");
            Assert.Equal(new Sample("café ✓", 7), entry.Value);
            Assert.True(await second.TrySaveAsync("old", entry.Value! with { Count = 8 }, entry.ETag));
            Assert.Equal(new Sample("café ✓", 8), (await second.GetAsync<Sample>("old")).Value);
        });
    }

    [Fact]
    public async Task GetAsync_ManyConcurrentReads_EachSeesItsValue_ThenDisposedStoreRefuses()
    {
        await WithDatabaseFileAsync(async path =>
        {
            var store = new SqliteStateStore(SqliteStateStore.FileConnectionString(path));
            for (var i = 0; i < 40; i++)
            {
                await store.SaveAsync($"k{i}", i);
            }
            // More reads at once than pooled read connections (8): the extra ones open and close their own.
            var values = await Task.WhenAll(Enumerable.Range(0, 400).Select(i => Task.Run(async () => (await store.GetAsync<int>($"k{i % 40}")).Value)));
            Assert.Equal(Enumerable.Range(0, 400).Select(i => i % 40), values);
            store.Dispose();
            await Assert.ThrowsAsync<ObjectDisposedException>(() => store.GetAsync<int>("k1"));
        });
    }

    private sealed record Sample(string Name, int Count);

    /// <summary>Runs <paramref name="test"/> with a fresh database file path, then deletes the file and its WAL files.</summary>
    private static async Task WithDatabaseFileAsync(Func<string, Task> test)
    {
        var path = Path.Combine(Path.GetTempPath(), $"broker-state-{Guid.NewGuid():N}.db");
        try
        {
            await test(path);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(path + suffix);
        }
    }
}

public sealed class SqliteInMemoryStateStoreTests : StateStoreConformanceTests
{
    protected override IStateStore CreateStore() =>
        new SqliteStateStore($"Data Source=broker-{Guid.NewGuid():N};Mode=Memory;Cache=Shared");
}

/// <summary>The same contract with <c>State:Sqlite:Synchronous = Normal</c> (fsync at checkpoints only).</summary>
public sealed class SqliteFileNormalSynchronousStateStoreTests : StateStoreConformanceTests
{
    private string? _path;

    protected override IStateStore CreateStore()
    {
        _path = Path.Combine(Path.GetTempPath(), $"broker-state-{Guid.NewGuid():N}.db");
        return new SqliteStateStore(SqliteStateStore.FileConnectionString(_path), synchronous: SqliteSynchronous.Normal);
    }

    public override void Dispose()
    {
        base.Dispose();
        SqliteConnection.ClearAllPools();
        if (_path is null) return;
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
    }

    [Fact]
    public void Synchronous_DefaultsToFull_AndRejectsUnknownLevels()
    {
        Assert.Equal(SqliteSynchronous.Full, new SqliteStateStoreOptions().Synchronous);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SqliteStateStore("Data Source=x;Mode=Memory;Cache=Shared", synchronous: (SqliteSynchronous)0));
    }
}
