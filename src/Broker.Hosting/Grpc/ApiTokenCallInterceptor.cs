using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Broker.Hosting.Grpc;

/// <summary>
/// Sends <c>authorization: Bearer &lt;token&gt;</c> with every call of a gRPC client (a plain header, so it works on
/// the cleartext HTTP/2 channels between the services as on TLS ones); with no token it adds nothing.
/// </summary>
public sealed class ApiTokenCallInterceptor : Interceptor
{
    private readonly string? _value;

    /// <summary>Creates the interceptor.</summary>
    /// <param name="token">The token, or null to send none.</param>
    public ApiTokenCallInterceptor(string? token)
    {
        _value = string.IsNullOrWhiteSpace(token) ? null : "Bearer " + token;
    }

    /// <inheritdoc />
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return continuation(request, WithToken(context));
    }

    /// <inheritdoc />
    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return continuation(request, WithToken(context));
    }

    /// <inheritdoc />
    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return continuation(WithToken(context));
    }

    /// <inheritdoc />
    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return continuation(WithToken(context));
    }

    /// <inheritdoc />
    public override TResponse BlockingUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return continuation(request, WithToken(context));
    }

    private ClientInterceptorContext<TRequest, TResponse> WithToken<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class
        where TResponse : class
    {
        if (_value is null)
        {
            return context;
        }
        // A copy: the caller's metadata may be shared between its calls.
        var headers = new Metadata();
        if (context.Options.Headers is { } callerHeaders)
        {
            foreach (var entry in callerHeaders)
            {
                headers.Add(entry);
            }
        }
        headers.Add("authorization", _value);
        return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(headers));
    }
}

/// <summary>Registration of the API-token options, the server interceptor and the client side.</summary>
public static class ApiTokenServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="ApiAuthOptions"/> to the section <c>Auth</c> (checked at start), registers
    /// <see cref="ApiTokenInterceptor"/> as a singleton and a start-up log line saying whether the API is open. Calling
    /// it again does nothing.
    /// </summary>
    /// <param name="services">The services.</param>
    public static IServiceCollection AddApiAuth(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        // Binding twice would append the configured tokens twice to the lists.
        if (services.Any(d => d.ServiceType == typeof(ApiTokenInterceptor)))
        {
            return services;
        }
        services.AddOptions<ApiAuthOptions>().BindConfiguration(ApiAuthOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiAuthOptions>, ApiAuthOptionsValidator>();
        // A singleton, so the token digests are computed once rather than at every call.
        services.AddSingleton<ApiTokenInterceptor>();
        services.AddHostedService<ApiAuthStartupLog>();
        return services;
    }

    /// <summary>
    /// Sends the token configured for <paramref name="service"/> (<c>Auth:CallTokens:&lt;service&gt;</c>, see
    /// <see cref="ApiAuthOptions.CallTokens"/>) with every call of this client.
    /// </summary>
    /// <param name="builder">The client's builder.</param>
    /// <param name="service">The called service's name, e.g. <c>Guardian</c>.</param>
    public static IHttpClientBuilder AddApiToken(this IHttpClientBuilder builder, string service)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(service);
        builder.Services.AddApiAuth();
        return builder.AddInterceptor(sp => new ApiTokenCallInterceptor(sp.GetRequiredService<IOptions<ApiAuthOptions>>().Value.CallToken(service)));
    }
}
