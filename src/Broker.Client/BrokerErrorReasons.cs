namespace Broker.Client;

/// <summary>
/// The <c>google.rpc.ErrorInfo.reason</c> values the broker and the guardian send with their refusals, by which the
/// client picks an exception type.
/// </summary>
public static class BrokerErrorReasons
{
    /// <summary>The service needs an API token and the call sent none (UNAUTHENTICATED).</summary>
    public const string ApiTokenMissing = "API_TOKEN_MISSING";

    /// <summary>The call's API token is not one the service accepts (UNAUTHENTICATED).</summary>
    public const string ApiTokenInvalid = "API_TOKEN_INVALID";

    /// <summary>The session hash is not registered (NOT_FOUND).</summary>
    public const string SessionNotFound = "SESSION_NOT_FOUND";

    /// <summary>The session was revoked, off-chain or on-chain (FAILED_PRECONDITION).</summary>
    public const string SessionRevoked = "SESSION_REVOKED";

    /// <summary>The session is past its expiry (FAILED_PRECONDITION).</summary>
    public const string SessionExpired = "SESSION_EXPIRED";

    /// <summary>The owner's signature does not verify over the session hash (PERMISSION_DENIED).</summary>
    public const string OwnerSignatureInvalid = "OWNER_SIGNATURE_INVALID";

    /// <summary>The owner key is not an owner of the account on the chain (PERMISSION_DENIED).</summary>
    public const string NotAnOwner = "NOT_AN_OWNER";

    /// <summary>The session's chain is not the chain the broker follows (FAILED_PRECONDITION).</summary>
    public const string ChainMismatch = "CHAIN_MISMATCH";

    /// <summary>No contract is deployed at the account address (FAILED_PRECONDITION).</summary>
    public const string AccountNotDeployed = "ACCOUNT_NOT_DEPLOYED";

    /// <summary>The broker's guardian is not a guardian of the account, so its cosignatures would be refused on-chain (FAILED_PRECONDITION).</summary>
    public const string GuardianNotOnAccount = "GUARDIAN_NOT_ON_ACCOUNT";

    /// <summary>The account cannot answer the Argent 0.5.0 views (FAILED_PRECONDITION).</summary>
    public const string AccountNotSupported = "ACCOUNT_NOT_SUPPORTED";

    /// <summary>The Starknet node could not be reached (UNAVAILABLE); retry.</summary>
    public const string NodeUnavailable = "NODE_UNAVAILABLE";

    /// <summary>The guardian could not be reached (UNAVAILABLE); retry.</summary>
    public const string GuardianUnavailable = "GUARDIAN_UNAVAILABLE";

    /// <summary>The session is stored but its event could not be published (UNAVAILABLE); retry, the call is idempotent.
    /// No longer sent by SessionBroker, which commits a session and its event together (a pub/sub failure is now
    /// COMPONENT_UNAVAILABLE with nothing stored); kept for older servers.</summary>
    public const string PubSubUnavailable = "PUBSUB_UNAVAILABLE";

    /// <summary>Guardian: the session key did not sign this transaction (PERMISSION_DENIED).</summary>
    public const string SessionSignatureInvalid = "SESSION_SIGNATURE_INVALID";

    /// <summary>Guardian: a call is not an allowed method of the session (PERMISSION_DENIED).</summary>
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";

    /// <summary>Guardian: a contract is not allowed by the dapp's policy (PERMISSION_DENIED).</summary>
    public const string ContractNotAllowed = "CONTRACT_NOT_ALLOWED";

    /// <summary>Guardian: the dapp is not allowed by this guardian (PERMISSION_DENIED).</summary>
    public const string DappNotAllowed = "DAPP_NOT_ALLOWED";

    /// <summary>Guardian: the session is longer than the dapp's policy allows (PERMISSION_DENIED).</summary>
    public const string SessionTooLong = "SESSION_TOO_LONG";

    /// <summary>Guardian: the transaction's maximum fee would exceed the metadata's <c>txFees</c> allowance (PERMISSION_DENIED).</summary>
    public const string FeeLimit = "FEE_LIMIT";

    /// <summary>Guardian: too many transactions for the session in the last minute (RESOURCE_EXHAUSTED).</summary>
    public const string RateLimited = "RATE_LIMITED";

    /// <summary>The relayer does not know the request id (NOT_FOUND).</summary>
    public const string RequestNotFound = "REQUEST_NOT_FOUND";

    /// <summary>The request id was already used for a different request (FAILED_PRECONDITION); use a new id.</summary>
    public const string RequestIdReused = "REQUEST_ID_REUSED";

    /// <summary>The relayer could not be reached (UNAVAILABLE); retry with the same request id.</summary>
    public const string RelayerUnavailable = "RELAYER_UNAVAILABLE";

    /// <summary>Relayer: the transaction would fail; the message carries the account's error (FAILED_PRECONDITION).</summary>
    public const string EstimateFailed = "ESTIMATE_FAILED";

    /// <summary>Relayer: the estimated fee is above its cap per transaction (FAILED_PRECONDITION).</summary>
    public const string FeeCapExceeded = "FEE_CAP_EXCEEDED";

    /// <summary>Relayer: the outside execution's execute_before has passed (FAILED_PRECONDITION).</summary>
    public const string OutsideExecutionExpired = "OUTSIDE_EXECUTION_EXPIRED";
}
