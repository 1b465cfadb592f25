using System.Text.Json;

namespace Starknet.Rpc;

/// <summary>
/// A JSON-RPC error object answered by the node (<c>{"code", "message", "data"}</c>). Codes with a dedicated type throw
/// that subclass (for example <see cref="ValidationFailureException"/>); reserved JSON-RPC codes throw
/// <see cref="StarknetRpcProtocolException"/>; every other code throws this class itself, with <see cref="ErrorCode"/>
/// telling which one. Node errors are answers, not transport failures: the client never retries them.
/// </summary>
public class StarknetRpcException : Exception
{
    private const int MaxDataInMessage = 1000;

    /// <summary>Creates an error with code 0 and a generic message.</summary>
    public StarknetRpcException()
        : this(0, "Starknet JSON-RPC error.", null)
    {
    }

    /// <summary>Creates an error with code 0 and <paramref name="message"/>.</summary>
    /// <param name="message">The error message.</param>
    public StarknetRpcException(string message)
        : this(0, message, null)
    {
    }

    /// <summary>Creates an error with code 0, <paramref name="message"/> and an inner exception.</summary>
    /// <param name="message">The error message.</param>
    /// <param name="innerException">The underlying error.</param>
    public StarknetRpcException(string message, Exception? innerException)
        : this(0, message, null, null, innerException)
    {
    }

    /// <summary>Creates the error the node answered.</summary>
    /// <param name="code">The JSON-RPC <c>code</c>.</param>
    /// <param name="nodeMessage">The node's <c>message</c>, kept verbatim in <see cref="NodeMessage"/>.</param>
    /// <param name="errorData">The <c>data</c> member as raw JSON text, or null when absent.</param>
    /// <param name="method">The JSON-RPC method called, when known.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public StarknetRpcException(int code, string nodeMessage, string? errorData, string? method = null, Exception? innerException = null)
        : base(Compose(code, nodeMessage, errorData, method), innerException)
    {
        Code = code;
        NodeMessage = nodeMessage ?? string.Empty;
        ErrorData = errorData;
        Method = method;
    }

    /// <summary>The JSON-RPC error code (<c>code</c>).</summary>
    public int Code { get; }

    /// <summary><see cref="Code"/> as a <see cref="StarknetErrorCode"/> (an undefined value for codes outside the spec).</summary>
    public StarknetErrorCode ErrorCode => (StarknetErrorCode)Code;

    /// <summary>The node's <c>message</c>, verbatim.</summary>
    public string NodeMessage { get; }

    /// <summary>The node's <c>data</c> as raw JSON text (a JSON string keeps its quotes), or null when absent.</summary>
    public string? ErrorData { get; }

    /// <summary>The JSON-RPC method that failed, for example <c>starknet_addInvokeTransaction</c>.</summary>
    public string? Method { get; }

    /// <summary>
    /// <see cref="ErrorData"/> as text: the value when it is a JSON string, the raw JSON otherwise, null when absent.
    /// </summary>
    public string? ErrorDataText => DataText(ErrorData);

    private protected static string? DataText(string? errorData)
    {
        if (errorData is null)
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(errorData);
            return doc.RootElement.ValueKind == JsonValueKind.String ? doc.RootElement.GetString() : errorData;
        }
        catch (JsonException)
        {
            return errorData;
        }
    }

    private static string Compose(int code, string? nodeMessage, string? errorData, string? method)
    {
        var text = DataText(errorData);
        if (text is { Length: > MaxDataInMessage })
        {
            text = string.Concat(text.AsSpan(0, MaxDataInMessage), "…");
        }
        var prefix = method is null ? "" : method + ": ";
        return text is null
            ? $"{prefix}{nodeMessage} (JSON-RPC error {code})"
            : $"{prefix}{nodeMessage}: {text} (JSON-RPC error {code})";
    }
}

/// <summary>
/// A reserved JSON-RPC 2.0 error (-32768 to -32000, for example -32601 method not found or -32602 invalid params):
/// the request itself was not understood, usually a spec-version mismatch or a client bug.
/// </summary>
public sealed class StarknetRpcProtocolException : StarknetRpcException
{
    /// <summary>Creates the error the node answered.</summary>
    /// <param name="code">The JSON-RPC code, between -32768 and -32000.</param>
    /// <param name="nodeMessage">The node's message.</param>
    /// <param name="errorData">The <c>data</c> member as raw JSON, or null.</param>
    /// <param name="method">The method called.</param>
    public StarknetRpcProtocolException(int code, string nodeMessage, string? errorData, string? method = null)
        : base(code, nodeMessage, errorData, method)
    {
    }

    /// <summary>True for a code in the reserved JSON-RPC range, -32768 to -32000.</summary>
    public static bool IsReservedCode(int code) => code is >= -32768 and <= -32000;
}

/// <summary>
/// INVALID_TRANSACTION_NONCE (52): the nonce is not the account's next nonce (already used, or too far ahead).
/// </summary>
public sealed class InvalidTransactionNonceException : StarknetRpcException
{
    /// <summary>Creates the error the node answered.</summary>
    /// <param name="nodeMessage">The node's message.</param>
    /// <param name="errorData">The <c>data</c> member as raw JSON, or null.</param>
    /// <param name="method">The method called.</param>
    public InvalidTransactionNonceException(string nodeMessage, string? errorData, string? method = null)
        : base((int)StarknetErrorCode.InvalidTransactionNonce, nodeMessage, errorData, method)
    {
    }

    /// <summary>The node's explanation (the <c>data</c> string), or null.</summary>
    public string? Reason => ErrorDataText;
}

/// <summary>
/// VALIDATION_FAILURE (55): the account's <c>__validate__</c> rejected the transaction. For Argent sessions the reason
/// carries the Cairo error, for example <c>session/expired</c> or <c>session/revoked</c> (spec §13.1).
/// </summary>
public sealed class ValidationFailureException : StarknetRpcException
{
    /// <summary>Creates the error the node answered.</summary>
    /// <param name="nodeMessage">The node's message.</param>
    /// <param name="errorData">The <c>data</c> member as raw JSON, or null.</param>
    /// <param name="method">The method called.</param>
    public ValidationFailureException(string nodeMessage, string? errorData, string? method = null)
        : base((int)StarknetErrorCode.ValidationFailure, nodeMessage, errorData, method)
    {
    }

    /// <summary>
    /// The node's <c>data</c> string as given, for example <c>session/expired</c>. Real nodes may wrap the Cairo short
    /// string in a longer trace, so match with <see cref="string.Contains(string)"/> rather than equality. Null when the
    /// node sent no data.
    /// </summary>
    public string? Reason => ErrorDataText;
}

/// <summary>
/// DUPLICATE_TX (59): a transaction with the same hash is already in the mempool. After a retried
/// <c>starknet_addInvokeTransaction</c> this usually means the first attempt reached the node: the transaction was
/// accepted under the hash the caller computed.
/// </summary>
public sealed class DuplicateTransactionException : StarknetRpcException
{
    /// <summary>Creates the error the node answered.</summary>
    /// <param name="nodeMessage">The node's message.</param>
    /// <param name="errorData">The <c>data</c> member as raw JSON, or null.</param>
    /// <param name="method">The method called.</param>
    public DuplicateTransactionException(string nodeMessage, string? errorData, string? method = null)
        : base((int)StarknetErrorCode.DuplicateTransaction, nodeMessage, errorData, method)
    {
    }
}

/// <summary>INSUFFICIENT_ACCOUNT_BALANCE (54): the account cannot cover the transaction's maximal fee (sum of limit × max price).</summary>
public sealed class InsufficientAccountBalanceException : StarknetRpcException
{
    /// <summary>Creates the error the node answered.</summary>
    /// <param name="nodeMessage">The node's message.</param>
    /// <param name="errorData">The <c>data</c> member as raw JSON, or null.</param>
    /// <param name="method">The method called.</param>
    public InsufficientAccountBalanceException(string nodeMessage, string? errorData, string? method = null)
        : base((int)StarknetErrorCode.InsufficientAccountBalance, nodeMessage, errorData, method)
    {
    }
}

/// <summary>INSUFFICIENT_RESOURCES_FOR_VALIDATE (53): the resource bounds don't cover validation or the minimal fee.</summary>
public sealed class InsufficientResourcesForValidateException : StarknetRpcException
{
    /// <summary>Creates the error the node answered.</summary>
    /// <param name="nodeMessage">The node's message.</param>
    /// <param name="errorData">The <c>data</c> member as raw JSON, or null.</param>
    /// <param name="method">The method called.</param>
    public InsufficientResourcesForValidateException(string nodeMessage, string? errorData, string? method = null)
        : base((int)StarknetErrorCode.InsufficientResourcesForValidate, nodeMessage, errorData, method)
    {
    }
}

/// <summary>
/// TRANSACTION_EXECUTION_ERROR (41): a transaction of a <c>starknet_estimateFee</c> (or simulate) batch failed;
/// data <c>{transaction_index, execution_error}</c>.
/// </summary>
public sealed class TransactionExecutionErrorException : StarknetRpcException
{
    /// <summary>Creates the error the node answered.</summary>
    /// <param name="nodeMessage">The node's message.</param>
    /// <param name="errorData">The <c>data</c> member as raw JSON, or null.</param>
    /// <param name="method">The method called.</param>
    public TransactionExecutionErrorException(string nodeMessage, string? errorData, string? method = null)
        : base((int)StarknetErrorCode.TransactionExecutionError, nodeMessage, errorData, method)
    {
        (TransactionIndex, ExecutionError) = ReadData(errorData);
    }

    /// <summary>The index of the first failing transaction in the batch (<c>transaction_index</c>), or null.</summary>
    public ulong? TransactionIndex { get; }

    /// <summary>
    /// The execution trace up to the failure (<c>execution_error</c>): the text when it is a string, the raw JSON of the
    /// nested call error otherwise; null when absent.
    /// </summary>
    public string? ExecutionError { get; }

    private static (ulong?, string?) ReadData(string? errorData)
    {
        if (errorData is null)
        {
            return (null, null);
        }
        try
        {
            using var doc = JsonDocument.Parse(errorData);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, root.ValueKind == JsonValueKind.String ? root.GetString() : root.GetRawText());
            }
            ulong? index = root.TryGetProperty("transaction_index", out var i) && i.TryGetUInt64(out var n) ? n : null;
            var error = root.TryGetProperty("execution_error", out var e) ? ContractErrorException.ErrorText(e) : null;
            return (index, error);
        }
        catch (JsonException)
        {
            return (null, errorData);
        }
    }
}

/// <summary>CONTRACT_ERROR (40): a <c>starknet_call</c> failed inside the contract; data <c>{revert_error}</c>.</summary>
public sealed class ContractErrorException : StarknetRpcException
{
    /// <summary>Creates the error the node answered.</summary>
    /// <param name="nodeMessage">The node's message.</param>
    /// <param name="errorData">The <c>data</c> member as raw JSON, or null.</param>
    /// <param name="method">The method called.</param>
    public ContractErrorException(string nodeMessage, string? errorData, string? method = null)
        : base((int)StarknetErrorCode.ContractError, nodeMessage, errorData, method)
    {
        RevertError = ReadRevertError(errorData);
    }

    /// <summary>
    /// The execution trace up to the failure (<c>revert_error</c>): the text when it is a string, the raw JSON of the
    /// nested call error otherwise; null when absent.
    /// </summary>
    public string? RevertError { get; }

    internal static string ErrorText(JsonElement e) =>
        e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();

    private static string? ReadRevertError(string? errorData)
    {
        if (errorData is null)
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(errorData);
            var root = doc.RootElement;
            return root.ValueKind == JsonValueKind.Object
                ? root.TryGetProperty("revert_error", out var r) ? ErrorText(r) : null
                : ErrorText(root);
        }
        catch (JsonException)
        {
            return errorData;
        }
    }
}

/// <summary>TXN_HASH_NOT_FOUND (29): the node does not know the transaction (not received yet, or dropped).</summary>
public sealed class TransactionHashNotFoundException : StarknetRpcException
{
    /// <summary>Creates the error the node answered.</summary>
    /// <param name="nodeMessage">The node's message.</param>
    /// <param name="errorData">The <c>data</c> member as raw JSON, or null.</param>
    /// <param name="method">The method called.</param>
    public TransactionHashNotFoundException(string nodeMessage, string? errorData, string? method = null)
        : base((int)StarknetErrorCode.TransactionHashNotFound, nodeMessage, errorData, method)
    {
    }
}
