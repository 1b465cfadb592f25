using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Starknet;
using Starknet.Rpc;
using Starknet.Transactions;

namespace TxRelayer.Internal;

/// <summary>
/// One relayer account: a queue of outside executions and one worker that signs and sends its transactions, one at a
/// time and in nonce order. Batching packs the outside executions waiting in the queue into one multicall.
/// </summary>
/// <remarks>
/// <para><b>Nonces.</b> The worker is the only writer of the account's local nonce sequence, so two transactions never
/// get the same nonce by accident. The sequence is read from the chain (<c>getNonce</c> at <c>pre_confirmed</c>) at start,
/// after INVALID_TRANSACTION_NONCE, after a rejected relayer transaction, and whenever a slot must be reused. It only
/// advances when the node took the transaction, or when the answer was lost (the transaction may be there; the tracker
/// finds out). A transaction refused definitively (any other node error) leaves the slot to the next transaction, so no
/// gap jams the account.</para>
/// <para><b>Reusing a slot.</b> A new transaction takes a nonce already used by a signed transaction T only when T can
/// never execute: the node refused T at submission, or T is unknown to the node while the chain's nonce is past T's
/// (<see cref="RecoverAsync"/>). T's outside executions then go into a new transaction. Should T still appear, the
/// SNIP-9 nonce of each outside execution (marked used by the account) makes the copy revert: a user's call never runs
/// twice.</para>
/// <para><b>Before sending</b>, the signed transaction and its members' link to it are stored, so a restart sends the very
/// same transaction (same hash) again or abandons it by the rule above: nothing accepted is lost.</para>
/// </remarks>
internal sealed class RelayerLane
{
    private const int MaxResyncsPerBatch = 5;

    private readonly Channel<LaneWork> _queue = Channel.CreateUnbounded<LaneWork>(new UnboundedChannelOptions { SingleReader = true });
    private readonly StarknetRpcClient _rpc;
    private readonly RelayerChain _chain;
    private readonly FeePolicy _fees;
    private readonly RequestUpdates _updates;
    private readonly RelayerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private int _queued;
    private int _busy;
    private int _resyncRequested = 1;
    private ulong _nextNonce;

    public RelayerLane(RelayerKey key, StarknetRpcClient rpc, RelayerChain chain, FeePolicy fees, RequestUpdates updates,
        IOptions<RelayerOptions> options, TimeProvider time, ILogger logger)
    {
        Key = key;
        _rpc = rpc;
        _chain = chain;
        _fees = fees;
        _updates = updates;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    public RelayerKey Key { get; }

    public Felt Address => Key.Address;

    /// <summary>Set once by the pool: the tracker that follows what this lane sends.</summary>
    public TransactionTracker Tracker { get; set; } = null!;

    /// <summary>Outside executions waiting (for routing).</summary>
    public int Queued => Volatile.Read(ref _queued);

    /// <summary>Whether the worker is sending a transaction now (what arrives meanwhile waits for its next batch).</summary>
    public bool Busy => Volatile.Read(ref _busy) != 0;

    public void Enqueue(RelayRequest request)
    {
        Interlocked.Increment(ref _queued);
        _queue.Writer.TryWrite(new LaneWork(request, null));
    }

    /// <summary>Asks the worker to look at a transaction the node does not know (dropped, or unsent before a restart).</summary>
    public void EnqueueRecovery(string hash) => _queue.Writer.TryWrite(new LaneWork(null, hash));

    /// <summary>The next transaction reads the nonce from the chain first (e.g. after a REJECTED relayer transaction).</summary>
    public void RequestResync() => Volatile.Write(ref _resyncRequested, 1);

    public async Task RunAsync(CancellationToken stopping)
    {
        var deferred = new Queue<LaneWork>();
        while (!stopping.IsCancellationRequested)
        {
            LaneWork work;
            try
            {
                work = deferred.Count > 0 ? deferred.Dequeue() : await ReadAsync(stopping).ConfigureAwait(false);
                if (work.RecoverHash is { } hash)
                {
                    await RecoverAsync(hash, stopping).ConfigureAwait(false);
                    continue;
                }
                var batch = new List<RelayRequest> { work.Request! };
                Volatile.Write(ref _busy, 1);
                try
                {
                    if (_options.Batching.Enabled && !work.Request!.NoBatch)
                    {
                        await FillBatchAsync(batch, deferred, stopping).ConfigureAwait(false);
                    }
                    await ProcessAsync(batch, stopping).ConfigureAwait(false);
                }
                finally
                {
                    Volatile.Write(ref _busy, 0);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A bug or a state-store failure: the requests stay pending in the store and resume at the next start.
                _logger.LaneRetry(e, Address, "a batch", TimeSpan.FromSeconds(1));
                await Task.Delay(TimeSpan.FromSeconds(1), _time, stopping).ConfigureAwait(false);
            }
        }
    }

    private async Task<LaneWork> ReadAsync(CancellationToken stopping)
    {
        var work = await _queue.Reader.ReadAsync(stopping).ConfigureAwait(false);
        if (work.Request is not null)
        {
            Interlocked.Decrement(ref _queued);
        }
        return work;
    }

    private async Task FillBatchAsync(List<RelayRequest> batch, Queue<LaneWork> deferred, CancellationToken stopping)
    {
        var max = _options.Batching.MaxBatchSize;
        var deadline = _time.GetUtcNow() + _options.Batching.MaxWait;
        while (batch.Count < max)
        {
            if (_queue.Reader.TryRead(out var next))
            {
                if (next.Request is { } request)
                {
                    Interlocked.Decrement(ref _queued);
                    if (!request.NoBatch)
                    {
                        batch.Add(request);
                        continue;
                    }
                }
                deferred.Enqueue(next);
                continue;
            }
            var remaining = deadline - _time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            wait.CancelAfter(remaining);
            try
            {
                if (!await _queue.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Estimates, signs, stores and sends one transaction for the batch (splitting it when a member would fail).</summary>
    private async Task ProcessAsync(List<RelayRequest> batch, CancellationToken stopping)
    {
        for (var resyncs = 0; ; resyncs++)
        {
            batch = await DropUnsendableAsync(batch, stopping).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                return;
            }
            if (resyncs > MaxResyncsPerBatch)
            {
                // The nonce keeps moving under us (another process uses the account?); back off and try again later.
                await Task.Delay(TimeSpan.FromMilliseconds(200), _time, stopping).ConfigureAwait(false);
                resyncs = 0;
            }
            await EnsureNonceAsync(stopping).ConfigureAwait(false);
            var calldata = ExecuteCalldata.Encode([.. batch.Select(ToCall)]);
            var query = new InvokeTransactionV3
            {
                SenderAddress = Address,
                Calldata = calldata,
                ChainId = _chain.ChainId,
                Nonce = _nextNonce,
                Version = TransactionVersion.V3Query,
            };
            // The query and the real transaction differ only in version and bounds: the calldata (the bulk of the
            // hashing for a batch) is hashed once for both.
            var calldataHash = Poseidon.HashMany(calldata);

            FeeEstimate estimate;
            try
            {
                estimate = await EstimateAsync(query, calldataHash, stopping).ConfigureAwait(false);
            }
            catch (TransactionExecutionErrorException e) when (IsNonceProblem(e))
            {
                Resync("estimate saw another nonce");
                continue;
            }
            catch (TransactionExecutionErrorException e)
            {
                await SplitOrRejectAsync(batch, e, stopping).ConfigureAwait(false);
                return;
            }
            catch (StarknetRpcException e)
            {
                await RejectAsync(batch, $"the relayer account {Address} cannot send: {Describe(e)}", stopping).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (IsTransient(e, stopping))
            {
                _logger.LaneRetry(e, Address, "estimate", TimeSpan.FromMilliseconds(500));
                await Task.Delay(TimeSpan.FromMilliseconds(500), _time, stopping).ConfigureAwait(false);
                continue;
            }

            if (_fees.Bounds(estimate) is not { } bounds)
            {
                if (batch.Count > 1)
                {
                    await ProcessAloneAsync(batch, stopping).ConfigureAwait(false);
                }
                else
                {
                    await RejectAsync(batch, $"FEE_CAP_EXCEEDED: the estimated fee {estimate.OverallFee} FRI is above the relayer's cap of {_fees.Cap} FRI", stopping).ConfigureAwait(false);
                }
                return;
            }

            var sent = await SendAsync(batch, query with { Version = TransactionVersion.V3, ResourceBounds = bounds }, calldataHash, stopping).ConfigureAwait(false);
            if (sent is null)
            {
                return;
            }
            batch = sent;
        }
    }

    /// <summary>Signs, stores, then sends. Returns the members to try again with a fresh nonce, or null when done.</summary>
    private async Task<List<RelayRequest>?> SendAsync(List<RelayRequest> batch, InvokeTransactionV3 transaction, Felt calldataHash, CancellationToken stopping)
    {
        var hash = TransactionHash.InvokeV3(transaction, calldataHash);
        var hashText = hash.ToString();
        var signature = Key.SignTransaction(hash);
        var record = new RelayerTransaction
        {
            Hash = hashText,
            RelayerAddress = Address.ToString(),
            Nonce = _nextNonce,
            Transaction = StoredInvoke.From(transaction),
            Signature = [.. signature.Select(f => f.ToString())],
            Members = [.. batch.Select(r => r.RequestId)],
            SentAtMs = _updates.NowMs,
        };
        var linked = batch.Select(r => r with
        {
            TransactionHash = hashText,
            RelayerAddress = record.RelayerAddress,
            BatchSize = batch.Count,
            Attempts = r.Attempts + 1,
        }).ToList();
        // Stored before it leaves: a crash from here on finds the transaction and its members after the restart.
        await _updates.CommitAsync(linked, record, stopping).ConfigureAwait(false);

        using (var activity = RelayerTelemetry.ActivitySource.StartActivity("relayer send"))
        {
            activity?.SetTag("relayer.address", record.RelayerAddress);
            activity?.SetTag("relayer.nonce", record.Nonce);
            activity?.SetTag("relayer.batch_size", batch.Count);
            activity?.SetTag("starknet.transaction_hash", hashText);
            try
            {
                await _rpc.AddInvokeTransactionAsync(new BroadcastedInvokeV3(transaction, signature), stopping).ConfigureAwait(false);
            }
            catch (DuplicateTransactionException)
            {
                // An earlier attempt of this very transaction reached the node.
            }
            catch (InvalidTransactionNonceException)
            {
                if (await IsKnownAsync(hash, stopping).ConfigureAwait(false))
                {
                    return await SubmittedAsync(linked, record, stopping).ConfigureAwait(false);
                }
                // Refused: this transaction never entered the node, so its slot and its members are free.
                Resync("INVALID_TRANSACTION_NONCE");
                var retry = linked.Select(r => r.Abandon()).ToList();
                await _updates.CommitAsync(retry, record with { Abandoned = true }, stopping).ConfigureAwait(false);
                return retry;
            }
            catch (StarknetRpcException e)
            {
                // Refused definitively; the nonce was not used, so the next transaction takes the same slot.
                _logger.RelayerRefused(Address, hash, Describe(e));
                var reason = $"the node refused the relayer transaction: {Describe(e)}";
                var now = _updates.NowMs;
                await _updates.CommitAsync([.. linked.Select(r => r.Finish(RelayStatus.Rejected, reason, now))], record with { Abandoned = true }, stopping).ConfigureAwait(false);
                return null;
            }
            catch (Exception e) when (IsTransient(e, stopping))
            {
                // The answer was lost; the transaction may be at the node. Keep the slot taken and let the tracker see.
                _logger.SendUncertain(e, Address, hash);
                _nextNonce++;
                Tracker.Track(record, missingSince: _time.GetUtcNow());
                return null;
            }
        }
        return await SubmittedAsync(linked, record, stopping).ConfigureAwait(false);
    }

    private async Task<List<RelayRequest>?> SubmittedAsync(List<RelayRequest> linked, RelayerTransaction record, CancellationToken stopping)
    {
        _nextNonce = record.Nonce + 1;
        RelayerTelemetry.TransactionsSent.Add(1);
        RelayerTelemetry.BatchSize.Record(linked.Count);
        _logger.Sent(Address, record.Hash, record.Nonce, linked.Count);
        Tracker.Track(record, missingSince: null);
        var submitted = linked.Select(r => r.Status == RelayStatus.Accepted ? r with { Status = RelayStatus.Submitted } : r).ToList();
        await _updates.CommitAsync(submitted, null, stopping).ConfigureAwait(false);
        Tracker.Poke();
        return null;
    }

    /// <summary>
    /// A transaction the node does not know: sent again as it is when its nonce is the chain's next one, abandoned (its
    /// members go into a new transaction) when the chain's nonce is past it, left alone while an earlier slot is open.
    /// </summary>
    private async Task RecoverAsync(string hash, CancellationToken stopping)
    {
        var record = await _updates.Store.GetTransactionAsync(hash, stopping).ConfigureAwait(false);
        if (record is null || record.Abandoned || record.Final)
        {
            Tracker.Untrack(hash);
            return;
        }
        var felt = Felt.Parse(hash);
        try
        {
            if (await IsKnownAsync(felt, stopping).ConfigureAwait(false))
            {
                Tracker.MarkSeen(hash);
                return;
            }
            var chainNonce = await ChainNonceAsync(stopping).ConfigureAwait(false);
            if (chainNonce == record.Nonce)
            {
                try
                {
                    await _rpc.AddInvokeTransactionAsync(new BroadcastedInvokeV3(record.Transaction.ToTransaction(), [.. record.Signature.Select(Felt.Parse)]), stopping).ConfigureAwait(false);
                    _logger.Dropped(felt, record.Nonce, "sent again unchanged");
                    Tracker.MarkSeen(hash);
                    RequestResync();
                    return;
                }
                catch (DuplicateTransactionException)
                {
                    Tracker.MarkSeen(hash);
                    return;
                }
                catch (InvalidTransactionNonceException)
                {
                    chainNonce = await ChainNonceAsync(stopping).ConfigureAwait(false);
                }
            }
            if (chainNonce < record.Nonce && Tracker.HasLiveTransaction(Address, chainNonce))
            {
                // An earlier slot is open and one of ours should fill it; look again after it did.
                Tracker.MarkRecoveryDone(hash);
                return;
            }
            if (await IsKnownAsync(felt, stopping).ConfigureAwait(false))
            {
                Tracker.MarkSeen(hash);
                return;
            }
        }
        catch (Exception e) when (IsTransient(e, stopping))
        {
            // The tracker asks again.
            Tracker.MarkRecoveryDone(hash);
            return;
        }

        // Its slot is used by another transaction (or open with nothing of ours before it): it can never execute.
        _logger.Dropped(Felt.Parse(hash), record.Nonce, "abandoned; its outside executions go into a new transaction");
        Tracker.Untrack(hash);
        RequestResync();
        var members = new List<RelayRequest>();
        foreach (var id in record.Members)
        {
            if (_updates.Store.Live(id) is { TransactionHash: var current } member && current == hash)
            {
                members.Add(member.Abandon());
            }
        }
        await _updates.CommitAsync(members, record with { Abandoned = true }, stopping).ConfigureAwait(false);
        foreach (var member in members)
        {
            Enqueue(member);
        }
    }

    private async Task SplitOrRejectAsync(List<RelayRequest> batch, TransactionExecutionErrorException error, CancellationToken stopping)
    {
        if (batch.Count == 1)
        {
            await RejectOrAdoptAsync(batch[0], ExecutionReason(error), stopping).ConfigureAwait(false);
            return;
        }
        // Find the members that fail on their own; the others go on together.
        var good = new List<RelayRequest>();
        foreach (var member in batch)
        {
            var calldata = ExecuteCalldata.Encode([ToCall(member)]);
            var query = new InvokeTransactionV3
            {
                SenderAddress = Address,
                Calldata = calldata,
                ChainId = _chain.ChainId,
                Nonce = _nextNonce,
                Version = TransactionVersion.V3Query,
            };
            try
            {
                await EstimateAsync(query, Poseidon.HashMany(calldata), stopping).ConfigureAwait(false);
                good.Add(member);
            }
            catch (TransactionExecutionErrorException e) when (!IsNonceProblem(e))
            {
                await RejectOrAdoptAsync(member, ExecutionReason(e), stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is StarknetRpcException || IsTransient(e, stopping))
            {
                good.Add(member);
            }
        }
        if (good.Count == batch.Count)
        {
            // Each passes alone but not together (e.g. the same outside nonce twice): one transaction each.
            await ProcessAloneAsync(good, stopping).ConfigureAwait(false);
        }
        else if (good.Count > 0)
        {
            await ProcessAsync(good, stopping).ConfigureAwait(false);
        }
    }

    private async Task ProcessAloneAsync(List<RelayRequest> batch, CancellationToken stopping)
    {
        foreach (var member in batch)
        {
            await ProcessAsync([member with { NoBatch = true }], stopping).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// An outside execution whose nonce is already used may have run in one of its own earlier transactions (an abandoned
    /// hash that made it after all): then that transaction is its result. Otherwise it is refused.
    /// </summary>
    private async Task RejectOrAdoptAsync(RelayRequest request, string reason, CancellationToken stopping)
    {
        if (reason.Contains("duplicated-outside-nonce", StringComparison.Ordinal))
        {
            for (var i = request.PreviousHashes.Count - 1; i >= 0; i--)
            {
                var previous = request.PreviousHashes[i];
                try
                {
                    var status = await _rpc.GetTransactionStatusAsync(Felt.Parse(previous), stopping).ConfigureAwait(false);
                    if (status.ExecutionStatus == TransactionExecutionStatus.Succeeded)
                    {
                        var adopted = request with
                        {
                            Status = RelayStatus.Submitted,
                            TransactionHash = previous,
                            RelayerAddress = Address.ToString(),
                            PreviousHashes = [.. request.PreviousHashes.Where(h => h != previous)],
                        };
                        await _updates.CommitAsync(adopted, stopping).ConfigureAwait(false);
                        Tracker.TrackAdopted(previous, Address, adopted.RequestId);
                        return;
                    }
                }
                catch (Exception e) when (e is StarknetRpcException || IsTransient(e, stopping))
                {
                }
            }
        }
        await RejectAsync([request], reason, stopping).ConfigureAwait(false);
    }

    private async Task RejectAsync(IReadOnlyList<RelayRequest> requests, string reason, CancellationToken stopping)
    {
        var now = _updates.NowMs;
        await _updates.CommitAsync([.. requests.Select(r => r.Finish(RelayStatus.Rejected, reason, now))], null, stopping).ConfigureAwait(false);
    }

    /// <summary>Refuses what can no longer go: an expired window, or too many transactions signed for one request.</summary>
    private async Task<List<RelayRequest>> DropUnsendableAsync(List<RelayRequest> batch, CancellationToken stopping)
    {
        var now = (ulong)Math.Max(0, _time.GetUtcNow().ToUnixTimeSeconds());
        var keep = new List<RelayRequest>(batch.Count);
        var refused = new List<RelayRequest>();
        var nowMs = _updates.NowMs;
        foreach (var request in batch)
        {
            if (request.IsFinal)
            {
                continue;
            }
            if (request.OutsideExecution!.ExecuteBefore <= now)
            {
                refused.Add(request.Finish(RelayStatus.Rejected, "OUTSIDE_EXECUTION_EXPIRED: execute_before passed before the relayer could send it", nowMs));
            }
            else if (request.Attempts >= _options.Tracking.MaxSubmissionAttempts)
            {
                refused.Add(request.Finish(RelayStatus.Rejected, $"gave up after {request.Attempts} relayer transactions", nowMs));
            }
            else
            {
                keep.Add(request);
            }
        }
        if (refused.Count > 0)
        {
            await _updates.CommitAsync(refused, null, stopping).ConfigureAwait(false);
        }
        return keep;
    }

    private async Task EnsureNonceAsync(CancellationToken stopping)
    {
        if (Interlocked.Exchange(ref _resyncRequested, 0) == 0)
        {
            return;
        }
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                _nextNonce = await ChainNonceAsync(stopping).ConfigureAwait(false);
                RelayerTelemetry.NonceResyncs.Add(1);
                _logger.NonceResync(Address, _nextNonce, "read from the chain");
                return;
            }
            catch (Exception e) when (e is StarknetRpcException || IsTransient(e, stopping))
            {
                _logger.LaneRetry(e, Address, "reading the nonce", delay);
                await Task.Delay(delay, _time, stopping).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private void Resync(string why)
    {
        _logger.NonceResync(Address, _nextNonce, why);
        RequestResync();
    }

    private async Task<ulong> ChainNonceAsync(CancellationToken stopping)
    {
        var nonce = await _rpc.GetNonceAsync(Address, BlockId.PreConfirmed, stopping).ConfigureAwait(false);
        return (ulong)(System.Numerics.BigInteger)nonce;
    }

    private Task<FeeEstimate> EstimateAsync(InvokeTransactionV3 query, Felt calldataHash, CancellationToken stopping)
    {
        // The relayer signs the query-version hash, so validation runs and is counted, and the signature can never be
        // replayed as a real transaction.
        var signature = Key.SignTransaction(TransactionHash.InvokeV3(query, calldataHash));
        return _rpc.EstimateFeeAsync(new BroadcastedInvokeV3(query, signature), SimulationOptions.None, BlockId.PreConfirmed, stopping);
    }

    private async Task<bool> IsKnownAsync(Felt hash, CancellationToken stopping)
    {
        try
        {
            await _rpc.GetTransactionStatusAsync(hash, stopping).ConfigureAwait(false);
            return true;
        }
        catch (TransactionHashNotFoundException)
        {
            return false;
        }
    }

    private static Starknet.Transactions.Call ToCall(RelayRequest request) =>
        request.OutsideExecution!.ToOutsideExecution().ToExecuteFromOutsideCall(Felt.Parse(request.Account), [.. request.Signature.Select(Felt.Parse)]);

    private static bool IsNonceProblem(TransactionExecutionErrorException e) =>
        (e.ExecutionError ?? e.Message).Contains("Invalid transaction nonce", StringComparison.OrdinalIgnoreCase);

    private static string ExecutionReason(TransactionExecutionErrorException e) =>
        "the outside execution would fail: " + (e.ExecutionError ?? e.NodeMessage);

    internal static string Describe(StarknetRpcException e) =>
        $"{e.ErrorCode switch { var c when Enum.IsDefined(c) => NodeErrorName(c), _ => e.Code.ToString(System.Globalization.CultureInfo.InvariantCulture) }}: {e.ErrorDataText ?? e.NodeMessage}";

    private static string NodeErrorName(StarknetErrorCode code) => System.Text.RegularExpressions.Regex.Replace(code.ToString(), "(?<=[a-z0-9])([A-Z])", "_$1").ToUpperInvariant();

    internal static bool IsTransient(Exception e, CancellationToken stopping) =>
        e is StarknetRpcTransportException or StarknetRpcResponseException or HttpRequestException
        || (e is OperationCanceledException && !stopping.IsCancellationRequested);

    private readonly record struct LaneWork(RelayRequest? Request, string? RecoverHash);
}
