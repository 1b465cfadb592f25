using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Broker.Hosting.Grpc;

/// <summary>
/// Admits a gRPC call only with <c>authorization: Bearer &lt;token&gt;</c> naming one of the service's
/// <see cref="ApiAuthOptions.ApiTokens"/>; with none configured every call passes. The gRPC health and reflection
/// services always pass (probes send no token, and reflection only describes the published contracts). A refused call
/// ends with UNAUTHENTICATED and reason <c>API_TOKEN_MISSING</c> or <c>API_TOKEN_INVALID</c>.
/// </summary>
/// <remarks>
/// The presented token is checked with <see cref="TokenDigests"/> (fixed time). Registered as a singleton, so the
/// digests are computed once.
/// </remarks>
public sealed class ApiTokenInterceptor : Interceptor
{
    /// <summary>The reason of a call without a token.</summary>
    public const string MissingReason = "API_TOKEN_MISSING";

    /// <summary>The reason of a call with a token that is not accepted.</summary>
    public const string InvalidReason = "API_TOKEN_INVALID";

    private const string Scheme = "Bearer ";
    private readonly TokenDigests _tokens;

    /// <summary>Creates the interceptor over the service's <see cref="ApiAuthOptions"/>.</summary>
    /// <param name="options">The options.</param>
    public ApiTokenInterceptor(IOptions<ApiAuthOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _tokens = new TokenDigests(options.Value.AcceptedTokens);
    }

    /// <summary>True when calls need a token.</summary>
    public bool Enabled => !_tokens.IsEmpty;

    /// <inheritdoc />
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        Authorize(context);
        return continuation(request, context);
    }

    /// <inheritdoc />
    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        Authorize(context);
        return continuation(request, responseStream, context);
    }

    /// <inheritdoc />
    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        Authorize(context);
        return continuation(requestStream, context);
    }

    /// <inheritdoc />
    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        Authorize(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Authorize(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_tokens.IsEmpty || IsOpenMethod(context.Method))
        {
            return;
        }
        // From the HTTP request itself: ServerCallContext.RequestHeaders would copy every header into a new Metadata.
        string? header = context.GetHttpContext().Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            throw new BrokerRpcException(StatusCode.Unauthenticated,
                "this API needs a token: send the metadata 'authorization: Bearer <token>'", MissingReason);
        }
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || !_tokens.Matches(header.AsSpan(Scheme.Length).Trim()))
        {
            throw new BrokerRpcException(StatusCode.Unauthenticated,
                "the API token is not accepted: send 'authorization: Bearer <token>' with a token this service is configured with", InvalidReason);
        }
    }

    private static bool IsOpenMethod(string method) =>
        method.StartsWith("/grpc.health.v1.Health/", StringComparison.Ordinal)
        || method.StartsWith("/grpc.reflection.", StringComparison.Ordinal);
}
