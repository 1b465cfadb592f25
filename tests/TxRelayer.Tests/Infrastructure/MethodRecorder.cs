using Grpc.Core;
using Grpc.Core.Interceptors;

namespace TxRelayer.Tests.Infrastructure;

/// <summary>A client interceptor recording the gRPC methods a client calls, in order (e.g. to count round trips).</summary>
internal sealed class MethodRecorder : Interceptor
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _methods = new();

    public string[] Methods => [.. _methods];

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
        AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        _methods.Enqueue(context.Method.Name);
        return continuation(request, context);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        _methods.Enqueue(context.Method.Name);
        return continuation(request, context);
    }
}
