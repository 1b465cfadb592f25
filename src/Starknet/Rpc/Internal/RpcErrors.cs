namespace Starknet.Rpc.Internal;

/// <summary>Maps a JSON-RPC error object to its typed exception.</summary>
internal static class RpcErrors
{
    public static StarknetRpcException Create(int code, string message, string? data, string method) => (StarknetErrorCode)code switch
    {
        StarknetErrorCode.TransactionHashNotFound => new TransactionHashNotFoundException(message, data, method),
        StarknetErrorCode.ContractError => new ContractErrorException(message, data, method),
        StarknetErrorCode.TransactionExecutionError => new TransactionExecutionErrorException(message, data, method),
        StarknetErrorCode.InvalidTransactionNonce => new InvalidTransactionNonceException(message, data, method),
        StarknetErrorCode.InsufficientResourcesForValidate => new InsufficientResourcesForValidateException(message, data, method),
        StarknetErrorCode.InsufficientAccountBalance => new InsufficientAccountBalanceException(message, data, method),
        StarknetErrorCode.ValidationFailure => new ValidationFailureException(message, data, method),
        StarknetErrorCode.DuplicateTransaction => new DuplicateTransactionException(message, data, method),
        _ when StarknetRpcProtocolException.IsReservedCode(code) => new StarknetRpcProtocolException(code, message, data, method),
        _ => new StarknetRpcException(code, message, data, method),
    };
}
