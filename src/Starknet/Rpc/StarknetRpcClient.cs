using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Starknet.Rpc.Internal;
using Starknet.Transactions;

namespace Starknet.Rpc;

/// <summary>
/// A client for a Starknet node's JSON-RPC API, spec 0.9 and 0.10 (spec §15; starkware-libs/starknet-specs). Requests are
/// written field for field as starknet.js 10.8 writes them.
/// </summary>
/// <remarks>
/// <para>
/// Errors: a JSON-RPC error object from the node throws a <see cref="StarknetRpcException"/> subclass chosen by its code
/// (for example <see cref="ValidationFailureException"/>) and is never retried. Transport failures (connection errors,
/// timeouts, HTTP 408, 429 and 5xx) are retried <see cref="StarknetRpcOptions.MaxRetries"/> times with exponential backoff
/// and jitter, honouring <c>Retry-After</c>, each attempt limited to <see cref="StarknetRpcOptions.Timeout"/>; when they
/// persist a <see cref="StarknetRpcTransportException"/> is thrown. A malformed answer throws
/// <see cref="StarknetRpcResponseException"/>. Cancelling the token stops the call at once with
/// <see cref="OperationCanceledException"/>.
/// </para>
/// <para>
/// Tracing: every call starts one client <see cref="Activity"/> named after the method on the source
/// <see cref="ActivitySourceName"/>, with the OpenTelemetry JSON-RPC tags; retries are events on it.
/// </para>
/// <para>The client is thread-safe. It does not own the <see cref="HttpClient"/> and does not dispose it.</para>
/// </remarks>
public sealed class StarknetRpcClient
{
    /// <summary>The name of the <see cref="ActivitySource"/> the client traces with; add it to the OpenTelemetry tracer.</summary>
    public const string ActivitySourceName = "Starknet.Rpc";

    private readonly RpcTransport _transport;
    private long _nextId;

    /// <summary>Creates a client that posts to <see cref="StarknetRpcOptions.Endpoint"/> through <paramref name="httpClient"/>.</summary>
    /// <param name="httpClient">
    /// The HTTP client, shared and not disposed by this class. Its <see cref="HttpClient.Timeout"/> should not be shorter
    /// than <see cref="StarknetRpcOptions.Timeout"/>; if it fires it counts as a transient timeout.
    /// </param>
    /// <param name="options">The endpoint, timeouts and retry settings.</param>
    /// <exception cref="ArgumentException">The options are invalid (the message lists every problem).</exception>
    public StarknetRpcClient(HttpClient httpClient, StarknetRpcOptions options)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid Starknet RPC options: " + string.Join(" ", errors), nameof(options));
        }
        Options = options;
        _transport = new RpcTransport(httpClient, options);
    }

    /// <summary>The settings the client was created with.</summary>
    public StarknetRpcOptions Options { get; }

    /// <summary><c>starknet_chainId</c>: the chain id, for example <c>'SN_SEPOLIA'</c> = <c>0x534e5f5345504f4c4941</c>.</summary>
    public Task<Felt> ChainIdAsync(CancellationToken cancellationToken = default) =>
        InvokeAsync<object?, Felt>("starknet_chainId", null, null, RpcJsonReader.Felt, cancellationToken);

    /// <summary><c>starknet_specVersion</c>: the JSON-RPC spec version the node implements, for example <c>0.10.0</c>.</summary>
    public Task<string> SpecVersionAsync(CancellationToken cancellationToken = default) =>
        InvokeAsync<object?, string>("starknet_specVersion", null, null,
            static r => r.ValueKind == JsonValueKind.String ? r.GetString()! : throw new FormatException($"Expected a string, found {r.ValueKind}."),
            cancellationToken);

    /// <summary><c>starknet_blockNumber</c>: the number of the latest block.</summary>
    /// <exception cref="StarknetRpcException">NO_BLOCKS (32).</exception>
    public Task<ulong> BlockNumberAsync(CancellationToken cancellationToken = default) =>
        InvokeAsync<object?, ulong>("starknet_blockNumber", null, null, RpcJsonReader.UInt, cancellationToken);

    /// <summary>
    /// <c>starknet_getNonce</c>: the contract's nonce at <paramref name="blockId"/>. Use <see cref="BlockId.PreConfirmed"/>
    /// to count transactions already executed in the pending block, <see cref="BlockId.Latest"/> for the last closed block.
    /// </summary>
    /// <exception cref="StarknetRpcException">CONTRACT_NOT_FOUND (20) or BLOCK_NOT_FOUND (24).</exception>
    public Task<Felt> GetNonceAsync(Felt contractAddress, BlockId blockId, CancellationToken cancellationToken = default) =>
        InvokeAsync("starknet_getNonce", (contractAddress, blockId),
            static (w, s) =>
            {
                w.WriteStartObject();
                RpcJsonWriter.WriteFelt(w, "contract_address", s.contractAddress);
                RpcJsonWriter.WriteBlockId(w, "block_id", s.blockId);
                w.WriteEndObject();
            },
            RpcJsonReader.Felt, cancellationToken);

    /// <summary><c>starknet_call</c>: runs a view function and returns its serialized result.</summary>
    /// <exception cref="ContractErrorException">The call failed in the contract (CONTRACT_ERROR, 40).</exception>
    /// <exception cref="StarknetRpcException">CONTRACT_NOT_FOUND (20), ENTRYPOINT_NOT_FOUND (21) or BLOCK_NOT_FOUND (24).</exception>
    public Task<IReadOnlyList<Felt>> CallAsync(FunctionCall call, BlockId blockId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        return InvokeAsync<(FunctionCall call, BlockId blockId), IReadOnlyList<Felt>>("starknet_call", (call, blockId),
            static (w, s) =>
            {
                w.WriteStartObject();
                w.WritePropertyName("request");
                RpcJsonWriter.WriteFunctionCall(w, s.call);
                RpcJsonWriter.WriteBlockId(w, "block_id", s.blockId);
                w.WriteEndObject();
            },
            static r => RpcJsonReader.Felts(r), cancellationToken);
    }

    /// <summary>
    /// <c>starknet_estimateFee</c>: estimates each transaction, each run on the state the previous ones leave. Sign the
    /// transactions over <see cref="TransactionVersion.V3Query"/> so the signature can never be replayed.
    /// </summary>
    /// <param name="transactions">The transactions, in order (at least one).</param>
    /// <param name="flags"><see cref="SimulationOptions.SkipValidate"/> to leave <c>__validate__</c> out (spec §13.4).</param>
    /// <param name="blockId">The state to estimate on, usually <see cref="BlockId.PreConfirmed"/> or <see cref="BlockId.Latest"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One estimate per transaction, in the same order.</returns>
    /// <exception cref="TransactionExecutionErrorException">A transaction failed (TRANSACTION_EXECUTION_ERROR, 41).</exception>
    /// <exception cref="StarknetRpcException">CONTRACT_NOT_FOUND (20) or BLOCK_NOT_FOUND (24).</exception>
    public Task<IReadOnlyList<FeeEstimate>> EstimateFeeAsync(
        IReadOnlyList<BroadcastedInvokeV3> transactions, SimulationOptions flags, BlockId blockId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        if (transactions.Count == 0)
        {
            throw new ArgumentException("At least one transaction is needed.", nameof(transactions));
        }
        var count = transactions.Count;
        return InvokeAsync<(IReadOnlyList<BroadcastedInvokeV3> txs, SimulationOptions flags, BlockId blockId), IReadOnlyList<FeeEstimate>>(
            "starknet_estimateFee", (transactions, flags, blockId),
            static (w, s) =>
            {
                w.WriteStartObject();
                w.WriteStartArray("request");
                foreach (var tx in s.txs)
                {
                    RpcJsonWriter.WriteInvoke(w, tx);
                }
                w.WriteEndArray();
                RpcJsonWriter.WriteBlockId(w, "block_id", s.blockId);
                w.WriteStartArray("simulation_flags");
                if ((s.flags & SimulationOptions.SkipValidate) != 0)
                {
                    w.WriteStringValue("SKIP_VALIDATE");
                }
                w.WriteEndArray();
                w.WriteEndObject();
            },
            r =>
            {
                var estimates = r.EnumerateArray().Select(RpcJsonReader.FeeEstimate).ToArray();
                return estimates.Length == count
                    ? estimates
                    : throw new FormatException($"{count} transaction(s) were estimated but {estimates.Length} estimate(s) came back.");
            },
            cancellationToken);
    }

    /// <summary><c>starknet_estimateFee</c> for one transaction; see <see cref="EstimateFeeAsync(IReadOnlyList{BroadcastedInvokeV3}, SimulationOptions, BlockId, CancellationToken)"/>.</summary>
    public async Task<FeeEstimate> EstimateFeeAsync(
        BroadcastedInvokeV3 transaction, SimulationOptions flags, BlockId blockId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var estimates = await EstimateFeeAsync([transaction], flags, blockId, cancellationToken).ConfigureAwait(false);
        return estimates[0];
    }

    /// <summary>
    /// <c>starknet_addInvokeTransaction</c>: submits a signed INVOKE v3 transaction and returns its hash.
    /// </summary>
    /// <remarks>
    /// A transport failure is retried like any other call, so the node may see the transaction twice: when the first
    /// attempt reached it and only the answer was lost, the retry answers DUPLICATE_TX
    /// (<see cref="DuplicateTransactionException"/>). The hash is fixed by the signed fields, so callers treat
    /// DUPLICATE_TX for a transaction they sent as accepted under <see cref="BroadcastedInvokeV3.ComputeHash"/>.
    /// Likewise a <see cref="StarknetRpcTransportException"/> does not prove the node never received it: check
    /// <see cref="GetTransactionStatusAsync"/> before sending a different transaction with the same nonce.
    /// </remarks>
    /// <exception cref="ArgumentException">The transaction carries the query version (it can only be estimated).</exception>
    /// <exception cref="ValidationFailureException">VALIDATION_FAILURE (55), for example <c>session/expired</c>.</exception>
    /// <exception cref="InvalidTransactionNonceException">INVALID_TRANSACTION_NONCE (52).</exception>
    /// <exception cref="DuplicateTransactionException">DUPLICATE_TX (59).</exception>
    /// <exception cref="InsufficientAccountBalanceException">INSUFFICIENT_ACCOUNT_BALANCE (54).</exception>
    /// <exception cref="InsufficientResourcesForValidateException">INSUFFICIENT_RESOURCES_FOR_VALIDATE (53).</exception>
    /// <exception cref="StarknetRpcException">
    /// REPLACEMENT_TRANSACTION_UNDERPRICED (64), FEE_BELOW_MINIMUM (65), NON_ACCOUNT (58), UNSUPPORTED_TX_VERSION (61),
    /// INVALID_PROOF (69) or UNEXPECTED_ERROR (63).
    /// </exception>
    public Task<Felt> AddInvokeTransactionAsync(BroadcastedInvokeV3 transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(transaction.Transaction, nameof(transaction));
        if (TransactionVersion.IsQuery(transaction.Transaction.Version))
        {
            throw new ArgumentException("A query-version transaction can be estimated but not submitted.", nameof(transaction));
        }
        return InvokeAsync("starknet_addInvokeTransaction", transaction,
            static (w, tx) =>
            {
                w.WriteStartObject();
                w.WritePropertyName("invoke_transaction");
                RpcJsonWriter.WriteInvoke(w, tx);
                w.WriteEndObject();
            },
            static r => RpcJsonReader.Felt(r, "transaction_hash"), cancellationToken);
    }

    /// <summary><c>starknet_getTransactionStatus</c>: finality and, once executed, execution status.</summary>
    /// <exception cref="TransactionHashNotFoundException">TXN_HASH_NOT_FOUND (29).</exception>
    public Task<TransactionStatusResult> GetTransactionStatusAsync(Felt transactionHash, CancellationToken cancellationToken = default) =>
        InvokeAsync("starknet_getTransactionStatus", transactionHash, WriteTransactionHash, RpcJsonReader.Status, cancellationToken);

    /// <summary><c>starknet_getTransactionReceipt</c>: fee, statuses, events and resources of an executed transaction.</summary>
    /// <exception cref="TransactionHashNotFoundException">TXN_HASH_NOT_FOUND (29).</exception>
    public Task<TransactionReceipt> GetTransactionReceiptAsync(Felt transactionHash, CancellationToken cancellationToken = default) =>
        InvokeAsync("starknet_getTransactionReceipt", transactionHash, WriteTransactionHash, RpcJsonReader.Receipt, cancellationToken);

    /// <summary>
    /// <c>starknet_getEvents</c>: one page of matching events. Pass the returned
    /// <see cref="EventsPage.ContinuationToken"/> in the next filter until it is null.
    /// </summary>
    /// <exception cref="StarknetRpcException">
    /// PAGE_SIZE_TOO_BIG (31), INVALID_CONTINUATION_TOKEN (33), BLOCK_NOT_FOUND (24) or TOO_MANY_KEYS_IN_FILTER (34).
    /// </exception>
    public Task<EventsPage> GetEventsAsync(EventFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(filter.ChunkSize, 1, nameof(filter));
        return InvokeAsync("starknet_getEvents", filter,
            static (w, f) =>
            {
                w.WriteStartObject();
                w.WritePropertyName("filter");
                RpcJsonWriter.WriteEventFilter(w, f);
                w.WriteEndObject();
            },
            RpcJsonReader.EventsPage, cancellationToken);
    }

    private static void WriteTransactionHash(Utf8JsonWriter writer, Felt hash)
    {
        writer.WriteStartObject();
        RpcJsonWriter.WriteFelt(writer, "transaction_hash", hash);
        writer.WriteEndObject();
    }

    /// <summary>
    /// One call: writes <c>{id, jsonrpc, method, params}</c> (params left out when <paramref name="writeParams"/> is null,
    /// as starknet.js does), sends it through the transport, and reads the result or throws the node's error.
    /// </summary>
    private async Task<TResult> InvokeAsync<TState, TResult>(
        string method,
        TState state,
        Action<Utf8JsonWriter, TState>? writeParams,
        Func<JsonElement, TResult> readResult,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var id = Interlocked.Increment(ref _nextId);
        var body = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", id);
            writer.WriteString("jsonrpc", "2.0");
            writer.WriteString("method", method);
            if (writeParams is not null)
            {
                writer.WritePropertyName("params");
                writeParams(writer, state);
            }
            writer.WriteEndObject();
        }

        using var activity = RpcTelemetry.Source.StartActivity(method, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(RpcTelemetry.RpcSystem, "jsonrpc");
            activity.SetTag(RpcTelemetry.RpcMethod, method);
            activity.SetTag(RpcTelemetry.JsonRpcVersion, "2.0");
            activity.SetTag(RpcTelemetry.JsonRpcRequestId, id);
            activity.SetTag(RpcTelemetry.ServerAddress, Options.Endpoint.Host);
            activity.SetTag(RpcTelemetry.ServerPort, Options.Endpoint.Port);
        }

        var call = new RpcCall(method, body.WrittenMemory, activity);
        try
        {
            var attempt = await _transport.SendAsync(call, cancellationToken).ConfigureAwait(false);
            activity?.SetTag(RpcTelemetry.Attempts, call.Attempts);
            activity?.SetTag(RpcTelemetry.HttpStatusCode, (int)attempt.StatusCode);
            return ReadResponse(method, id, attempt.Body, readResult);
        }
        catch (StarknetRpcException ex)
        {
            activity?.SetTag(RpcTelemetry.JsonRpcErrorCode, ex.Code);
            activity?.SetTag(RpcTelemetry.JsonRpcErrorMessage, ex.NodeMessage);
            activity?.SetTag(RpcTelemetry.ErrorType, ex.Code.ToString(System.Globalization.CultureInfo.InvariantCulture));
            activity?.SetStatus(ActivityStatusCode.Error, ex.NodeMessage);
            throw;
        }
        catch (Exception ex)
        {
            activity?.SetTag(RpcTelemetry.Attempts, call.Attempts);
            activity?.SetTag(RpcTelemetry.ErrorType, ex.GetType().FullName);
            if (ex is StarknetRpcTransportException { StatusCode: { } status })
            {
                activity?.SetTag(RpcTelemetry.HttpStatusCode, (int)status);
            }
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
    }

    private static TResult ReadResponse<TResult>(string method, long id, byte[] body, Func<JsonElement, TResult> readResult)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw new StarknetRpcResponseException(method, "the response is not JSON.", ex);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new StarknetRpcResponseException(method, $"the response is a JSON {root.ValueKind}, not a JSON-RPC object.", null);
            }
            if (root.TryGetProperty("error", out var error) && error.ValueKind != JsonValueKind.Null)
            {
                throw ReadError(method, error);
            }
            if (root.TryGetProperty("id", out var idElement) && idElement.ValueKind != JsonValueKind.Null
                && !(idElement.TryGetInt64(out var answered) && answered == id))
            {
                throw new StarknetRpcResponseException(method, $"the response id {idElement.GetRawText()} does not match the request id {id}.", null);
            }
            if (!root.TryGetProperty("result", out var result))
            {
                throw new StarknetRpcResponseException(method, "the response has neither 'result' nor 'error'.", null);
            }
            try
            {
                return readResult(result);
            }
            catch (Exception ex) when (ex is FormatException or OverflowException or InvalidOperationException or KeyNotFoundException or JsonException)
            {
                throw new StarknetRpcResponseException(method, $"unexpected result shape: {ex.Message}", ex);
            }
        }
    }

    private static Exception ReadError(string method, JsonElement error)
    {
        if (error.ValueKind != JsonValueKind.Object
            || !error.TryGetProperty("code", out var codeElement)
            || !codeElement.TryGetInt32(out var code))
        {
            return new StarknetRpcResponseException(method, $"malformed JSON-RPC error object: {error.GetRawText()}", null);
        }
        var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : string.Empty;
        var data = error.TryGetProperty("data", out var d) && d.ValueKind != JsonValueKind.Undefined ? d.GetRawText() : null;
        return RpcErrors.Create(code, message, data, method);
    }
}
