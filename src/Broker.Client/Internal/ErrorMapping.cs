using Google.Rpc;
using Grpc.Core;

namespace Broker.Client.Internal;

/// <summary>Turns a server's <see cref="RpcException"/> into the SDK's typed exceptions, by status code and ErrorInfo reason.</summary>
internal static class ErrorMapping
{
    public static async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode != Grpc.Core.StatusCode.Cancelled)
        {
            throw Map(e);
        }
    }

    public static BrokerException Map(RpcException exception)
    {
        var status = exception.GetRpcStatus();
        var reason = status?.GetDetail<ErrorInfo>()?.Reason;
        if (string.IsNullOrEmpty(reason))
        {
            reason = null;
        }
        var message = string.IsNullOrEmpty(exception.Status.Detail) ? exception.StatusCode.ToString() : exception.Status.Detail;
        var code = exception.StatusCode;
        switch (code)
        {
            case Grpc.Core.StatusCode.InvalidArgument:
                var violations = status?.GetDetail<BadRequest>()?.FieldViolations
                    .Select(v => new FieldViolation(v.Field, v.Description)).ToArray() ?? [];
                return new InvalidRequestException(reason, message, violations, exception);
            case Grpc.Core.StatusCode.NotFound:
                return reason == BrokerErrorReasons.RequestNotFound
                    ? new RequestNotFoundException(reason, message, exception)
                    : new SessionNotFoundException(reason, message, exception);
            case Grpc.Core.StatusCode.FailedPrecondition:
                return reason switch
                {
                    BrokerErrorReasons.SessionRevoked => new SessionRevokedException(reason, message, exception),
                    BrokerErrorReasons.SessionExpired => new SessionExpiredException(reason, message, exception),
                    _ => new SessionPreconditionException(reason, message, exception),
                };
            case Grpc.Core.StatusCode.PermissionDenied:
                return reason is BrokerErrorReasons.OwnerSignatureInvalid or BrokerErrorReasons.NotAnOwner
                    ? new OwnerRejectedException(reason, message, exception)
                    : new PolicyViolationException(reason, message, exception);
            case Grpc.Core.StatusCode.Unauthenticated:
                return new ApiTokenRejectedException(reason, message, exception);
            case Grpc.Core.StatusCode.ResourceExhausted:
                return new RateLimitExceededException(reason, message, exception);
            case Grpc.Core.StatusCode.Unavailable:
            case Grpc.Core.StatusCode.DeadlineExceeded:
                return new BrokerUnavailableException(code, reason, message, exception);
            default:
                return new BrokerException(code, reason, message, [], exception);
        }
    }
}
