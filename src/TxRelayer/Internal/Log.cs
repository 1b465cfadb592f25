using Starknet;

namespace TxRelayer.Internal;

/// <summary>The relayer's log messages. Only public values are logged (addresses, hashes, nonces, request ids);
/// never private keys, keystore passwords or signatures.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning,
        Message = "Relayer account {Address}: key taken from plain configuration in environment {Environment}; for development only. Public key {PublicKey}.")]
    public static partial void PlainKeyInUse(this ILogger logger, Felt address, string environment, Felt publicKey);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Relayer account {Address}: keystore {Path} unlocked; public key {PublicKey}.")]
    public static partial void KeystoreUnlocked(this ILogger logger, Felt address, string path, Felt publicKey);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Relayer ready on chain {ChainId} with {Accounts} account(s); {Resumed} request(s) resumed.")]
    public static partial void Ready(this ILogger logger, Felt chainId, int accounts, int resumed);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Relayer start-up failed; retrying.")]
    public static partial void StartFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Error, Message = "Relayer account {Address}: the node's public key {OnChain} is not the configured key's {Configured}; its transactions would fail validation.")]
    public static partial void KeyMismatch(this ILogger logger, Felt address, Felt onChain, Felt configured);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "Request {RequestId} ({Kind}) accepted.")]
    public static partial void RequestAccepted(this ILogger logger, string requestId, string kind);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "Request {RequestId} is {Status} (transaction {TransactionHash}, reason '{Reason}').")]
    public static partial void RequestFinal(this ILogger logger, string requestId, string status, string? transactionHash, string? reason);

    [LoggerMessage(EventId = 3020, Level = LogLevel.Information,
        Message = "Relayer {Address} sent {Hash} with nonce {Nonce} carrying {Count} outside execution(s).")]
    public static partial void Sent(this ILogger logger, Felt address, string hash, ulong nonce, int count);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Information, Message = "Relayer {Address}: nonce resynchronised from the chain: {Nonce} ({Why}).")]
    public static partial void NonceResync(this ILogger logger, Felt address, Felt nonce, string why);

    [LoggerMessage(EventId = 3022, Level = LogLevel.Warning, Message = "Relayer {Address}: the node could not be reached while sending {Hash}; it is tracked and sent again if it never arrived.")]
    public static partial void SendUncertain(this ILogger logger, Exception exception, Felt address, Felt hash);

    [LoggerMessage(EventId = 3023, Level = LogLevel.Warning, Message = "Transaction {Hash} (nonce {Nonce}) is unknown to the node; {Action}.")]
    public static partial void Dropped(this ILogger logger, Felt hash, Felt nonce, string action);

    [LoggerMessage(EventId = 3024, Level = LogLevel.Warning, Message = "Relayer {Address}: {What} failed; retrying in {Delay}.")]
    public static partial void LaneRetry(this ILogger logger, Exception exception, Felt address, string what, TimeSpan delay);

    [LoggerMessage(EventId = 3025, Level = LogLevel.Warning, Message = "Batch {Hash} of {Count} outside executions reverted ({Reason}); each is sent again on its own.")]
    public static partial void BatchReverted(this ILogger logger, Felt hash, int count, string reason);

    [LoggerMessage(EventId = 3026, Level = LogLevel.Error, Message = "Relayer {Address}: the node refused {Hash}: {Reason}.")]
    public static partial void RelayerRefused(this ILogger logger, Felt address, Felt hash, string reason);

    [LoggerMessage(EventId = 3030, Level = LogLevel.Debug, Message = "Status poll of {Count} transaction(s) failed for {Failed}.")]
    public static partial void PollFailures(this ILogger logger, int count, int failed);

    [LoggerMessage(EventId = 3031, Level = LogLevel.Warning, Message = "Publishing the status of request {RequestId} failed.")]
    public static partial void PublishFailed(this ILogger logger, Exception exception, string requestId);

    [LoggerMessage(EventId = 3033, Level = LogLevel.Error, Message = "Submitting request {RequestId} failed unexpectedly; it stays pending and resumes at the next start.")]
    public static partial void SubmitFailed(this ILogger logger, Exception exception, string requestId);

    [LoggerMessage(EventId = 3032, Level = LogLevel.Error, Message = "The transaction tracker failed unexpectedly; it goes on at the next tick.")]
    public static partial void TrackerFailed(this ILogger logger, Exception exception);
}
