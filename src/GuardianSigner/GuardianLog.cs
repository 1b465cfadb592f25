using System.Numerics;
using Starknet;

namespace GuardianSigner;

/// <summary>Source-generated logs of the guardian. None of them carries key material or signatures.</summary>
internal static partial class GuardianLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning,
        Message = "Guardian key taken from plain configuration (Guardian:PrivateKey) in environment {Environment}; for development only. Public key {PublicKey}.")]
    public static partial void PlainKeyInUse(ILogger logger, string environment, Felt publicKey);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Guardian keystore {Path} unlocked; public key {PublicKey}.")]
    public static partial void KeystoreUnlocked(ILogger logger, string path, Felt publicKey);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information,
        Message = "Authorized session {SessionHash} of account {Account} on chain {ChainId} for dapp '{DappId}', expiring at {ExpiresAt}.")]
    public static partial void SessionAuthorized(ILogger logger, string sessionHash, string account, string chainId, string dappId, ulong expiresAt);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "Cosigned {Kind} {ExecutionHash} of session {SessionHash} (max fee {MaxFee}, repeat {Repeat}).")]
    public static partial void Cosigned(ILogger logger, string kind, Felt executionHash, Felt sessionHash, BigInteger maxFee, bool repeat);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Information, Message = "Session {SessionHash} revoked (on-chain {OnChain}, newly {Newly}).")]
    public static partial void SessionRevoked(ILogger logger, Felt sessionHash, bool onChain, bool newly);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Information, Message = "Refused to cosign {Kind} for session {SessionHash}: {Reason}.")]
    public static partial void CosignRefused(ILogger logger, string kind, Felt sessionHash, string reason);

    [LoggerMessage(EventId = 2020, Level = LogLevel.Information, Message = "Cosigner HTTP request refused with {HttpStatus}: {Reason} ({Field}).")]
    public static partial void HttpRefused(ILogger logger, int httpStatus, string reason, string? field);
}
