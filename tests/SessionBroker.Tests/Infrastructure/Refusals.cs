using Broker.Hosting.Grpc;
using Google.Rpc;
using Grpc.Core;

namespace SessionBroker.Tests.Infrastructure;

/// <summary>Asserts on refusals: thrown by a service class directly (<see cref="BrokerRpcException"/>) or received
/// through a channel (<see cref="RpcException"/> with its google.rpc details).</summary>
internal static class Refusals
{
    public static async Task<BrokerRpcException> ThrowsAsync(StatusCode code, string reason, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<BrokerRpcException>(call);
        Assert.Equal(code, e.StatusCode);
        Assert.Equal(reason, e.Reason);
        return e;
    }

    public static async Task<RpcException> OverTheWireAsync(StatusCode code, string? reason, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(code, e.StatusCode);
        if (reason is not null)
        {
            Assert.Equal(reason, e.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason);
        }
        return e;
    }

    public static IReadOnlyList<string> Fields(RpcException e) =>
        e.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.Select(v => v.Field).ToArray() ?? [];
}
