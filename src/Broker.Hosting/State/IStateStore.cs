namespace Broker.Hosting.State;

/// <summary>
/// A key-value state store with ETag optimistic concurrency, shaped like Dapr's state API so that a Dapr adapter
/// (<see cref="Dapr.DaprStateStore"/>) maps onto it one call to one call. Values are serialized as JSON (System.Text.Json, web
/// defaults). The embedded adapter is <see cref="Sqlite.SqliteStateStore"/>.
/// </summary>
/// <remarks>
/// ETag rules, the same for every write:
/// <list type="bullet">
/// <item>a non-null ETag must equal the current one of the key (an absent key never matches);</item>
/// <item>a null ETag with <see cref="StateConcurrency.FirstWrite"/> means the key must not exist yet;</item>
/// <item>a null ETag with <see cref="StateConcurrency.LastWrite"/> writes unconditionally.</item>
/// </list>
/// An ETag is opaque: only pass back what <see cref="GetAsync{T}"/> returned. A malformed ETag throws
/// <see cref="ArgumentException"/>. A mismatch is an expected outcome and returns false, never throws.
/// </remarks>
public interface IStateStore
{
    /// <summary>The component name (<see cref="BrokerComponents.StateStore"/> by default).</summary>
    string Name { get; }

    /// <summary>Reads a key. An absent key gives <see cref="StateEntry{T}.Exists"/> false and a null ETag.</summary>
    Task<StateEntry<T>> GetAsync<T>(string key, CancellationToken cancellationToken = default);

    /// <summary>Writes unconditionally (last write wins).</summary>
    Task SaveAsync<T>(string key, T value, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes only if the ETag matches. With a null <paramref name="etag"/> the key must not exist yet (first
    /// write), so the ETag from <see cref="GetAsync{T}"/> can always be passed back as it is.
    /// </summary>
    /// <returns>False when the ETag does not match (or the key exists for a first write).</returns>
    Task<bool> TrySaveAsync<T>(string key, T value, string? etag, CancellationToken cancellationToken = default);

    /// <summary>Deletes unconditionally; deleting an absent key does nothing.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Deletes only if the ETag matches the current one.</summary>
    /// <returns>False when the key is absent or its ETag differs.</returns>
    Task<bool> TryDeleteAsync(string key, string etag, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs upserts and deletes on several keys, all or nothing. Each operation's ETag is checked as for a single
    /// write; if any check fails nothing is written and the result is false.
    /// </summary>
    Task<bool> TryExecuteTransactionAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default);
}

/// <summary>What a read found.</summary>
/// <typeparam name="T">The value type.</typeparam>
/// <param name="Key">The key read.</param>
/// <param name="Value">The value, or default when the key is absent.</param>
/// <param name="ETag">The current ETag, or null when the key is absent.</param>
public sealed record StateEntry<T>(string Key, T? Value, string? ETag)
{
    /// <summary>True when the key exists.</summary>
    public bool Exists => ETag is not null;
}

/// <summary>How a write without an ETag is treated (Dapr <c>StateOptions.Concurrency</c>).</summary>
public enum StateConcurrency
{
    /// <summary>Without an ETag the key must not exist yet. With one, it must match.</summary>
    FirstWrite,

    /// <summary>Without an ETag the write is unconditional. With one, it must match.</summary>
    LastWrite,
}

/// <summary>Kind of a transaction operation.</summary>
public enum StateOperationKind
{
    /// <summary>Insert or replace a value.</summary>
    Upsert,

    /// <summary>Remove a key.</summary>
    Delete,
}

/// <summary>One operation of <see cref="IStateStore.TryExecuteTransactionAsync"/> (Dapr <c>StateTransactionRequest</c>).</summary>
public sealed record StateOperation
{
    private StateOperation(StateOperationKind kind, string key, object? value, Type? valueType, string? etag, StateConcurrency concurrency)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        Kind = kind;
        Key = key;
        Value = value;
        ValueType = valueType;
        ETag = etag;
        Concurrency = concurrency;
    }

    /// <summary>Upsert or delete.</summary>
    public StateOperationKind Kind { get; }

    /// <summary>The key.</summary>
    public string Key { get; }

    /// <summary>The value to write (upserts only).</summary>
    public object? Value { get; }

    /// <summary>The declared type of <see cref="Value"/>, used for serialization.</summary>
    public Type? ValueType { get; }

    /// <summary>The ETag that must match, or null (see <see cref="Concurrency"/>).</summary>
    public string? ETag { get; }

    /// <summary>What a null ETag means.</summary>
    public StateConcurrency Concurrency { get; }

    /// <summary>Unconditional upsert (last write wins).</summary>
    public static StateOperation Upsert<T>(string key, T value) =>
        new(StateOperationKind.Upsert, key, value, typeof(T), null, StateConcurrency.LastWrite);

    /// <summary>Conditional upsert: the ETag must match; a null ETag means the key must not exist yet.</summary>
    public static StateOperation TryUpsert<T>(string key, T value, string? etag) =>
        new(StateOperationKind.Upsert, key, value, typeof(T), etag, StateConcurrency.FirstWrite);

    /// <summary>Unconditional delete (an absent key is fine).</summary>
    public static StateOperation Delete(string key) =>
        new(StateOperationKind.Delete, key, null, null, null, StateConcurrency.LastWrite);

    /// <summary>Conditional delete: the key must exist with this ETag.</summary>
    public static StateOperation TryDelete(string key, string etag)
    {
        ArgumentException.ThrowIfNullOrEmpty(etag);
        return new(StateOperationKind.Delete, key, null, null, etag, StateConcurrency.FirstWrite);
    }
}

/// <summary>An optimistic update kept losing the ETag race (see <see cref="StateStoreExtensions.UpdateAsync{T}"/>).</summary>
public sealed class StateConcurrencyException(string key, int attempts)
    : Exception($"State key '{key}' changed concurrently {attempts} times in a row; giving up.")
{
    /// <summary>The key that kept changing.</summary>
    public string Key { get; } = key;
}
