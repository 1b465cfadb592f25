using System.Globalization;
using Dapr.Client.Autogen.Grpc.v1;
using Grpc.Core;

namespace Broker.DaprStandIn;

/// <summary>
/// The in-memory state store behind the stand-in sidecars, with the behaviour daprd shows over a store that honours
/// the whole state contract (as the PostgreSQL component does):
/// <list type="bullet">
/// <item>keys arrive already prefixed by the sidecar (<c>&lt;appId&gt;||key</c>);</item>
/// <item>ETags are integers from one store-wide counter, so a deleted and re-created key never gets an old ETag;</item>
/// <item>single writes: a malformed ETag is INVALID_ARGUMENT, a mismatch (or an ETag for an absent key) is ABORTED,
/// a first write (first-write concurrency, no ETag) on an existing key is ABORTED;</item>
/// <item>transactions: checked first and applied only if every check passes; any failure is INTERNAL
/// (daprd's ERR_STATE_TRANSACTION), whatever the cause.</item>
/// </list>
/// Redis, the default store in docker-compose, differs: its versions restart at 1 for a re-created key and its
/// transactions are not rolled back when one command fails (see the README section on the Dapr deployment).
/// </summary>
public sealed class StandInStateStore(string name)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _lastETag;

    /// <summary>The component name.</summary>
    public string Name { get; } = name;

    /// <summary>The stored keys, as the store holds them (with the app id prefix).</summary>
    public IReadOnlyList<string> Keys
    {
        get
        {
            lock (_lock) return [.. _entries.Keys.Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>A stored value and its ETag.</summary>
    public sealed record Entry(byte[] Value, string ETag);

    /// <summary>Reads a key (already prefixed).</summary>
    public Entry? Get(string key)
    {
        lock (_lock) return _entries.GetValueOrDefault(key);
    }

    internal abstract record Operation(string Key, string? ETag, bool FirstWrite);

    private sealed record UpsertOperation(string Key, byte[] Value, string? ETag, bool FirstWrite) : Operation(Key, ETag, FirstWrite);

    private sealed record DeleteOperation(string Key, string? ETag, bool FirstWrite) : Operation(Key, ETag, FirstWrite);

    internal static Operation Upsert(string key, StateItem item) =>
        new UpsertOperation(key, item.Value.ToByteArray(), EtagOf(item.Etag), IsFirstWrite(item.Options));

    internal static Operation Delete(string key, Etag? etag, StateOptions? options) =>
        new DeleteOperation(key, EtagOf(etag), IsFirstWrite(options));

    internal void Apply(IReadOnlyList<Operation> operations, bool transactional)
    {
        lock (_lock)
        {
            foreach (var operation in operations)
            {
                if (Check(operation) is { } failure)
                {
                    // daprd: ETag errors of a single call keep their own code; a failed transaction is INTERNAL.
                    throw transactional
                        ? new RpcException(new Status(StatusCode.Internal, $"error while executing state transaction: {failure.Message}"))
                        : new RpcException(new Status(failure.Code, failure.Message));
                }
            }
            foreach (var operation in operations)
            {
                switch (operation)
                {
                    case UpsertOperation upsert:
                        _entries[upsert.Key] = new Entry(upsert.Value, (++_lastETag).ToString(CultureInfo.InvariantCulture));
                        break;
                    case DeleteOperation delete:
                        _entries.Remove(delete.Key);
                        break;
                }
            }
        }
    }

    private (StatusCode Code, string Message)? Check(Operation operation)
    {
        _entries.TryGetValue(operation.Key, out var current);
        if (operation.ETag is { } etag)
        {
            if (!long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                return (StatusCode.InvalidArgument, $"invalid etag value: {etag}");
            }
            if (current is null || current.ETag != etag)
            {
                return (StatusCode.Aborted, $"possible etag mismatch. error from state store: key {operation.Key}");
            }
            return null;
        }
        if (operation is UpsertOperation && operation.FirstWrite && current is not null)
        {
            return (StatusCode.Aborted, $"possible etag mismatch. error from state store: key {operation.Key} already exists (first-write)");
        }
        return null;
    }

    private static string? EtagOf(Etag? etag) => etag is null || etag.Value.Length == 0 ? null : etag.Value;

    private static bool IsFirstWrite(StateOptions? options) =>
        options?.Concurrency == StateOptions.Types.StateConcurrency.ConcurrencyFirstWrite;
}
