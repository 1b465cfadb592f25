using System.Collections.Concurrent;
using Broker.Hosting.Outbox;
using Broker.Hosting.State;

namespace TxRelayer.Internal;

/// <summary>
/// The relayer's state: requests (<c>relayer:request:{id}</c>) with their payloads (<c>relayer:payload:{id}</c>),
/// signed relayer transactions (<c>relayer:tx:{hash}</c>) and an index of the requests not yet final, split into
/// <see cref="ShardCount"/> shards (<c>relayer:pending:{n}</c>) so that a restart finds every request to resume without
/// scanning.
/// </summary>
/// <remarks>
/// <para>A request is added with a first write on its key together with its index entry, in one state transaction:
/// the first of two concurrent submissions with the same id wins and the other reads the stored request. A request
/// that becomes final leaves the index in the same transaction as its final write, so the index never loses a live
/// request.</para>
/// <para>One relayer process owns its state store (one instance per store; run a second relayer with its own store
/// and its own accounts). Within the process the index shards are kept in memory, and a write holds the locks of the
/// shards of its requests (taken in ascending order) from reading their index to updating it after the commit, so no
/// ETag race arises; writes on other shards commit meanwhile (the state store groups them into one commit). Requests
/// not yet final are cached in memory as the authoritative copy.</para>
/// <para>A request's payload (its outside execution or invoke and its signature, kilobytes of hex) is written once,
/// in the request's first write; the request row, rewritten at every step, carries only its state. Rows written before
/// that split carry their payload inline: they are read as they are, and their next write stores the payload apart.
/// A final or abandoned relayer transaction is stored without its calldata (<see cref="RelayerTransaction.ForStorage"/>).
/// This halves the JSON the relayer serializes and commits per outside execution (~15 KB → ~7 KB).</para>
/// <para>Every write goes through the transactional outbox with the status events of the requests it changes, so a
/// stored change and its <c>transaction-status</c> event are never separated (issue 7): the events are published if
/// and only if the write commits.</para>
/// </remarks>
internal sealed class RelayStore(IStateStore store, ITransactionalOutbox outbox) : IDisposable
{
    public const int ShardCount = 64;
    private const string RequestPrefix = "relayer:request:";
    private const string PayloadPrefix = "relayer:payload:";
    private const string TransactionPrefix = "relayer:tx:";
    private const string ShardPrefix = "relayer:pending:";

    private readonly SemaphoreSlim[] _shardLocks = [.. Enumerable.Range(0, ShardCount).Select(_ => new SemaphoreSlim(1, 1))];
    private readonly HashSet<string>[] _shards = [.. Enumerable.Range(0, ShardCount).Select(_ => new HashSet<string>(StringComparer.Ordinal))];
    private readonly ConcurrentDictionary<string, RelayRequest> _live = new(StringComparer.Ordinal);
    // Requests read from rows that still carry their payload inline: their next write stores it apart.
    private readonly ConcurrentDictionary<string, byte> _payloadInline = new(StringComparer.Ordinal);

    // Request ids are free text; escaping keeps them from forming other keys (":" and the Dapr "||" separator).
    public static string RequestKey(string requestId) => RequestPrefix + Uri.EscapeDataString(requestId);

    public static string PayloadKey(string requestId) => PayloadPrefix + Uri.EscapeDataString(requestId);

    public static string TransactionKey(string hash) => TransactionPrefix + hash;

    private static string ShardKey(int shard) => ShardPrefix + shard.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static int ShardOf(string requestId) => (int)((uint)StableHash(requestId) % ShardCount);

    /// <summary>Reads the index; returns the ids of every request that was not final when it was last written.</summary>
    public async Task<IReadOnlyList<string>> LoadPendingAsync(CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        var locked = await LockShardsAsync(Enumerable.Range(0, ShardCount), cancellationToken).ConfigureAwait(false);
        try
        {
            for (var i = 0; i < ShardCount; i++)
            {
                var entry = await store.GetAsync<PendingShard>(ShardKey(i), cancellationToken).ConfigureAwait(false);
                _shards[i].Clear();
                foreach (var id in entry.Value?.RequestIds ?? [])
                {
                    _shards[i].Add(id);
                    ids.Add(id);
                }
            }
        }
        finally
        {
            Release(locked);
        }
        return ids;
    }

    public async Task<RelayRequest?> GetAsync(string requestId, CancellationToken cancellationToken)
    {
        if (_live.TryGetValue(requestId, out var live))
        {
            return live;
        }
        var row = (await store.GetAsync<RelayRequest>(RequestKey(requestId), cancellationToken).ConfigureAwait(false)).Value;
        if (row is null)
        {
            return null;
        }
        if (!row.PayloadApart)
        {
            _payloadInline[requestId] = 0;
            return row;
        }
        var payload = (await store.GetAsync<RelayPayload>(PayloadKey(requestId), cancellationToken).ConfigureAwait(false)).Value
            ?? throw new InvalidOperationException($"The stored request {requestId} has lost its payload ({PayloadKey(requestId)}).");
        return row.WithPayload(payload);
    }

    public async Task<RelayerTransaction?> GetTransactionAsync(string hash, CancellationToken cancellationToken) =>
        (await store.GetAsync<RelayerTransaction>(TransactionKey(hash), cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>Stores a new request with its index entry; when the id is taken, nothing is written and the stored request is returned.</summary>
    public async Task<(RelayRequest Request, bool Created)> AddAsync(RelayRequest request, IReadOnlyList<OutboxMessage> events, CancellationToken cancellationToken)
    {
        var key = RequestKey(request.RequestId);
        var shard = ShardOf(request.RequestId);
        var locked = await LockShardsAsync([shard], cancellationToken).ConfigureAwait(false);
        try
        {
            var ids = new List<string>(_shards[shard]) { request.RequestId };
            // One transaction: when the id is taken, the payload of the stored request is not touched either.
            var created = await outbox.TryExecuteAsync(
                [
                    StateOperation.TryUpsert(key, request.WithoutPayload(), etag: null),
                    StateOperation.Upsert(PayloadKey(request.RequestId), request.ToPayload()),
                    StateOperation.Upsert(ShardKey(shard), new PendingShard(ids)),
                ],
                events, cancellationToken).ConfigureAwait(false) is not null;
            if (created)
            {
                _shards[shard].Add(request.RequestId);
                _live[request.RequestId] = request;
                return (request, true);
            }
        }
        finally
        {
            Release(locked);
        }
        var existing = await GetAsync(request.RequestId, cancellationToken).ConfigureAwait(false);
        return (existing ?? throw new StateConcurrencyException(key, 1), false);
    }

    /// <summary>
    /// Writes requests (and a relayer transaction) in one state transaction; final requests leave the index in the
    /// same transaction.
    /// </summary>
    public async Task SaveAsync(IReadOnlyList<RelayRequest> requests, RelayerTransaction? transaction, IReadOnlyList<OutboxMessage> events, CancellationToken cancellationToken)
    {
        var operations = new List<StateOperation>(requests.Count + 2);
        var payloadsMoved = new List<string>();
        foreach (var request in requests)
        {
            operations.Add(StateOperation.Upsert(RequestKey(request.RequestId), request.WithoutPayload()));
            if (_payloadInline.ContainsKey(request.RequestId))
            {
                operations.Add(StateOperation.Upsert(PayloadKey(request.RequestId), request.ToPayload()));
                payloadsMoved.Add(request.RequestId);
            }
        }
        if (transaction is not null)
        {
            operations.Add(StateOperation.Upsert(TransactionKey(transaction.Hash), transaction.ForStorage()));
        }
        var locked = await LockShardsAsync(requests.Select(r => ShardOf(r.RequestId)), cancellationToken).ConfigureAwait(false);
        try
        {
            var changed = new Dictionary<int, HashSet<string>>();
            foreach (var request in requests)
            {
                var shard = ShardOf(request.RequestId);
                var inIndex = _shards[shard].Contains(request.RequestId);
                if (request.IsFinal == inIndex)
                {
                    if (!changed.TryGetValue(shard, out var ids))
                    {
                        changed[shard] = ids = new HashSet<string>(_shards[shard], StringComparer.Ordinal);
                    }
                    if (request.IsFinal)
                    {
                        ids.Remove(request.RequestId);
                    }
                    else
                    {
                        ids.Add(request.RequestId);
                    }
                }
            }
            foreach (var (shard, ids) in changed)
            {
                operations.Add(StateOperation.Upsert(ShardKey(shard), new PendingShard([.. ids])));
            }
            if (await outbox.TryExecuteAsync(operations, events, cancellationToken).ConfigureAwait(false) is null)
            {
                throw new StateConcurrencyException(operations[0].Key, 1);
            }
            foreach (var (shard, ids) in changed)
            {
                _shards[shard] = ids;
            }
            foreach (var id in payloadsMoved)
            {
                _payloadInline.TryRemove(id, out _);
            }
            foreach (var request in requests)
            {
                if (request.IsFinal)
                {
                    _live.TryRemove(request.RequestId, out _);
                }
                else
                {
                    _live[request.RequestId] = request;
                }
            }
        }
        finally
        {
            Release(locked);
        }
    }

    public Task SaveTransactionAsync(RelayerTransaction transaction, CancellationToken cancellationToken) =>
        SaveAsync([], transaction, [], cancellationToken);

    /// <summary>The in-memory copy of a live request (null when final or unknown).</summary>
    public RelayRequest? Live(string requestId) => _live.TryGetValue(requestId, out var request) ? request : null;

    /// <summary>Puts a request read at start-up into the live cache.</summary>
    public void Remember(RelayRequest request)
    {
        if (!request.IsFinal)
        {
            _live[request.RequestId] = request;
        }
    }

    public void Dispose()
    {
        foreach (var shardLock in _shardLocks)
        {
            shardLock.Dispose();
        }
    }

    /// <summary>Takes the locks of the given shards in ascending order (no deadlock between two writers); returns them.</summary>
    private async Task<int[]> LockShardsAsync(IEnumerable<int> shards, CancellationToken cancellationToken)
    {
        var ordered = shards.Distinct().Order().ToArray();
        var taken = 0;
        try
        {
            for (; taken < ordered.Length; taken++)
            {
                await _shardLocks[ordered[taken]].WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            Release(ordered.AsSpan(0, taken));
            throw;
        }
        return ordered;
    }

    private void Release(ReadOnlySpan<int> shards)
    {
        foreach (var shard in shards)
        {
            _shardLocks[shard].Release();
        }
    }

    // string.GetHashCode is randomized per process; the shard of an id must not change across restarts.
    private static int StableHash(string text)
    {
        unchecked
        {
            var hash = (int)2166136261;
            foreach (var c in text)
            {
                hash = (hash ^ c) * 16777619;
            }
            return hash;
        }
    }
}
