using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Status = Google.Rpc.Status;

namespace Broker.Hosting.Grpc;

/// <summary>
/// A refusal with a precise gRPC status, a human-readable message, a machine-readable reason and optional field
/// violations. <see cref="BrokerExceptionInterceptor"/> turns it into a <c>google.rpc.Status</c> carrying a
/// <c>google.rpc.ErrorInfo</c> (reason, domain "broker", metadata) and, when fields are named, a
/// <c>google.rpc.BadRequest</c>. HTTP endpoints map it with <see cref="HttpStatusCode"/>.
/// </summary>
public sealed class BrokerRpcException : Exception
{
    /// <summary>The <c>ErrorInfo.domain</c> of every broker error.</summary>
    public const string ErrorDomain = "broker";

    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">gRPC status code (never OK).</param>
    /// <param name="message">What went wrong, for people, e.g. "session revoked".</param>
    /// <param name="reason">Machine-readable UPPER_SNAKE reason, e.g. "SESSION_REVOKED".</param>
    /// <param name="fieldViolations">Fields at fault (e.g. "transaction.calls[2].to").</param>
    /// <param name="metadata">Extra key/value facts for the ErrorInfo.</param>
    /// <param name="innerException">The cause, if any.</param>
    public BrokerRpcException(
        StatusCode statusCode,
        string message,
        string reason,
        IReadOnlyList<FieldViolation>? fieldViolations = null,
        IReadOnlyDictionary<string, string>? metadata = null,
        Exception? innerException = null)
        : base(message, innerException)
    {
        if (statusCode == StatusCode.OK) throw new ArgumentOutOfRangeException(nameof(statusCode), "A refusal needs a non-OK status.");
        ArgumentException.ThrowIfNullOrEmpty(reason);
        StatusCode = statusCode;
        Reason = reason;
        FieldViolations = fieldViolations ?? [];
        Metadata = metadata ?? new Dictionary<string, string>();
    }

    /// <summary>The gRPC status code.</summary>
    public StatusCode StatusCode { get; }

    /// <summary>Machine-readable reason (ErrorInfo.reason).</summary>
    public string Reason { get; }

    /// <summary>Fields at fault (BadRequest.field_violations).</summary>
    public IReadOnlyList<FieldViolation> FieldViolations { get; }

    /// <summary>Extra facts (ErrorInfo.metadata).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The first field named, or null.</summary>
    public string? Field => FieldViolations.Count > 0 ? FieldViolations[0].Field : null;

    /// <summary>The HTTP status matching <see cref="StatusCode"/> (the mapping of google.rpc.Code to HTTP).</summary>
    public int HttpStatusCode => StatusCode switch
    {
        StatusCode.InvalidArgument or StatusCode.OutOfRange => 400,
        StatusCode.Unauthenticated => 401,
        StatusCode.PermissionDenied => 403,
        StatusCode.NotFound => 404,
        StatusCode.AlreadyExists or StatusCode.Aborted or StatusCode.FailedPrecondition => 409,
        StatusCode.ResourceExhausted => 429,
        StatusCode.Cancelled => 499,
        StatusCode.Unimplemented => 501,
        StatusCode.Unavailable => 503,
        StatusCode.DeadlineExceeded => 504,
        _ => 500,
    };

    /// <summary>INVALID_ARGUMENT naming one field.</summary>
    public static BrokerRpcException InvalidArgument(string field, string description) =>
        new(StatusCode.InvalidArgument, $"{field}: {description}", "INVALID_ARGUMENT", [new FieldViolation(field, description)]);

    /// <summary>INVALID_ARGUMENT naming several fields.</summary>
    public static BrokerRpcException InvalidArgument(IReadOnlyList<FieldViolation> violations)
    {
        ArgumentOutOfRangeException.ThrowIfZero(violations.Count);
        var message = string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}"));
        return new(StatusCode.InvalidArgument, message, "INVALID_ARGUMENT", violations);
    }

    /// <summary>NOT_FOUND.</summary>
    public static BrokerRpcException NotFound(string message, string reason = "NOT_FOUND", string? field = null) =>
        new(StatusCode.NotFound, message, reason, Fields(field, message));

    /// <summary>FAILED_PRECONDITION.</summary>
    public static BrokerRpcException FailedPrecondition(string message, string reason, string? field = null) =>
        new(StatusCode.FailedPrecondition, message, reason, Fields(field, message));

    /// <summary>PERMISSION_DENIED.</summary>
    public static BrokerRpcException PermissionDenied(string message, string reason, string? field = null, IReadOnlyDictionary<string, string>? metadata = null) =>
        new(StatusCode.PermissionDenied, message, reason, Fields(field, message), metadata);

    /// <summary>RESOURCE_EXHAUSTED.</summary>
    public static BrokerRpcException ResourceExhausted(string message, string reason, IReadOnlyDictionary<string, string>? metadata = null) =>
        new(StatusCode.ResourceExhausted, message, reason, null, metadata);

    /// <summary>The google.rpc.Status this exception stands for.</summary>
    public Status ToStatus()
    {
        var info = new ErrorInfo { Reason = Reason, Domain = ErrorDomain };
        foreach (var (key, value) in Metadata) info.Metadata[key] = value;
        var status = new Status { Code = (int)StatusCode, Message = Message, Details = { Any.Pack(info) } };
        if (FieldViolations.Count > 0)
        {
            var badRequest = new BadRequest();
            badRequest.FieldViolations.AddRange(FieldViolations.Select(v => new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }));
            status.Details.Add(Any.Pack(badRequest));
        }
        return status;
    }

    /// <summary>The RpcException with the rich status attached (grpc-status-details-bin).</summary>
    public RpcException ToRpcException() => ToStatus().ToRpcException();

    private static FieldViolation[]? Fields(string? field, string description) =>
        field is null ? null : [new FieldViolation(field, description)];
}

/// <summary>A field at fault: its path in the request (e.g. "transaction.calls[0].calldata[3]") and what is wrong.</summary>
public sealed record FieldViolation(string Field, string Description);
