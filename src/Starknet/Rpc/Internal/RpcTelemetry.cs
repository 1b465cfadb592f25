using System.Diagnostics;

namespace Starknet.Rpc.Internal;

/// <summary>
/// The activity source of the JSON-RPC client and the tag names it sets, from the OpenTelemetry RPC and JSON-RPC
/// semantic conventions (<c>rpc.system</c>, <c>rpc.method</c>, <c>rpc.jsonrpc.*</c>, <c>server.*</c>, <c>error.type</c>).
/// </summary>
internal static class RpcTelemetry
{
    public static readonly ActivitySource Source = new(
        StarknetRpcClient.ActivitySourceName,
        typeof(RpcTelemetry).Assembly.GetName().Version?.ToString());

    public const string RpcSystem = "rpc.system";
    public const string RpcMethod = "rpc.method";
    public const string JsonRpcVersion = "rpc.jsonrpc.version";
    public const string JsonRpcRequestId = "rpc.jsonrpc.request_id";
    public const string JsonRpcErrorCode = "rpc.jsonrpc.error_code";
    public const string JsonRpcErrorMessage = "rpc.jsonrpc.error_message";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";
    public const string ErrorType = "error.type";
    public const string HttpStatusCode = "http.response.status_code";

    /// <summary>How many HTTP attempts the call made (1 + retries).</summary>
    public const string Attempts = "starknet.rpc.attempts";

    /// <summary>The event added before each retry, with the attempt number, the delay and the reason.</summary>
    public const string RetryEvent = "starknet.rpc.retry";
    public const string RetryAttempt = "starknet.rpc.retry.attempt";
    public const string RetryDelayMs = "starknet.rpc.retry.delay_ms";
    public const string RetryReason = "starknet.rpc.retry.reason";
}
