using Broker.Hosting.Grpc;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Broker.Hosting.Tests;

/// <summary>
/// The API tokens of the gRPC services (section <c>Auth</c>): binding and checks of the options, the server
/// interceptor that admits a call, the client interceptor that sends the token. The whole stack with tokens is tested
/// in tests/Broker.Demo.Tests (ApiTokenStackTests).
/// </summary>
public sealed class ApiTokenTests
{
    private const string TokenA = "token-a-0123456789abcdef";
    private const string TokenB = "token-b-0123456789abcdef";

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddApiAuth();
        services.AddApiAuth();
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Options_Bound_BlankEntriesIgnoredAndBindingOnceWhenAddedTwice()
    {
        using var sp = Services(new()
        {
            ["Auth:ApiTokens:0"] = TokenA,
            ["Auth:ApiTokens:1"] = "",
            ["Auth:ApiTokens:2"] = TokenB,
            ["Auth:CallTokens:Guardian"] = TokenB,
            ["Auth:CallTokens:Relayer"] = " ",
        });
        var options = sp.GetRequiredService<IOptions<ApiAuthOptions>>().Value;

        Assert.Equal([TokenA, TokenB], options.AcceptedTokens);
        Assert.Equal(TokenB, options.CallToken("guardian"));
        Assert.Null(options.CallToken("Relayer"));
        Assert.Null(options.CallToken("Other"));
    }

    [Fact]
    public void Options_ShortOrSpacedToken_FailsNamingTheKeysNeverTheValues()
    {
        using var sp = Services(new()
        {
            ["Auth:ApiTokens:0"] = TokenA,
            ["Auth:ApiTokens:1"] = "short-secret",
            ["Auth:CallTokens:Guardian"] = "has a space in the middle",
        });

        var error = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<ApiAuthOptions>>().Value);

        Assert.Contains("Auth:ApiTokens:1", error.Message, StringComparison.Ordinal);
        Assert.Contains("Auth:CallTokens:Guardian", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Auth:ApiTokens:0", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("short-secret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("has a space", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_BadTokenInALaterSlot_NamedByItsOwnKey()
    {
        using var sp = Services(new() { ["Auth:ApiTokens:3"] = "short-secret" });

        var error = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<ApiAuthOptions>>().Value);

        Assert.Contains("Auth:ApiTokens:3", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Auth:ApiTokens:0", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Auth:ApiTokens", "Auth:ApiTokens is a list")]
    [InlineData("Auth:CallTokens", "Auth:CallTokens is a map")]
    [InlineData("Auth:ApiToken:0", "Auth:ApiToken is not a setting")]
    public void Options_ShapesThatWouldBindToNothing_FailTheStart(string key, string expected)
    {
        // Each of these would otherwise leave the accepted list empty: an open API where tokens were meant.
        using var sp = Services(new() { [key] = TokenA });

        var error = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<ApiAuthOptions>>().Value);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TokenA, error.Message, StringComparison.Ordinal);
    }

    private static ApiTokenInterceptor Interceptor(params string[] tokens)
    {
        var options = new ApiAuthOptions();
        options.ApiTokens.AddRange(tokens);
        return new ApiTokenInterceptor(Options.Create(options));
    }

    // Async so that a refusal, thrown before the handler runs, arrives as the task's exception.
    private static async Task<string> CallAsync(ApiTokenInterceptor interceptor, string? authorization, string method = "/broker.session.v1.SessionBroker/RevokeSession")
    {
        return await interceptor.UnaryServerHandler("request", new CallContext(method, authorization), (request, _) => Task.FromResult("answered " + request));
    }

    private static async Task AssertRefusedAsync(Task call, string reason)
    {
        var e = await Assert.ThrowsAsync<BrokerRpcException>(() => call);
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.Equal(reason, e.Reason);
        // What the caller receives: UNAUTHENTICATED with the reason in ErrorInfo.
        var status = e.ToRpcException().GetRpcStatus();
        Assert.Equal(reason, status!.GetDetail<ErrorInfo>().Reason);
    }

    [Fact]
    public async Task Interceptor_NoTokensConfigured_EveryCallPasses()
    {
        var open = Interceptor();
        Assert.False(open.Enabled);
        Assert.Equal("answered request", await CallAsync(open, authorization: null));
        Assert.Equal("answered request", await CallAsync(open, "Bearer anything-at-all"));
    }

    [Fact]
    public async Task Interceptor_TokensConfigured_OnlyAnAcceptedBearerTokenPasses()
    {
        var closed = Interceptor(TokenA, TokenB);
        Assert.True(closed.Enabled);

        Assert.Equal("answered request", await CallAsync(closed, "Bearer " + TokenA));
        Assert.Equal("answered request", await CallAsync(closed, "Bearer " + TokenB));
        Assert.Equal("answered request", await CallAsync(closed, "bearer " + TokenB));

        await AssertRefusedAsync(CallAsync(closed, authorization: null), ApiTokenInterceptor.MissingReason);
        await AssertRefusedAsync(CallAsync(closed, ""), ApiTokenInterceptor.MissingReason);
        await AssertRefusedAsync(CallAsync(closed, "Bearer " + TokenA + "x"), ApiTokenInterceptor.InvalidReason);
        await AssertRefusedAsync(CallAsync(closed, "Bearer " + TokenA[..^1]), ApiTokenInterceptor.InvalidReason);
        await AssertRefusedAsync(CallAsync(closed, TokenA), ApiTokenInterceptor.InvalidReason);
        await AssertRefusedAsync(CallAsync(closed, "Basic " + TokenA), ApiTokenInterceptor.InvalidReason);
    }

    [Fact]
    public async Task Interceptor_HealthAndReflection_OpenWithoutToken()
    {
        var closed = Interceptor(TokenA);

        Assert.Equal("answered request", await CallAsync(closed, null, "/grpc.health.v1.Health/Check"));
        Assert.Equal("answered request", await CallAsync(closed, null, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"));
        await AssertRefusedAsync(CallAsync(closed, null, "/broker.guardian.v1.GuardianSigner/RevokeSession"), ApiTokenInterceptor.MissingReason);
    }

    [Fact]
    public async Task Interceptor_ServerStreamingCall_CheckedBeforeTheHandlerRuns()
    {
        var closed = Interceptor(TokenA);
        var ran = false;
        var e = await Assert.ThrowsAsync<BrokerRpcException>(() => closed.ServerStreamingServerHandler<string, string>(
            "request", null!, new CallContext("/broker.relayer.v1.TxRelayer/WatchTransaction", authorization: null),
            (_, _, _) => { ran = true; return Task.CompletedTask; }));

        Assert.Equal(ApiTokenInterceptor.MissingReason, e.Reason);
        Assert.False(ran);
    }

    [Fact]
    public void CallInterceptor_Token_AddsTheHeaderToACopyOfTheCallersHeaders()
    {
        var callerHeaders = new Metadata { { "x-request", "1" } };
        var method = new Method<string, string>(MethodType.Unary, "svc", "m", Marshallers.StringMarshaller, Marshallers.StringMarshaller);
        Metadata? sent = null;

        new ApiTokenCallInterceptor(TokenA).BlockingUnaryCall("request", new ClientInterceptorContext<string, string>(method, null, new CallOptions(callerHeaders)),
            (request, context) => { sent = context.Options.Headers; return "ok"; });

        Assert.Equal("Bearer " + TokenA, sent!.GetValue("authorization"));
        Assert.Equal("1", sent.GetValue("x-request"));
        Assert.Null(callerHeaders.GetValue("authorization"));
    }

    [Fact]
    public void CallInterceptor_NoToken_SendsNothing()
    {
        var method = new Method<string, string>(MethodType.Unary, "svc", "m", Marshallers.StringMarshaller, Marshallers.StringMarshaller);
        Metadata? sent = [];

        new ApiTokenCallInterceptor(" ").BlockingUnaryCall("request", new ClientInterceptorContext<string, string>(method, null, new CallOptions()),
            (request, context) => { sent = context.Options.Headers; return "ok"; });

        Assert.Null(sent);
    }

    /// <summary>
    /// A server call context with a method name and an HTTP request carrying the authorization header, found as
    /// grpc-dotnet's GetHttpContext finds it outside ASP.NET Core (UserState["__HttpContext"]).
    /// </summary>
    private sealed class CallContext : ServerCallContext
    {
        private readonly string _method;
        private readonly Metadata _trailers = [];

        public CallContext(string method, string? authorization)
        {
            _method = method;
            var http = new DefaultHttpContext();
            if (authorization is not null)
            {
                http.Request.Headers.Authorization = authorization;
            }
            UserState["__HttpContext"] = http;
        }

        protected override string MethodCore => _method;
        protected override string HostCore => "localhost";
        protected override string PeerCore => "ipv4:127.0.0.1:5000";
        protected override DateTime DeadlineCore => DateTime.MaxValue;
        protected override Metadata RequestHeadersCore => throw new InvalidOperationException("the interceptor reads the HTTP request");
        protected override CancellationToken CancellationTokenCore => CancellationToken.None;
        protected override Metadata ResponseTrailersCore => _trailers;
        protected override global::Grpc.Core.Status StatusCore { get; set; }
        protected override WriteOptions? WriteOptionsCore { get; set; }
        protected override AuthContext AuthContextCore => new(null, []);

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}
