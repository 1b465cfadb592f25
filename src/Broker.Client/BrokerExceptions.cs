using Grpc.Core;

namespace Broker.Client;

/// <summary>One invalid field of a request, from the server's <c>google.rpc.BadRequest</c> detail.</summary>
/// <param name="Field">The field path, e.g. <c>session.allowed_methods[2].contract_address</c>.</param>
/// <param name="Description">What is wrong with it.</param>
public sealed record FieldViolation(string Field, string Description);

/// <summary>
/// A call to the broker or the guardian failed. Subclasses name the expected refusals; this base class covers the
/// rest. <see cref="Exception.InnerException"/> is the original <see cref="RpcException"/> when there is one.
/// </summary>
public class BrokerException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BrokerException()
        : this("The broker call failed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public BrokerException(string message)
        : base(message)
    {
        FieldViolations = [];
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public BrokerException(string message, Exception? innerException)
        : base(message, innerException)
    {
        FieldViolations = [];
    }

    /// <summary>Creates the exception from a gRPC status.</summary>
    /// <param name="statusCode">The status code.</param>
    /// <param name="reason">The <c>google.rpc.ErrorInfo</c> reason, or null.</param>
    /// <param name="message">The server's status message.</param>
    /// <param name="fieldViolations">The <c>google.rpc.BadRequest</c> field violations.</param>
    /// <param name="innerException">The RPC exception.</param>
    public BrokerException(StatusCode statusCode, string? reason, string message, IReadOnlyList<FieldViolation> fieldViolations, Exception? innerException)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Reason = reason;
        FieldViolations = fieldViolations ?? [];
    }

    /// <summary>The gRPC status code; <see cref="Grpc.Core.StatusCode.OK"/> for errors found on the client side.</summary>
    public StatusCode StatusCode { get; }

    /// <summary>The machine-readable reason (<c>google.rpc.ErrorInfo.reason</c>, see <see cref="BrokerErrorReasons"/>), or null.</summary>
    public string? Reason { get; }

    /// <summary>The invalid fields, for <see cref="Grpc.Core.StatusCode.InvalidArgument"/>.</summary>
    public IReadOnlyList<FieldViolation> FieldViolations { get; }
}

/// <summary>The request was malformed (INVALID_ARGUMENT); <see cref="BrokerException.FieldViolations"/> names the fields.</summary>
public sealed class InvalidRequestException(string? reason, string message, IReadOnlyList<FieldViolation> fieldViolations, Exception? innerException)
    : BrokerException(StatusCode.InvalidArgument, reason, message, fieldViolations, innerException);

/// <summary>The broker or the guardian does not know the session (NOT_FOUND).</summary>
public sealed class SessionNotFoundException(string? reason, string message, Exception? innerException)
    : BrokerException(StatusCode.NotFound, reason, message, [], innerException);

/// <summary>The relayer does not know the request id (NOT_FOUND, reason <c>REQUEST_NOT_FOUND</c>).</summary>
public sealed class RequestNotFoundException(string? reason, string message, Exception? innerException)
    : BrokerException(StatusCode.NotFound, reason, message, [], innerException);

/// <summary>The session is revoked, off-chain or on-chain (FAILED_PRECONDITION, reason <c>SESSION_REVOKED</c>).</summary>
public sealed class SessionRevokedException(string? reason, string message, Exception? innerException)
    : BrokerException(StatusCode.FailedPrecondition, reason, message, [], innerException);

/// <summary>The session is past its expiry by the guardian's clock (FAILED_PRECONDITION, reason <c>SESSION_EXPIRED</c>).</summary>
public sealed class SessionExpiredException(string? reason, string message, Exception? innerException)
    : BrokerException(StatusCode.FailedPrecondition, reason, message, [], innerException);

/// <summary>
/// The account's owner was not accepted: the owner signature does not verify, or the key is not an owner of the
/// account on the chain (PERMISSION_DENIED, reasons <c>OWNER_SIGNATURE_INVALID</c>, <c>NOT_AN_OWNER</c>).
/// </summary>
public sealed class OwnerRejectedException(string? reason, string message, Exception? innerException)
    : BrokerException(StatusCode.PermissionDenied, reason, message, [], innerException);

/// <summary>
/// A policy refused the request (PERMISSION_DENIED): a method not allowed, a fee over the metadata limit, a dapp
/// policy, a bad session signature. <see cref="BrokerException.Reason"/> tells which.
/// </summary>
public sealed class PolicyViolationException(string? reason, string message, Exception? innerException)
    : BrokerException(StatusCode.PermissionDenied, reason, message, [], innerException);

/// <summary>Too many transactions for the session in the current window (RESOURCE_EXHAUSTED); retry later.</summary>
public sealed class RateLimitExceededException(string? reason, string message, Exception? innerException)
    : BrokerException(StatusCode.ResourceExhausted, reason, message, [], innerException);

/// <summary>
/// The state of the chain or the session does not allow the request (FAILED_PRECONDITION other than revoked or
/// expired): another chain, an account that is not deployed, the guardian not a guardian of the account.
/// </summary>
public sealed class SessionPreconditionException(string? reason, string message, Exception? innerException)
    : BrokerException(StatusCode.FailedPrecondition, reason, message, [], innerException);

/// <summary>
/// The service wants an API token and the call sent none, or one it does not accept (UNAUTHENTICATED; reason
/// <see cref="BrokerErrorReasons.ApiTokenMissing"/> or <see cref="BrokerErrorReasons.ApiTokenInvalid"/>). Pass the
/// token the operator gave you to the client's constructor; retrying without it never helps.
/// </summary>
public sealed class ApiTokenRejectedException(string? reason, string message, Exception? innerException)
    : BrokerException(StatusCode.Unauthenticated, reason, message, [], innerException);

/// <summary>The broker, the guardian or the node could not be reached in time (UNAVAILABLE, DEADLINE_EXCEEDED); safe to retry.</summary>
public sealed class BrokerUnavailableException(StatusCode statusCode, string? reason, string message, Exception? innerException)
    : BrokerException(statusCode, reason, message, [], innerException);

/// <summary>
/// An answer failed the client's own checks (a session hash, a signature or a value that does not match what the
/// client computed). Never retry blindly: the server is misconfigured or not trustworthy.
/// </summary>
public sealed class BrokerProtocolException : BrokerException
{
    /// <summary>Creates the exception.</summary>
    public BrokerProtocolException()
        : this("The server's answer failed the client's checks.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What does not match.</param>
    public BrokerProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What does not match.</param>
    /// <param name="innerException">The cause.</param>
    public BrokerProtocolException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
