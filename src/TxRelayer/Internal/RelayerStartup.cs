using Microsoft.Extensions.Options;
using Starknet;
using Starknet.Rpc;

namespace TxRelayer.Internal;

/// <summary>
/// Start-up, in the background so the host comes up even while the node is away: reads the chain id (and checks it
/// against <see cref="RelayerOptions.ChainId"/>), checks each relayer key against its account when the account can
/// tell, resumes every request not final from the pending index, then starts the lanes and opens the gRPC handlers.
/// </summary>
/// <remarks>
/// Resuming: a request without a transaction goes back to a lane; a request whose relayer transaction was signed is
/// looked at by its lane first (in nonce order), which finds it at the node, sends the same transaction again, or
/// abandons it when its nonce was used by another; an account-paid request is checked and sent again if the node does
/// not have it. So nothing accepted is lost, and nothing is sent twice under a different hash while the first could
/// still execute.
/// </remarks>
internal sealed class RelayerStartup(
    StarknetRpcClient rpc,
    RelayerChain chain,
    RelayerPool pool,
    RelayStore store,
    TransactionTracker tracker,
    InvokeSubmitter invokes,
    IOptions<RelayerOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<RelayerStartup> logger) : BackgroundService
{
    private static readonly Felt s_getPublicKey = Selector.FromName("get_public_key");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        tracker.Invokes = invokes;
        var delay = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var chainId = await rpc.ChainIdAsync(stoppingToken).ConfigureAwait(false);
                if (options.Value.ChainId is { } expected && ChainIds.TryParse(expected, out var expectedId) && expectedId != chainId)
                {
                    throw new InvalidOperationException($"The node serves chain {chainId}, not {expectedId} (Relayer:ChainId).");
                }
                await CheckKeysAsync(stoppingToken).ConfigureAwait(false);
                var resumed = await ResumeAsync(stoppingToken).ConfigureAwait(false);
                foreach (var lane in pool.Lanes)
                {
                    _ = Task.Run(() => lane.RunAsync(stoppingToken), CancellationToken.None);
                }
                chain.SetReady(chainId);
                logger.Ready(chainId, pool.Lanes.Count, resumed);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (InvalidOperationException e)
            {
                logger.StartFailed(e);
                lifetime.StopApplication();
                return;
            }
            catch (Exception e)
            {
                logger.StartFailed(e);
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    private async Task CheckKeysAsync(CancellationToken cancellationToken)
    {
        foreach (var lane in pool.Lanes)
        {
            try
            {
                var answer = await rpc.CallAsync(new FunctionCall(lane.Address, s_getPublicKey, []), BlockId.Latest, cancellationToken).ConfigureAwait(false);
                if (answer.Count == 1 && answer[0] != lane.Key.PublicKey)
                {
                    logger.KeyMismatch(lane.Address, answer[0], lane.Key.PublicKey);
                }
            }
            catch (StarknetRpcException)
            {
                // Not every account has get_public_key (or is deployed yet); its first transaction will tell.
            }
        }
    }

    private async Task<int> ResumeAsync(CancellationToken cancellationToken)
    {
        var ids = await store.LoadPendingAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        // Seen as missing for a whole DroppedAfter already, so the first poll that does not find one acts at once.
        var longMissing = now - options.Value.Tracking.DroppedAfter;
        var recoveries = new List<RelayerTransaction>();
        var fresh = new List<(RelayerLane Lane, RelayRequest Request)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var resumed = 0;
        foreach (var id in ids)
        {
            var request = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
            if (request is null || request.IsFinal)
            {
                continue;
            }
            store.Remember(request);
            resumed++;
            if (request.Kind == RelayKind.Invoke)
            {
                tracker.TrackInvoke(request, longMissing);
                continue;
            }
            if (request.TransactionHash is { } hash
                && await store.GetTransactionAsync(hash, cancellationToken).ConfigureAwait(false) is { Abandoned: false, Final: false } transaction
                && pool.Lane(transaction.RelayerAddress) is not null)
            {
                if (seen.Add(hash))
                {
                    recoveries.Add(transaction);
                }
                continue;
            }
            var lane = pool.Route(Felt.Parse(request.OutsideExecution!.Caller));
            if (lane is null)
            {
                var rejected = request.Finish(RelayStatus.Rejected, "its caller is no longer one of the relayer's accounts", now.ToUnixTimeMilliseconds());
                await store.SaveAsync([rejected], null, [RequestUpdates.StatusMessage(rejected, now.ToUnixTimeMilliseconds())], cancellationToken).ConfigureAwait(false);
                continue;
            }
            fresh.Add((lane, request.TransactionHash is null ? request : request.Abandon()));
        }
        // Signed transactions first, in nonce order, so that they get their slots back before new ones are signed.
        foreach (var transaction in recoveries.OrderBy(t => t.Nonce))
        {
            tracker.Track(transaction, longMissing);
            pool.Lane(transaction.RelayerAddress)!.EnqueueRecovery(transaction.Hash);
        }
        foreach (var (lane, request) in fresh)
        {
            lane.Enqueue(request);
        }
        return resumed;
    }
}
