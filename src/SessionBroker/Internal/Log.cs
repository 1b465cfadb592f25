using Microsoft.Extensions.Logging;
using Starknet;

namespace SessionBroker.Internal;

/// <summary>The broker's log messages. Only public values are logged (hashes, addresses, public keys); never
/// signatures, authorizations or the metadata text.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Session {SessionHash} registered for account {Account} (dapp '{DappId}', expires {ExpiresAt}).")]
    public static partial void SessionRegistered(this ILogger logger, string sessionHash, string account, string dappId, ulong expiresAt);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Session {SessionHash} was already registered; returning the stored registration.")]
    public static partial void SessionAlreadyRegistered(this ILogger logger, string sessionHash);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Session {SessionHash} revoked (on-chain: {OnChain}, guardian newly revoked: {NewlyRevoked}).")]
    public static partial void SessionRevoked(this ILogger logger, string sessionHash, bool onChain, bool newlyRevoked);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "The guardian does not know session {SessionHash}; it cannot cosign for it, so the revocation goes on.")]
    public static partial void GuardianDoesNotKnowSession(this ILogger logger, Felt sessionHash);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Publishing {Topic} for session {SessionHash} failed.")]
    public static partial void PublishFailed(this ILogger logger, Exception exception, string topic, string sessionHash);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Session {SessionHash}: its account has cached the authorization; tokens leave it out from now on.")]
    public static partial void AuthorizationCached(this ILogger logger, Felt sessionHash);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Debug, Message = "Session {SessionHash}: asking the account whether the authorization is cached failed; tokens carry it in full meanwhile.")]
    public static partial void AuthorizationCacheCheckFailed(this ILogger logger, Exception exception, Felt sessionHash);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Revocation watcher started at block {Block} (poll every {Interval}).")]
    public static partial void WatcherStarted(this ILogger logger, ulong block, TimeSpan interval);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Debug, Message = "Revocation watcher scanned blocks {From} to {To}: {Events} SessionRevoked event(s).")]
    public static partial void WatcherScanned(this ILogger logger, ulong from, ulong to, int events);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "Revocation watcher poll failed; it retries at the next tick.")]
    public static partial void WatcherPollFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "Ignoring a SessionRevoked event for session {SessionHash} emitted by {Emitter}, which is not its account {Account}.")]
    public static partial void WatcherForeignEmitter(this ILogger logger, string sessionHash, Felt emitter, string account);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Information, Message = "Session {SessionHash} was revoked on-chain (transaction {TransactionHash}).")]
    public static partial void WatcherRevokedOnChain(this ILogger logger, string sessionHash, Felt transactionHash);
}
