using Broker.Client;
using Broker.Client.Internal;
using Broker.Hosting.Grpc;
using Grpc.Core;

namespace SessionBroker.Tests.Client;

/// <summary>The SDK's typed exceptions, from the statuses the services send.</summary>
public sealed class ErrorMappingTests
{
    private static BrokerException Map(BrokerRpcException refusal) => ErrorMapping.Map(refusal.ToRpcException());

    [Fact]
    public void Map_ServerRefusals_TypedExceptions()
    {
        var invalid = Assert.IsType<InvalidRequestException>(Map(BrokerRpcException.InvalidArgument("session.expires_at", "must be in the future")));
        Assert.Equal(new Broker.Client.FieldViolation("session.expires_at", "must be in the future"), Assert.Single(invalid.FieldViolations));
        Assert.IsType<SessionNotFoundException>(Map(BrokerRpcException.NotFound("no session", "SESSION_NOT_FOUND")));
        Assert.IsType<SessionRevokedException>(Map(BrokerRpcException.FailedPrecondition("revoked", "SESSION_REVOKED")));
        Assert.IsType<SessionExpiredException>(Map(BrokerRpcException.FailedPrecondition("expired", "SESSION_EXPIRED")));
        Assert.IsType<SessionPreconditionException>(Map(BrokerRpcException.FailedPrecondition("other chain", "CHAIN_MISMATCH")));
        Assert.IsType<OwnerRejectedException>(Map(BrokerRpcException.PermissionDenied("no", "NOT_AN_OWNER")));
        Assert.IsType<OwnerRejectedException>(Map(BrokerRpcException.PermissionDenied("no", "OWNER_SIGNATURE_INVALID")));
        var policy = Assert.IsType<PolicyViolationException>(Map(BrokerRpcException.PermissionDenied("fee", "FEE_LIMIT")));
        Assert.Equal("FEE_LIMIT", policy.Reason);
        Assert.IsType<RateLimitExceededException>(Map(BrokerRpcException.ResourceExhausted("slow down", "RATE_LIMITED")));
    }

    [Fact]
    public void Map_PlainStatusWithoutDetails_ByCodeAlone()
    {
        var unavailable = ErrorMapping.Map(new RpcException(new Status(StatusCode.Unavailable, "connection refused")));
        Assert.IsType<BrokerUnavailableException>(unavailable);
        Assert.Null(unavailable.Reason);
        var other = ErrorMapping.Map(new RpcException(new Status(StatusCode.Internal, "boom")));
        Assert.Equal(StatusCode.Internal, other.StatusCode);
        Assert.IsType<RpcException>(other.InnerException);
    }
}
