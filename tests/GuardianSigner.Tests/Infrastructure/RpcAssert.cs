using Google.Rpc;
using Grpc.Core;

namespace GuardianSigner.Tests.Infrastructure;

/// <summary>Asserts on refusals: the status code, the ErrorInfo reason and the BadRequest field.</summary>
internal static class RpcAssert
{
    public static async Task<RpcException> Refused(Func<Task> call, StatusCode code, string? reason = null, string? field = null)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(code, ex.StatusCode);
        var status = ex.GetRpcStatus();
        Assert.NotNull(status);
        if (reason is not null)
        {
            Assert.Equal(reason, status.GetDetail<ErrorInfo>()?.Reason);
        }
        if (field is not null)
        {
            var badRequest = status.GetDetail<BadRequest>();
            Assert.NotNull(badRequest);
            Assert.Contains(badRequest.FieldViolations, v => v.Field == field);
        }
        return ex;
    }
}
