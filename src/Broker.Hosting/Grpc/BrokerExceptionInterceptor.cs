using Broker.Hosting.State;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace Broker.Hosting.Grpc;

/// <summary>
/// The one place that maps domain exceptions to gRPC statuses: <see cref="BrokerRpcException"/> to its rich
/// status, <see cref="StateConcurrencyException"/> to ABORTED (the client may retry), a cancelled call to
/// CANCELLED. Anything else is an unexpected fault: it is logged and left to gRPC (UNKNOWN, no details leak).
/// </summary>
public sealed partial class BrokerExceptionInterceptor(ILogger<BrokerExceptionInterceptor> logger) : Interceptor
{
    /// <inheritdoc />
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (Map(ex, context) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <inheritdoc />
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (Map(ex, context) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <inheritdoc />
    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            return await continuation(requestStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (Map(ex, context) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <inheritdoc />
    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await continuation(requestStream, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (Map(ex, context) is { } mapped)
        {
            throw mapped;
        }
    }

    private RpcException? Map(Exception exception, ServerCallContext context)
    {
        switch (exception)
        {
            case RpcException:
                return null;
            case BrokerRpcException { StatusCode: StatusCode.Internal } fault:
                // Not the caller's doing (a malformed answer of another service, a deployment fault): worth an operator's look.
                LogFault(context.Method, fault.Reason, fault.Message);
                return fault.ToRpcException();
            case BrokerRpcException { StatusCode: StatusCode.Unauthenticated } unauthenticated:
                // Anyone who reaches the port can send these; at Information they would flood the log.
                LogUnauthenticated(context.Method, unauthenticated.Reason);
                return unauthenticated.ToRpcException();
            case BrokerRpcException broker:
                LogRefused(context.Method, broker.StatusCode, broker.Reason);
                return broker.ToRpcException();
            case StateConcurrencyException concurrency:
                LogRefused(context.Method, StatusCode.Aborted, "STATE_CONFLICT");
                return new BrokerRpcException(StatusCode.Aborted, "concurrent update, retry the call", "STATE_CONFLICT", innerException: concurrency).ToRpcException();
            case ComponentUnavailableException component:
                // The sidecar (or the store behind it) failed; the call may succeed later, and nothing of it is echoed back.
                LogComponentUnavailable(component, context.Method, component.ComponentName);
                return new BrokerRpcException(StatusCode.Unavailable, "a backing component is unavailable, retry later", "COMPONENT_UNAVAILABLE", innerException: component).ToRpcException();
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                return new RpcException(new global::Grpc.Core.Status(StatusCode.Cancelled, "the call was cancelled"));
            default:
                LogUnexpected(exception, context.Method);
                return null;
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "{Method} refused: {StatusCode} {Reason}.")]
    private partial void LogRefused(string method, StatusCode statusCode, string reason);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Debug, Message = "{Method} refused: UNAUTHENTICATED {Reason}.")]
    private partial void LogUnauthenticated(string method, string reason);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Error, Message = "{Method} failed: {Reason}: {Detail}.")]
    private partial void LogFault(string method, string reason, string detail);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "{Method} failed: component {Component} is unavailable.")]
    private partial void LogComponentUnavailable(Exception exception, string method, string component);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "{Method} failed unexpectedly.")]
    private partial void LogUnexpected(Exception exception, string method);
}
