using Broker.Hosting.Grpc;
using Broker.Hosting.State;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Hosting.Tests;

/// <summary>The error model: rich statuses, HTTP mapping, request-field parsing and the interceptor.</summary>
public sealed class BrokerRpcExceptionTests
{
    [Fact]
    public void InvalidArgument_CarriesBadRequestAndErrorInfo()
    {
        var status = BrokerRpcException.InvalidArgument("transaction.calls[2].to", "not a felt").ToRpcException().GetRpcStatus()!;
        Assert.Equal((int)Code.InvalidArgument, status.Code);
        var violation = Assert.Single(status.GetDetail<BadRequest>()!.FieldViolations);
        Assert.Equal("transaction.calls[2].to", violation.Field);
        Assert.Equal("not a felt", violation.Description);
        Assert.Equal("INVALID_ARGUMENT", status.GetDetail<ErrorInfo>()!.Reason);
        Assert.Equal(BrokerRpcException.ErrorDomain, status.GetDetail<ErrorInfo>()!.Domain);
    }

    [Theory]
    [InlineData(StatusCode.InvalidArgument, 400)]
    [InlineData(StatusCode.PermissionDenied, 403)]
    [InlineData(StatusCode.NotFound, 404)]
    [InlineData(StatusCode.FailedPrecondition, 409)]
    [InlineData(StatusCode.ResourceExhausted, 429)]
    public void HttpStatusCode_FollowsTheGoogleRpcMapping(StatusCode code, int http) =>
        Assert.Equal(http, new BrokerRpcException(code, "m", "R").HttpStatusCode);

    [Theory]
    [InlineData("0x1", true)]
    [InlineData("0X0abc", true)]
    [InlineData("0x800000000000011000000000000000000000000000000000000000000000000", true)] // p - 1
    [InlineData("0x800000000000011000000000000000000000000000000000000000000000001", false)] // p
    [InlineData("12", false)]
    [InlineData("0x", false)]
    [InlineData("0xg1", false)]
    [InlineData("", false)]
    [InlineData("0x00000000000000000000000000000000000000000000000000000000000000001", false)] // 65 digits
    public void Felt_AcceptsOnly0xHexBelowP(string text, bool ok)
    {
        if (ok)
        {
            RequestFields.Felt(text, "f");
            return;
        }
        var ex = Assert.Throws<BrokerRpcException>(() => RequestFields.Felt(text, "f"));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("f", ex.Field);
    }

    [Fact]
    public void Count_OverTheLimit_IsInvalidArgumentNamingTheArray()
    {
        var ex = Assert.Throws<BrokerRpcException>(() => RequestFields.Count(65, "transaction.calls", RequestLimits.MaxCalls));
        Assert.Equal("transaction.calls", ex.Field);
        Assert.Throws<BrokerRpcException>(() => RequestFields.Count(0, "calls", 10, min: 1));
    }

    [Fact]
    public void UnsignedInteger_RespectsTheBitWidth()
    {
        Assert.Equal(ulong.MaxValue, (ulong)RequestFields.UnsignedInteger("18446744073709551615", "a", 64));
        Assert.Equal(255, (int)RequestFields.UnsignedInteger("0xff", "a", 8));
        Assert.Throws<BrokerRpcException>(() => RequestFields.UnsignedInteger("18446744073709551616", "a", 64));
        Assert.Throws<BrokerRpcException>(() => RequestFields.UnsignedDecimal("-1", "a", 64));
        Assert.Throws<BrokerRpcException>(() => RequestFields.UnsignedDecimal("1e5", "a", 64));
    }

    [Fact]
    public async Task Interceptor_MapsDomainExceptions()
    {
        var interceptor = new BrokerExceptionInterceptor(NullLogger<BrokerExceptionInterceptor>.Instance);
        var context = new TestCallContext();

        var refused = await Assert.ThrowsAsync<RpcException>(() => interceptor.UnaryServerHandler<string, string>("request", context,
            (_, _) => throw BrokerRpcException.FailedPrecondition("session revoked", "SESSION_REVOKED")));
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Equal("session revoked", refused.Status.Detail);
        Assert.Equal("SESSION_REVOKED", refused.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Reason);

        var conflict = await Assert.ThrowsAsync<RpcException>(() => interceptor.UnaryServerHandler<string, string>("request", context,
            (_, _) => throw new StateConcurrencyException("k", 3)));
        Assert.Equal(StatusCode.Aborted, conflict.StatusCode);

        // Unexpected faults are left to gRPC, which reports UNKNOWN without details.
        await Assert.ThrowsAsync<InvalidOperationException>(() => interceptor.UnaryServerHandler<string, string>("request", context,
            (_, _) => throw new InvalidOperationException("bug")));
    }

    private sealed class TestCallContext : ServerCallContext
    {
        protected override string MethodCore => "/test/Method";
        protected override string HostCore => "localhost";
        protected override string PeerCore => "test";
        protected override DateTime DeadlineCore => DateTime.MaxValue;
        protected override Metadata RequestHeadersCore => [];
        protected override CancellationToken CancellationTokenCore => CancellationToken.None;
        protected override Metadata ResponseTrailersCore => [];
        protected override global::Grpc.Core.Status StatusCore { get; set; }
        protected override WriteOptions? WriteOptionsCore { get; set; }
        protected override AuthContext AuthContextCore => new(null, []);
        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();
        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}
