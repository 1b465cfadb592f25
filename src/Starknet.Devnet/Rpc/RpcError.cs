using System.Text.Json.Nodes;
using Starknet.Rpc;

namespace Starknet.Devnet.Rpc;

/// <summary>
/// A JSON-RPC error the devnet answers with: code, the spec's message for it, and the <c>data</c> member (a string or an
/// object, as the spec defines for each error).
/// </summary>
internal sealed class RpcErrorException : Exception
{
    public RpcErrorException()
        : this(StarknetErrorCode.UnexpectedError, null)
    {
    }

    public RpcErrorException(string message)
        : this((int)StarknetErrorCode.UnexpectedError, message, JsonValue.Create(message))
    {
    }

    public RpcErrorException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Code = (int)StarknetErrorCode.UnexpectedError;
    }

    public RpcErrorException(StarknetErrorCode code, JsonNode? data)
        : this((int)code, StandardMessage(code), data)
    {
    }

    public RpcErrorException(int code, string message, JsonNode? data)
        : base(message)
    {
        Code = code;
        ErrorData = data;
    }

    public int Code { get; }

    public JsonNode? ErrorData { get; }

    public static RpcErrorException WithText(StarknetErrorCode code, string data) => new(code, JsonValue.Create(data));

    public static RpcErrorException InvalidParams(string path, string problem) =>
        new((int)StarknetErrorCode.InvalidParams, "Invalid params", JsonValue.Create($"{path}: {problem}"));

    /// <summary>The messages of starknet-specs 0.10 for the errors the devnet produces.</summary>
    public static string StandardMessage(StarknetErrorCode code) => code switch
    {
        StarknetErrorCode.ParseError => "Parse error",
        StarknetErrorCode.InvalidRequest => "Invalid Request",
        StarknetErrorCode.MethodNotFound => "Method not found",
        StarknetErrorCode.InvalidParams => "Invalid params",
        StarknetErrorCode.InternalError => "Internal error",
        StarknetErrorCode.ContractNotFound => "Contract not found",
        StarknetErrorCode.EntryPointNotFound => "Requested entrypoint does not exist in the contract",
        StarknetErrorCode.BlockNotFound => "Block not found",
        StarknetErrorCode.TransactionHashNotFound => "Transaction hash not found",
        StarknetErrorCode.PageSizeTooBig => "Requested page size is too big",
        StarknetErrorCode.NoBlocks => "There are no blocks",
        StarknetErrorCode.InvalidContinuationToken => "The supplied continuation token is invalid or unknown",
        StarknetErrorCode.TooManyKeysInFilter => "Too many keys provided in a filter",
        StarknetErrorCode.ContractError => "Contract error",
        StarknetErrorCode.TransactionExecutionError => "Transaction execution error",
        StarknetErrorCode.InvalidTransactionNonce => "Invalid transaction nonce",
        StarknetErrorCode.InsufficientResourcesForValidate => "The transaction's resources don't cover validation or the minimal transaction fee",
        StarknetErrorCode.InsufficientAccountBalance => "Account balance is smaller than the transaction's maximal fee (calculated as the sum of each used resource's limit x max price)",
        StarknetErrorCode.ValidationFailure => "Account validation failed",
        StarknetErrorCode.NonAccount => "Sender address is not an account contract",
        StarknetErrorCode.DuplicateTransaction => "A transaction with the same hash already exists in the mempool",
        StarknetErrorCode.UnsupportedTransactionVersion => "The transaction version is not supported",
        _ => "An unexpected error occurred",
    };
}
