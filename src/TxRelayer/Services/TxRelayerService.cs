using System.Globalization;
using System.Numerics;
using Broker.Contracts.Relayer.V1;
using RelayerContracts = Broker.Contracts.Relayer.V1;
using Broker.Hosting.Grpc;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Starknet;
using Starknet.Rpc;
using Starknet.Transactions;
using TxRelayer.Internal;
using Proto = Broker.Contracts.Common.V1;

namespace TxRelayer.Services;

/// <summary>
/// broker.relayer.v1.TxRelayer. A submission is parsed (INVALID_ARGUMENT names the field), compared with what is stored
/// under its request id (a retry gets the stored request, another request under the same id FAILED_PRECONDITION), stored
/// with a first write, queued, and answered once the node has it (or refused it), or after the acknowledgement timeout.
/// </summary>
internal sealed class TxRelayerService(
    RelayerChain chain,
    RelayerPool pool,
    RelayStore store,
    RequestUpdates updates,
    InvokeSubmitter invokes,
    StarknetRpcClient rpc,
    FeePolicy fees,
    IOptions<RelayerOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<TxRelayerService> logger) : RelayerContracts.TxRelayer.TxRelayerBase
{
    private const int MaxEstimateSignatureLength = RequestParsing.MaxSignatureLength;

    public override async Task<SubmitResponse> SubmitOutsideExecution(SubmitOutsideExecutionRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var requestId = RequestParsing.RequestId(request.RequestId);
        var account = RequestParsing.NonZeroFelt(request.AccountAddress, "account_address");
        var outside = RequestParsing.OutsideExecution(request.OutsideExecution, "outside_execution");
        var signature = RequestParsing.Felts(request.Signature, "signature", RequestParsing.MaxSignatureLength, min: 1);
        await WaitReadyAsync(context).ConfigureAwait(false);

        var fingerprint = RequestParsing.Fingerprint("outside-execution", [account, .. RequestParsing.Felts(outside), .. signature]);
        if (await store.GetAsync(requestId, ct).ConfigureAwait(false) is { } existing)
        {
            return await AcknowledgeAsync(SameRequest(existing, fingerprint), request.WaitForFinal, context).ConfigureAwait(false);
        }

        var lane = pool.Route(outside.Caller) ?? throw BrokerRpcException.FailedPrecondition(
            $"the outside execution may only be submitted by {outside.Caller}, which is none of this relayer's accounts (use ANY_CALLER or one of GetRelayerInfo's accounts)",
            "CALLER_NOT_RELAYER", "outside_execution.caller");
        var now = time.GetUtcNow();
        if (outside.ExecuteBefore <= (ulong)Math.Max(0, now.ToUnixTimeSeconds()))
        {
            throw BrokerRpcException.FailedPrecondition("execute_before has passed", "OUTSIDE_EXECUTION_EXPIRED", "outside_execution.execute_before");
        }

        var record = new RelayRequest
        {
            RequestId = requestId,
            Kind = RelayKind.OutsideExecution,
            Fingerprint = fingerprint,
            AcceptedAtMs = now.ToUnixTimeMilliseconds(),
            Account = account.ToString(),
            OutsideExecution = StoredOutsideExecution.From(outside),
            Signature = [.. signature.Select(f => f.ToString())],
        };
        // Stored before anything else happens: from here on the request survives a crash.
        var (stored, created) = await store.AddAsync(record, [RequestUpdates.StatusMessage(record, now.ToUnixTimeMilliseconds())], ct).ConfigureAwait(false);
        if (!created)
        {
            return await AcknowledgeAsync(SameRequest(stored, fingerprint), request.WaitForFinal, context).ConfigureAwait(false);
        }
        logger.RequestAccepted(requestId, "outside execution");
        updates.AnnounceAccepted(stored);
        lane.Enqueue(stored);
        return await AcknowledgeAsync(stored, request.WaitForFinal, context).ConfigureAwait(false);
    }

    public override async Task<PrepareInvokeResponse> PrepareInvoke(PrepareInvokeRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var sender = RequestParsing.NonZeroFelt(request.SenderAddress, "sender_address");
        var calls = RequestParsing.Calls(request.Calls, "calls");
        var signature = RequestParsing.Felts(request.EstimateSignature, "estimate_signature", MaxEstimateSignatureLength, min: 1);
        await WaitReadyAsync(context).ConfigureAwait(false);

        var nonce = await NodeAsync(() => rpc.GetNonceAsync(sender, BlockId.PreConfirmed, ct), "sender_address").ConfigureAwait(false);
        var query = new InvokeTransactionV3
        {
            SenderAddress = sender,
            Calldata = ExecuteCalldata.Encode(calls),
            ChainId = chain.ChainId,
            Nonce = nonce,
            Version = TransactionVersion.V3Query,
            Tip = request.Tip,
        };
        FeeEstimate estimate;
        try
        {
            // With validation (no SKIP_VALIDATE), so the session checks' cost is in the estimate (session-protocol §13.4).
            estimate = await NodeAsync(() => rpc.EstimateFeeAsync(new BroadcastedInvokeV3(query, signature), SimulationOptions.None, BlockId.PreConfirmed, ct),
                "sender_address").ConfigureAwait(false);
        }
        catch (TransactionExecutionErrorException e)
        {
            throw BrokerRpcException.FailedPrecondition($"the transaction would fail: {e.ExecutionError ?? e.NodeMessage}", "ESTIMATE_FAILED");
        }
        var bounds = fees.Bounds(estimate) ?? throw BrokerRpcException.FailedPrecondition(
            $"the estimated fee {estimate.OverallFee} FRI is above the relayer's cap of {fees.Cap} FRI per transaction", "FEE_CAP_EXCEEDED");
        var maxFee = bounds.MaxFee + (BigInteger)request.Tip * bounds.L2Gas.MaxAmount;
        return new PrepareInvokeResponse
        {
            Nonce = nonce.ToString(),
            ResourceBounds = ToProto(bounds),
            ChainId = chain.ChainId.ToString(),
            EstimatedFee = estimate.OverallFee.ToString(CultureInfo.InvariantCulture),
            MaxFee = maxFee.ToString(CultureInfo.InvariantCulture),
        };
    }

    public override async Task<SubmitResponse> SubmitInvoke(SubmitInvokeRequest request, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var requestId = RequestParsing.RequestId(request.RequestId);
        var (transaction, _) = RequestParsing.Invoke(request.Transaction, "transaction");
        var signature = RequestParsing.Felts(request.Signature, "signature", RequestParsing.MaxSignatureLength, min: 1);
        await WaitReadyAsync(context).ConfigureAwait(false);

        var hash = transaction.ComputeHash();
        var fingerprint = RequestParsing.Fingerprint("invoke", [hash, .. signature]);
        if (await store.GetAsync(requestId, ct).ConfigureAwait(false) is { } existing)
        {
            return await AcknowledgeAsync(SameRequest(existing, fingerprint), request.WaitForFinal, context).ConfigureAwait(false);
        }
        if (transaction.ChainId != chain.ChainId)
        {
            throw BrokerRpcException.FailedPrecondition($"the relayer follows chain {chain.ChainId}, not {transaction.ChainId}", "CHAIN_MISMATCH", "transaction.chain_id");
        }

        var record = new RelayRequest
        {
            RequestId = requestId,
            Kind = RelayKind.Invoke,
            Fingerprint = fingerprint,
            AcceptedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
            Account = transaction.SenderAddress.ToString(),
            Invoke = StoredInvoke.From(transaction),
            Signature = [.. signature.Select(f => f.ToString())],
            TransactionHash = hash.ToString(),
            BatchSize = 1,
        };
        var (stored, created) = await store.AddAsync(record, [RequestUpdates.StatusMessage(record, record.AcceptedAtMs)], ct).ConfigureAwait(false);
        if (!created)
        {
            return await AcknowledgeAsync(SameRequest(stored, fingerprint), request.WaitForFinal, context).ConfigureAwait(false);
        }
        logger.RequestAccepted(requestId, "invoke");
        updates.AnnounceAccepted(stored);
        // Sent on the host's lifetime, not the caller's: a cancelled call must not leave a stored request unsent.
        _ = Task.Run(async () =>
        {
            try
            {
                await invokes.SubmitAsync(stored, lifetime.ApplicationStopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.SubmitFailed(e, stored.RequestId);
            }
        }, CancellationToken.None);
        return await AcknowledgeAsync(stored, request.WaitForFinal, context).ConfigureAwait(false);
    }

    public override async Task<Proto.TransactionInfo> GetTransaction(GetTransactionRequest request, ServerCallContext context)
    {
        var requestId = RequestParsing.RequestId(request.RequestId);
        var stored = await store.GetAsync(requestId, context.CancellationToken).ConfigureAwait(false) ?? throw RequestNotFound();
        return stored.ToInfo();
    }

    public override async Task WatchTransaction(GetTransactionRequest request, IServerStreamWriter<Proto.TransactionInfo> responseStream, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        var requestId = RequestParsing.RequestId(request.RequestId);
        // Subscribed before the read, so no change between the two is missed.
        using var subscription = updates.Subscribe(requestId);
        var current = await store.GetAsync(requestId, ct).ConfigureAwait(false) ?? throw RequestNotFound();
        await responseStream.WriteAsync(current.ToInfo(), ct).ConfigureAwait(false);
        var last = current;
        while (!last.IsFinal)
        {
            RelayRequest next;
            try
            {
                next = await subscription.Reader.ReadAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            if (next.Status == last.Status && next.TransactionHash == last.TransactionHash)
            {
                continue;
            }
            await responseStream.WriteAsync(next.ToInfo(), ct).ConfigureAwait(false);
            last = next;
        }
    }

    public override Task<RelayerInfo> GetRelayerInfo(GetRelayerInfoRequest request, ServerCallContext context)
    {
        var info = new RelayerInfo
        {
            ChainId = chain.IsReady ? chain.ChainId.ToString() : "",
            BatchingEnabled = options.Value.Batching.Enabled,
            MaxBatchSize = (uint)options.Value.Batching.MaxBatchSize,
        };
        info.Accounts.AddRange(pool.Lanes.Select(l => l.Address.ToString()));
        return Task.FromResult(info);
    }

    private static RelayRequest SameRequest(RelayRequest stored, string fingerprint) =>
        stored.Fingerprint == fingerprint
            ? stored
            : throw BrokerRpcException.FailedPrecondition(
                "this request id was already used for a different request; use a new id for a new request", "REQUEST_ID_REUSED", "request_id");

    /// <summary>
    /// Waits (within the call's deadline) until the node has the transaction or it is final, or, with
    /// <paramref name="waitForFinal"/>, until it is final: then the caller needs no second call to learn the outcome.
    /// </summary>
    private async Task<SubmitResponse> AcknowledgeAsync(RelayRequest request, bool waitForFinal, ServerCallContext context)
    {
        var timeout = waitForFinal ? options.Value.Tracking.FinalWaitTimeout : options.Value.Tracking.AcknowledgeTimeout;
        if (context.Deadline != DateTime.MaxValue)
        {
            // Leave time for the answer to travel back before the caller's deadline.
            var left = context.Deadline - DateTime.UtcNow - TimeSpan.FromMilliseconds(200);
            timeout = left < timeout ? left : timeout;
        }
        Func<RelayRequest, bool> done = waitForFinal ? r => r.IsFinal : r => r.Status != RelayStatus.Accepted || r.IsFinal;
        var current = await updates.WaitAsync(request, done, timeout, context.CancellationToken).ConfigureAwait(false);
        return new SubmitResponse { Transaction = current.ToInfo() };
    }

    private async Task WaitReadyAsync(ServerCallContext context)
    {
        if (chain.IsReady)
        {
            return;
        }
        try
        {
            await chain.WaitReadyAsync(TimeSpan.FromSeconds(10), context.CancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new BrokerRpcException(StatusCode.Unavailable, "the relayer is still starting (waiting for the node); retry", "RELAYER_STARTING");
        }
    }

    private static async Task<T> NodeAsync<T>(Func<Task<T>> call, string accountField)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (StarknetRpcException e) when (e.ErrorCode == StarknetErrorCode.ContractNotFound)
        {
            throw BrokerRpcException.FailedPrecondition("no contract is deployed at the account address", "ACCOUNT_NOT_DEPLOYED", accountField);
        }
        catch (Exception e) when (e is StarknetRpcTransportException or StarknetRpcResponseException)
        {
            throw new BrokerRpcException(StatusCode.Unavailable, "the Starknet node could not be reached", "NODE_UNAVAILABLE", innerException: e);
        }
    }

    private static BrokerRpcException RequestNotFound() =>
        BrokerRpcException.NotFound("no request with this id", "REQUEST_NOT_FOUND", "request_id");

    private static Proto.ResourceBoundsMapping ToProto(ResourceBoundsMapping bounds) => new()
    {
        L1Gas = ToProto(bounds.L1Gas),
        L2Gas = ToProto(bounds.L2Gas),
        L1DataGas = ToProto(bounds.L1DataGas),
    };

    private static Proto.ResourceBounds ToProto(ResourceBounds bound) => new()
    {
        MaxAmount = bound.MaxAmount,
        MaxPricePerUnit = bound.MaxPricePerUnit.ToString(CultureInfo.InvariantCulture),
    };
}
