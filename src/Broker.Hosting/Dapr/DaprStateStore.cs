using System.Text.Json;
using Broker.Hosting.State;
using DaprException = Dapr.DaprException;
using Dapr.Client;
using Grpc.Core;

namespace Broker.Hosting.Dapr;

/// <summary>
/// <see cref="IStateStore"/> over the Dapr sidecar's state API (<c>Dapr.Client</c>, gRPC), one port call to one
/// sidecar call. Values are JSON (System.Text.Json web defaults, as the embedded store), reads and writes ask for
/// strong consistency, conditional writes use ETags with first-write concurrency.
/// </summary>
/// <remarks>
/// How daprd answers (dapr <c>pkg/api/grpc</c>): an ETag mismatch on a single save or delete is ABORTED, which
/// the SDK's <c>Try*</c> methods turn into false; a malformed ETag is INVALID_ARGUMENT (an
/// <see cref="ArgumentException"/> here); a failed transaction is INTERNAL whatever the cause. So a transaction
/// that fails is followed by a check of its conditions: if one of them no longer holds the result is false (the
/// caller reads again and retries), otherwise the sidecar or its store failed and
/// <see cref="ComponentUnavailableException"/> is thrown. Every other sidecar failure becomes that exception too,
/// with the SDK's <see cref="DaprException"/> as its inner exception.
/// </remarks>
public sealed class DaprStateStore : IStateStore
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);
    private static readonly StateOptions s_lastWrite = new() { Concurrency = ConcurrencyMode.LastWrite, Consistency = ConsistencyMode.Strong };
    private static readonly StateOptions s_firstWrite = new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };

    private readonly DaprClient _dapr;

    /// <summary>Uses <paramref name="dapr"/> to reach the state component named <paramref name="name"/>.</summary>
    public DaprStateStore(DaprClient dapr, string name = BrokerComponents.StateStore)
    {
        ArgumentNullException.ThrowIfNull(dapr);
        ArgumentException.ThrowIfNullOrEmpty(name);
        _dapr = dapr;
        Name = name;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public async Task<StateEntry<T>> GetAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        (ReadOnlyMemory<byte> data, string etag) result;
        try
        {
            result = await _dapr.GetByteStateAndETagAsync(Name, key, ConsistencyMode.Strong, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (DaprException ex)
        {
            throw Unavailable("GetState", key, ex);
        }
        // daprd answers an absent key with no data and no ETag.
        if (string.IsNullOrEmpty(result.etag))
        {
            return new StateEntry<T>(key, default, null);
        }
        return new StateEntry<T>(key, JsonSerializer.Deserialize<T>(result.data.Span, s_json), result.etag);
    }

    /// <inheritdoc />
    public async Task SaveAsync<T>(string key, T value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        try
        {
            await _dapr.SaveByteStateAsync(Name, key, Serialize(value, typeof(T)), s_lastWrite, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (DaprException ex)
        {
            throw Unavailable("SaveState", key, ex);
        }
    }

    /// <inheritdoc />
    public async Task<bool> TrySaveAsync<T>(string key, T value, string? etag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var data = Serialize(value, typeof(T));
        if (etag is not null)
        {
            try
            {
                return await _dapr.TrySaveByteStateAsync(Name, key, data, etag, s_firstWrite, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (DaprException ex) when (StatusOf(ex) == StatusCode.InvalidArgument)
            {
                throw MalformedETag(etag, ex);
            }
            catch (DaprException ex)
            {
                throw Unavailable("SaveState", key, ex);
            }
        }

        // A first write: no ETag, first-write concurrency. The SDK only maps ABORTED to false when an ETag was sent,
        // and some stores answer an existing key with another code, so a failure is checked against the key.
        try
        {
            await _dapr.SaveByteStateAsync(Name, key, data, s_firstWrite, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DaprException ex) when (StatusOf(ex) == StatusCode.Aborted)
        {
            return false;
        }
        catch (DaprException ex)
        {
            if (await ExistsAsync(key, cancellationToken).ConfigureAwait(false)) return false;
            throw Unavailable("SaveState", key, ex);
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        try
        {
            await _dapr.DeleteStateAsync(Name, key, s_lastWrite, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (DaprException ex)
        {
            throw Unavailable("DeleteState", key, ex);
        }
    }

    /// <inheritdoc />
    public async Task<bool> TryDeleteAsync(string key, string etag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentException.ThrowIfNullOrEmpty(etag);
        try
        {
            return await _dapr.TryDeleteStateAsync(Name, key, etag, s_firstWrite, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (DaprException ex) when (StatusOf(ex) == StatusCode.InvalidArgument)
        {
            throw MalformedETag(etag, ex);
        }
        catch (DaprException ex)
        {
            throw Unavailable("DeleteState", key, ex);
        }
    }

    /// <inheritdoc />
    public async Task<bool> TryExecuteTransactionAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        if (operations.Count == 0) return true;
        var requests = new List<StateTransactionRequest>(operations.Count);
        foreach (var operation in operations)
        {
            var options = operation.Concurrency == StateConcurrency.FirstWrite ? s_firstWrite : s_lastWrite;
            requests.Add(operation.Kind == StateOperationKind.Upsert
                ? new StateTransactionRequest(operation.Key, Serialize(operation.Value, operation.ValueType!), StateOperationType.Upsert, operation.ETag, options: options)
                : new StateTransactionRequest(operation.Key, null, StateOperationType.Delete, operation.ETag, options: options));
        }
        try
        {
            await _dapr.ExecuteStateTransactionAsync(Name, requests, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DaprException ex)
        {
            // daprd says INTERNAL for an ETag mismatch and for a broken store alike: tell them apart by the conditions.
            if (await AnyConditionFailsAsync(operations, cancellationToken).ConfigureAwait(false)) return false;
            throw Unavailable("ExecuteStateTransaction", $"{operations.Count} operations", ex);
        }
    }

    private async Task<bool> AnyConditionFailsAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken)
    {
        foreach (var operation in operations)
        {
            if (operation.Concurrency != StateConcurrency.FirstWrite) continue;
            var current = await ReadETagAsync(operation.Key, cancellationToken).ConfigureAwait(false);
            // A null ETag (first write) needs an absent key; any other needs the same ETag.
            if (operation.ETag != current) return true;
        }
        return false;
    }

    private async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) =>
        await ReadETagAsync(key, cancellationToken).ConfigureAwait(false) is not null;

    private async Task<string?> ReadETagAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var (_, etag) = await _dapr.GetByteStateAndETagAsync(Name, key, ConsistencyMode.Strong, cancellationToken: cancellationToken).ConfigureAwait(false);
            return string.IsNullOrEmpty(etag) ? null : etag;
        }
        catch (DaprException ex)
        {
            throw Unavailable("GetState", key, ex);
        }
    }

    private static byte[] Serialize(object? value, Type type) => JsonSerializer.SerializeToUtf8Bytes(value, type, s_json);

    private static StatusCode? StatusOf(Exception exception) =>
        exception.InnerException is RpcException rpc ? rpc.StatusCode : null;

    private static ArgumentException MalformedETag(string etag, Exception inner) =>
        new($"The ETag '{etag}' is not one the state store issued.", nameof(etag), inner);

    private ComponentUnavailableException Unavailable(string operation, string key, Exception inner) =>
        new(Name, $"{operation} {key}", inner);
}
