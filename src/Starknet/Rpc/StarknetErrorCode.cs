namespace Starknet.Rpc;

/// <summary>
/// JSON-RPC error codes a Starknet node answers with. The Starknet codes and names are those of
/// starkware-libs/starknet-specs v0.9.0 and v0.10.x (<c>api/starknet_api_openrpc.json</c>, <c>starknet_write_api.json</c>,
/// <c>starknet_trace_api_openrpc.json</c>, <c>starknet_ws_api.json</c>, <c>starknet_executables.json</c>), which match
/// <c>@starknet-io/types-js</c> 0.10.4 <c>errors.d.ts</c>. The negative codes are the reserved JSON-RPC 2.0 codes.
/// </summary>
public enum StarknetErrorCode
{
    /// <summary>JSON-RPC 2.0: invalid JSON was received (-32700).</summary>
    ParseError = -32700,

    /// <summary>JSON-RPC 2.0: the request is not a valid request object (-32600).</summary>
    InvalidRequest = -32600,

    /// <summary>JSON-RPC 2.0: the method does not exist (-32601); the node may not speak this spec version.</summary>
    MethodNotFound = -32601,

    /// <summary>JSON-RPC 2.0: invalid method parameters (-32602).</summary>
    InvalidParams = -32602,

    /// <summary>JSON-RPC 2.0: internal error (-32603).</summary>
    InternalError = -32603,

    /// <summary>FAILED_TO_RECEIVE_TXN (1): "Failed to write transaction".</summary>
    FailedToReceiveTransaction = 1,

    /// <summary>NO_TRACE_AVAILABLE (10): "No trace available for transaction" (trace API).</summary>
    NoTraceAvailable = 10,

    /// <summary>CONTRACT_NOT_FOUND (20): "Contract not found".</summary>
    ContractNotFound = 20,

    /// <summary>ENTRYPOINT_NOT_FOUND (21): "Requested entry point does not exist in the contract".</summary>
    EntryPointNotFound = 21,

    /// <summary>BLOCK_NOT_FOUND (24): "Block not found".</summary>
    BlockNotFound = 24,

    /// <summary>INVALID_TXN_INDEX (27): "Invalid transaction index in a block".</summary>
    InvalidTransactionIndex = 27,

    /// <summary>CLASS_HASH_NOT_FOUND (28): "Class hash not found".</summary>
    ClassHashNotFound = 28,

    /// <summary>TXN_HASH_NOT_FOUND (29): "Transaction hash not found".</summary>
    TransactionHashNotFound = 29,

    /// <summary>PAGE_SIZE_TOO_BIG (31): "Requested page size is too big".</summary>
    PageSizeTooBig = 31,

    /// <summary>NO_BLOCKS (32): "There are no blocks".</summary>
    NoBlocks = 32,

    /// <summary>INVALID_CONTINUATION_TOKEN (33): "The supplied continuation token is invalid or unknown".</summary>
    InvalidContinuationToken = 33,

    /// <summary>TOO_MANY_KEYS_IN_FILTER (34): "Too many keys provided in a filter".</summary>
    TooManyKeysInFilter = 34,

    /// <summary>CONTRACT_ERROR (40): "Contract error"; data <c>{revert_error}</c>.</summary>
    ContractError = 40,

    /// <summary>TRANSACTION_EXECUTION_ERROR (41): "Transaction execution error"; data <c>{transaction_index, execution_error}</c>.</summary>
    TransactionExecutionError = 41,

    /// <summary>STORAGE_PROOF_NOT_SUPPORTED (42).</summary>
    StorageProofNotSupported = 42,

    /// <summary>CLASS_ALREADY_DECLARED (51): "Class already declared".</summary>
    ClassAlreadyDeclared = 51,

    /// <summary>INVALID_TRANSACTION_NONCE (52): "Invalid transaction nonce"; data is a string.</summary>
    InvalidTransactionNonce = 52,

    /// <summary>INSUFFICIENT_RESOURCES_FOR_VALIDATE (53): the resources don't cover validation or the minimal fee.</summary>
    InsufficientResourcesForValidate = 53,

    /// <summary>INSUFFICIENT_ACCOUNT_BALANCE (54): the balance is below the transaction's maximal fee.</summary>
    InsufficientAccountBalance = 54,

    /// <summary>VALIDATION_FAILURE (55): "Account validation failed"; data is a string (the account's error).</summary>
    ValidationFailure = 55,

    /// <summary>COMPILATION_FAILED (56): "Compilation failed"; data is a string.</summary>
    CompilationFailed = 56,

    /// <summary>CONTRACT_CLASS_SIZE_IS_TOO_LARGE (57).</summary>
    ContractClassSizeIsTooLarge = 57,

    /// <summary>NON_ACCOUNT (58): "Sender address is not an account contract".</summary>
    NonAccount = 58,

    /// <summary>DUPLICATE_TX (59): "A transaction with the same hash already exists in the mempool".</summary>
    DuplicateTransaction = 59,

    /// <summary>COMPILED_CLASS_HASH_MISMATCH (60).</summary>
    CompiledClassHashMismatch = 60,

    /// <summary>UNSUPPORTED_TX_VERSION (61): "the transaction version is not supported".</summary>
    UnsupportedTransactionVersion = 61,

    /// <summary>UNSUPPORTED_CONTRACT_CLASS_VERSION (62).</summary>
    UnsupportedContractClassVersion = 62,

    /// <summary>UNEXPECTED_ERROR (63): "An unexpected error occurred"; data is a string.</summary>
    UnexpectedError = 63,

    /// <summary>REPLACEMENT_TRANSACTION_UNDERPRICED (64): a same-nonce replacement must pay more.</summary>
    ReplacementTransactionUnderpriced = 64,

    /// <summary>FEE_BELOW_MINIMUM (65): "Transaction fee below minimum".</summary>
    FeeBelowMinimum = 65,

    /// <summary>INVALID_SUBSCRIPTION_ID (66) (WebSocket API).</summary>
    InvalidSubscriptionId = 66,

    /// <summary>TOO_MANY_ADDRESSES_IN_FILTER (67) (WebSocket API).</summary>
    TooManyAddressesInFilter = 67,

    /// <summary>TOO_MANY_BLOCKS_BACK (68) (WebSocket API).</summary>
    TooManyBlocksBack = 68,

    /// <summary>INVALID_PROOF (69): the invoke v3 <c>proof</c> field is invalid (spec 0.10.2 and later).</summary>
    InvalidProof = 69,

    /// <summary>COMPILATION_ERROR (100): "Failed to compile the contract" (executables API).</summary>
    CompilationError = 100,
}
