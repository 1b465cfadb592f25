using Microsoft.Extensions.Options;
using Sessions;

namespace SessionBroker.Internal;

/// <summary>
/// Follows <c>SessionRevoked</c> events on the chain (spec §13.6): an owner may revoke a session from the wallet without
/// the broker. Each tick of <see cref="RevocationWatcherOptions.PollInterval"/> (on the injected clock) scans the blocks
/// closed since the last checkpoint, page by page; for each event of a known session emitted by that session's own
/// account it tells the guardian, then marks the session revoked on-chain and publishes <c>session-revoked</c> in one
/// outbox transaction (<see cref="SessionRegistry.MarkRevokedAsync"/>). The checkpoint
/// moves only after a whole range is handled, so a failure re-scans the range and the handling is idempotent.
/// </summary>
internal sealed class RevocationWatcher(
    IAccountChain chain,
    SessionRegistry registry,
    GuardianGateway guardian,
    IOptions<SessionBrokerOptions> options,
    TimeProvider time,
    ILogger<RevocationWatcher> logger) : BackgroundService
{
    private readonly RevocationWatcherOptions _options = options.Value.RevocationWatcher;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }
        using var timer = new PeriodicTimer(_options.PollInterval, time);
        do
        {
            try
            {
                await PollOnceAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.WatcherPollFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One scan from the checkpoint to the latest block.</summary>
    /// <returns>The number of revocations handled.</returns>
    internal async Task<int> PollOnceAsync(CancellationToken cancellationToken)
    {
        var latest = await chain.GetLatestBlockAsync(cancellationToken);
        var checkpoint = await registry.GetCheckpointAsync(cancellationToken);
        if (checkpoint is null)
        {
            checkpoint = new WatcherCheckpoint(_options.StartBlock ?? latest);
            await registry.SaveCheckpointAsync(checkpoint, cancellationToken);
            logger.WatcherStarted(checkpoint.NextBlock, _options.PollInterval);
        }
        var from = checkpoint.NextBlock;
        if (from > latest)
        {
            return 0;
        }
        var handled = 0;
        var seen = 0;
        string? continuation = null;
        do
        {
            var page = await chain.GetSessionRevokedEventsAsync(from, latest, _options.EventChunkSize, continuation, cancellationToken);
            foreach (var emitted in page.Events)
            {
                seen++;
                if (SessionRevocation.TryReadSessionRevokedEvent(emitted.Keys, emitted.Data, out var sessionHash)
                    && await HandleAsync(sessionHash, emitted.FromAddress, emitted.TransactionHash, cancellationToken))
                {
                    handled++;
                }
            }
            continuation = page.ContinuationToken;
        }
        while (continuation is not null);
        await registry.SaveCheckpointAsync(new WatcherCheckpoint(latest + 1), cancellationToken);
        logger.WatcherScanned(from, latest, seen);
        return handled;
    }

    private async Task<bool> HandleAsync(Starknet.Felt sessionHash, Starknet.Felt emitter, Starknet.Felt transactionHash, CancellationToken cancellationToken)
    {
        var record = await registry.FindAsync(sessionHash, cancellationToken);
        if (record is null)
        {
            return false; // a session of another broker, or of no broker at all
        }
        // Any contract can emit an event with this key; only the session's account revokes it.
        if (emitter != record.Account)
        {
            logger.WatcherForeignEmitter(record.SessionHash, emitter, record.AccountAddress);
            return false;
        }
        // A range is scanned again only after a failure, so handling an event twice (guardian call, publish) is rare and harmless.
        await guardian.RevokeAsync(sessionHash, onChain: true, cancellationToken);
        // The record update and session-revoked are written together through the outbox.
        var result = await registry.MarkRevokedAsync(sessionHash, time.GetUtcNow().ToUnixTimeSeconds(), onChain: true, cancellationToken);
        if (result is null)
        {
            return false;
        }
        logger.WatcherRevokedOnChain(record.SessionHash, transactionHash);
        return true;
    }
}
