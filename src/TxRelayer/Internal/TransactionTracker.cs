using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Starknet;
using Starknet.Rpc;

namespace TxRelayer.Internal;

/// <summary>
/// Follows every transaction that is not final: polls <c>starknet_getTransactionStatus</c> every
/// <see cref="TrackingOptions.PollInterval"/> (on the injected <see cref="TimeProvider"/>, or at once after a
/// submission), moves its requests through SUBMITTED and PRE_CONFIRMED to ACCEPTED_ON_L2, REVERTED (reason) or REJECTED
/// (reason), with the fee and block from the receipt. A transaction unknown to the node for
/// <see cref="TrackingOptions.DroppedAfter"/> counts as dropped: an account-paid one is sent again unchanged, a relayer
/// one goes back to its lane (<see cref="RelayerLane"/>), which sends it again or replaces it. A reverted batch sends its
/// outside executions again one by one (the revert undid all of them); a REJECTED relayer transaction (never executed)
/// sends them again too.
/// </summary>
internal sealed class TransactionTracker(
    StarknetRpcClient rpc,
    RequestUpdates updates,
    RelayerChain chain,
    IOptions<RelayerOptions> options,
    TimeProvider time,
    ILogger<TransactionTracker> logger) : BackgroundService
{
    private const int MaxParallelPolls = 16;

    private readonly ConcurrentDictionary<string, Tracked> _tracked = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _poke = new(0, 1);

    /// <summary>Set by the pool: routes dropped and requeued relayer work to the right lane.</summary>
    public RelayerPool Pool { get; set; } = null!;

    /// <summary>Set by the host: resubmits dropped account-paid transactions.</summary>
    public InvokeSubmitter Invokes { get; set; } = null!;

    public int Count => _tracked.Count;

    public void Track(RelayerTransaction transaction, DateTimeOffset? missingSince)
    {
        var tracked = _tracked.GetOrAdd(transaction.Hash, hash => new Tracked(hash, transaction.RelayerAddress, transaction.Nonce));
        lock (tracked)
        {
            foreach (var id in transaction.Members)
            {
                tracked.Members.Add(id);
            }
            tracked.MissingSince ??= missingSince;
            tracked.RecoveryRequested = false;
            tracked.ReceiptFirst = missingSince is null;
        }
    }

    public void TrackAdopted(string hash, Felt relayer, string requestId)
    {
        var tracked = _tracked.GetOrAdd(hash, h => new Tracked(h, relayer.ToString(), null));
        lock (tracked)
        {
            tracked.Members.Add(requestId);
        }
        Poke();
    }

    public void TrackInvoke(RelayRequest request, DateTimeOffset? missingSince)
    {
        var tracked = _tracked.GetOrAdd(request.TransactionHash!, hash => new Tracked(hash, null, null));
        lock (tracked)
        {
            tracked.Members.Add(request.RequestId);
            tracked.MissingSince ??= missingSince;
            tracked.ReceiptFirst = missingSince is null;
        }
    }

    public void Untrack(string hash) => _tracked.TryRemove(hash, out _);

    /// <summary>The node knows the transaction again (sent again, or found): the drop timer restarts.</summary>
    public void MarkSeen(string hash)
    {
        if (_tracked.TryGetValue(hash, out var tracked))
        {
            lock (tracked)
            {
                tracked.MissingSince = null;
                tracked.RecoveryRequested = false;
            }
        }
    }

    public void MarkRecoveryDone(string hash)
    {
        if (_tracked.TryGetValue(hash, out var tracked))
        {
            lock (tracked)
            {
                tracked.RecoveryRequested = false;
            }
        }
    }

    /// <summary>True when a tracked, live transaction of this relayer account holds the nonce.</summary>
    public bool HasLiveTransaction(Felt relayer, ulong nonce)
    {
        var address = relayer.ToString();
        return _tracked.Values.Any(t => t.Relayer == address && t.Nonce == nonce);
    }

    /// <summary>Polls soon instead of at the next tick (after a submission, with instant blocks the answer is final already).</summary>
    public void Poke()
    {
        try
        {
            if (_poke.CurrentCount == 0)
            {
                _poke.Release();
            }
        }
        catch (SemaphoreFullException)
        {
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await chain.WaitReadyAsync(Timeout.InfiniteTimeSpan, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        var interval = options.Value.Tracking.PollInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PollOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.TrackerFailed(e);
            }
            try
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                await Task.WhenAny(_poke.WaitAsync(wait.Token), Task.Delay(interval, time, wait.Token)).ConfigureAwait(false);
                await wait.CancelAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    internal async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        var snapshot = _tracked.Values.ToArray();
        if (snapshot.Length == 0)
        {
            return;
        }
        var failed = 0;
        await Parallel.ForEachAsync(snapshot, new ParallelOptions { MaxDegreeOfParallelism = MaxParallelPolls, CancellationToken = cancellationToken },
            async (tracked, ct) =>
            {
                try
                {
                    await PollAsync(tracked, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (RelayerLane.IsTransient(e, ct) || e is StarknetRpcException)
                {
                    Interlocked.Increment(ref failed);
                }
            }).ConfigureAwait(false);
        if (failed > 0)
        {
            logger.PollFailures(snapshot.Length, failed);
        }
    }

    private async Task PollAsync(Tracked tracked, CancellationToken cancellationToken)
    {
        var hash = Felt.Parse(tracked.Hash);
        if (tracked.ReceiptFirst)
        {
            // Just submitted: with instant blocks (or a fast sequencer) it is executed already, and the receipt alone
            // says so (finality and execution status), saving the status call. A node without a receipt for it yet
            // (RECEIVED, REJECTED or unknown) answers TRANSACTION_HASH_NOT_FOUND: then the status path below decides,
            // and this transaction is not asked for its receipt first again.
            tracked.ReceiptFirst = false;
            TransactionReceipt? early = null;
            try
            {
                early = await rpc.GetTransactionReceiptAsync(hash, cancellationToken).ConfigureAwait(false);
            }
            catch (TransactionHashNotFoundException)
            {
            }
            if (early is not null)
            {
                lock (tracked)
                {
                    tracked.MissingSince = null;
                }
                switch (early.FinalityStatus)
                {
                    case TransactionFinalityStatus.AcceptedOnL2 or TransactionFinalityStatus.AcceptedOnL1:
                        await ReceiptFinalAsync(tracked, early, null, cancellationToken).ConfigureAwait(false);
                        return;
                    case TransactionFinalityStatus.PreConfirmed:
                        await AdvanceAsync(tracked, RelayStatus.PreConfirmed, cancellationToken).ConfigureAwait(false);
                        return;
                }
            }
        }
        TransactionStatusResult status;
        try
        {
            status = await rpc.GetTransactionStatusAsync(hash, cancellationToken).ConfigureAwait(false);
        }
        catch (TransactionHashNotFoundException)
        {
            await MissingAsync(tracked, cancellationToken).ConfigureAwait(false);
            return;
        }
        lock (tracked)
        {
            tracked.MissingSince = null;
        }
        switch (status.FinalityStatus)
        {
            case TransactionFinalityStatus.Received or TransactionFinalityStatus.Candidate:
                await AdvanceAsync(tracked, RelayStatus.Submitted, cancellationToken).ConfigureAwait(false);
                break;
            case TransactionFinalityStatus.PreConfirmed:
                await AdvanceAsync(tracked, RelayStatus.PreConfirmed, cancellationToken).ConfigureAwait(false);
                break;
            case TransactionFinalityStatus.AcceptedOnL2 or TransactionFinalityStatus.AcceptedOnL1:
                var receipt = await rpc.GetTransactionReceiptAsync(hash, cancellationToken).ConfigureAwait(false);
                await ReceiptFinalAsync(tracked, receipt, status.FailureReason, cancellationToken).ConfigureAwait(false);
                break;
            case TransactionFinalityStatus.Rejected:
                await RejectedAsync(tracked, status.FailureReason ?? "rejected by the sequencer", cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private async Task ReceiptFinalAsync(Tracked tracked, TransactionReceipt receipt, string? failureReason, CancellationToken cancellationToken)
    {
        if (receipt.ExecutionStatus == TransactionExecutionStatus.Succeeded)
        {
            await FinishAsync(tracked, RelayStatus.AcceptedOnL2, null, receipt, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await RevertedAsync(tracked, receipt.RevertReason ?? failureReason ?? "reverted", receipt, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task MissingAsync(Tracked tracked, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        bool recover;
        lock (tracked)
        {
            tracked.MissingSince ??= now;
            recover = !tracked.RecoveryRequested && now - tracked.MissingSince.Value >= options.Value.Tracking.DroppedAfter;
            if (recover)
            {
                tracked.RecoveryRequested = true;
            }
        }
        if (!recover)
        {
            return;
        }
        if (tracked.Relayer is { } relayer && tracked.Nonce is not null)
        {
            Pool.Lane(relayer)?.EnqueueRecovery(tracked.Hash);
            return;
        }
        if (tracked.Relayer is null)
        {
            await Invokes.ResubmitAsync(tracked.Hash, Members(tracked), cancellationToken).ConfigureAwait(false);
        }
        // An adopted earlier hash that disappeared again: nothing more to learn from it.
    }

    private async Task AdvanceAsync(Tracked tracked, RelayStatus status, CancellationToken cancellationToken)
    {
        var changed = Members(tracked)
            .Where(r => r.TransactionHash == tracked.Hash && r.Status < status)
            .Select(r => r with { Status = status })
            .ToList();
        if (changed.Count > 0)
        {
            await updates.CommitAsync(changed, null, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task FinishAsync(Tracked tracked, RelayStatus status, string? reason, TransactionReceipt receipt, CancellationToken cancellationToken)
    {
        var now = updates.NowMs;
        var finished = Members(tracked)
            .Where(r => r.TransactionHash == tracked.Hash)
            .Select(r => r.Finish(status, reason, now) with
            {
                ActualFee = ((System.Numerics.BigInteger)receipt.ActualFee.Amount).ToString(System.Globalization.CultureInfo.InvariantCulture),
                BlockNumber = receipt.BlockNumber ?? 0,
            })
            .ToList();
        await updates.CommitAsync(finished, await FinalRecordAsync(tracked, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        Untrack(tracked.Hash);
    }

    private async Task RevertedAsync(Tracked tracked, string reason, TransactionReceipt receipt, CancellationToken cancellationToken)
    {
        var members = Members(tracked).Where(r => r.TransactionHash == tracked.Hash).ToList();
        var lane = tracked.Relayer is { } relayer ? Pool.Lane(relayer) : null;
        if (lane is not null && members.Count > 1)
        {
            // A multicall reverts as a whole: nothing of it ran, so each outside execution goes again on its own and gets its own outcome.
            logger.BatchReverted(Felt.Parse(tracked.Hash), members.Count, reason);
            var again = members.Select(r => r.Abandon(alone: true)).ToList();
            await updates.CommitAsync(again, await FinalRecordAsync(tracked, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            Untrack(tracked.Hash);
            foreach (var request in again)
            {
                lane.Enqueue(request);
            }
            return;
        }
        await FinishAsync(tracked, RelayStatus.Reverted, reason, receipt, cancellationToken).ConfigureAwait(false);
    }

    private async Task RejectedAsync(Tracked tracked, string reason, CancellationToken cancellationToken)
    {
        var members = Members(tracked).Where(r => r.TransactionHash == tracked.Hash).ToList();
        var lane = tracked.Relayer is { } relayer ? Pool.Lane(relayer) : null;
        var record = await FinalRecordAsync(tracked, cancellationToken).ConfigureAwait(false);
        Untrack(tracked.Hash);
        if (lane is not null)
        {
            // The relayer's own transaction never executed and its nonce stayed free: send its outside executions again.
            lane.RequestResync();
            var again = members.Select(r => r.Abandon()).ToList();
            await updates.CommitAsync(again, record, cancellationToken).ConfigureAwait(false);
            foreach (var request in again)
            {
                lane.Enqueue(request);
            }
            return;
        }
        var now = updates.NowMs;
        await updates.CommitAsync([.. members.Select(r => r.Finish(RelayStatus.Rejected, reason, now))], null, cancellationToken).ConfigureAwait(false);
    }

    private async Task<RelayerTransaction?> FinalRecordAsync(Tracked tracked, CancellationToken cancellationToken)
    {
        if (tracked.Nonce is null)
        {
            return null;
        }
        var record = await updates.Store.GetTransactionAsync(tracked.Hash, cancellationToken).ConfigureAwait(false);
        return record is null ? null : record with { Final = true };
    }

    private List<RelayRequest> Members(Tracked tracked)
    {
        string[] ids;
        lock (tracked)
        {
            ids = [.. tracked.Members];
        }
        var members = new List<RelayRequest>(ids.Length);
        foreach (var id in ids)
        {
            if (updates.Store.Live(id) is { } request)
            {
                members.Add(request);
            }
        }
        return members;
    }

    private sealed class Tracked(string hash, string? relayer, ulong? nonce)
    {
        public string Hash { get; } = hash;

        /// <summary>The relayer account that signed it; null for account-paid transactions.</summary>
        public string? Relayer { get; } = relayer;

        /// <summary>The relayer nonce; null for account-paid transactions and adopted earlier hashes.</summary>
        public ulong? Nonce { get; } = nonce;

        public HashSet<string> Members { get; } = new(StringComparer.Ordinal);

        public DateTimeOffset? MissingSince { get; set; }

        public bool RecoveryRequested { get; set; }

        /// <summary>Set when a submission was just acknowledged by the node: the next poll asks for the receipt first.</summary>
        public bool ReceiptFirst { get; set; }
    }
}
