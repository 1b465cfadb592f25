using Microsoft.Extensions.Logging;

namespace Starknet.Devnet.Hosting;

/// <summary>The devnet's log messages. Nothing here takes key material: genesis private keys are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information,
        "Starknet devnet listening on {Endpoint}: a development and test node, not a consensus client. Chain {ChainId}, JSON-RPC {SpecVersion}, {BlockMode}, {Accounts} account(s).")]
    public static partial void Started(ILogger logger, Uri endpoint, string chainId, string specVersion, string blockMode, int accounts);

    [LoggerMessage(2, LogLevel.Warning, "Fault injection is on: {Faults}")]
    public static partial void FaultsEnabled(ILogger logger, string faults);

    [LoggerMessage(3, LogLevel.Information, "The devnet state was reset (chain {ChainId}).")]
    public static partial void StateReset(ILogger logger, string chainId);

    [LoggerMessage(10, LogLevel.Debug, "Transaction {Hash} received from {Sender}.")]
    public static partial void Received(ILogger logger, Felt hash, Felt sender);

    [LoggerMessage(11, LogLevel.Debug, "Transaction {Hash} refused at admission: {Reason}")]
    public static partial void Refused(ILogger logger, Felt hash, string reason);

    [LoggerMessage(12, LogLevel.Debug, "Transaction {Hash} executed in block {Block}.")]
    public static partial void Executed(ILogger logger, Felt hash, ulong block);

    [LoggerMessage(13, LogLevel.Debug, "Transaction {Hash} reverted in block {Block}: {Reason}")]
    public static partial void Reverted(ILogger logger, Felt hash, ulong block, string reason);

    [LoggerMessage(14, LogLevel.Debug, "Transaction {Hash} rejected at block building: {Reason}")]
    public static partial void Rejected(ILogger logger, Felt hash, string reason);

    [LoggerMessage(20, LogLevel.Debug, "Fault injection: submission {Hash} dropped.")]
    public static partial void SubmissionDropped(ILogger logger, Felt hash);

    [LoggerMessage(21, LogLevel.Debug, "Fault injection: nonce of {Account} bumped behind the client's back.")]
    public static partial void NonceRaceInjected(ILogger logger, Felt account);

    [LoggerMessage(22, LogLevel.Debug, "Fault injection: {Method} answered with {Fault}.")]
    public static partial void RequestFaultInjected(ILogger logger, string method, string fault);

    [LoggerMessage(30, LogLevel.Error, "The JSON-RPC method {Method} failed unexpectedly.")]
    public static partial void MethodFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(31, LogLevel.Error, "The block producer failed.")]
    public static partial void BlockProducerFailed(ILogger logger, Exception exception);
}
