using System.Net;

namespace Starknet.Rpc;

/// <summary>
/// The node could not be reached or did not answer with JSON-RPC: connection failures, timeouts, and HTTP statuses
/// without a JSON-RPC body. Transient failures (connection errors, timeouts, 408, 429, 5xx) are thrown only after every
/// retry of <see cref="StarknetRpcOptions.MaxRetries"/> failed; other statuses (for example 401 or 404) fail at once.
/// Caller cancellation is never wrapped: it surfaces as <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class StarknetRpcTransportException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public StarknetRpcTransportException()
        : this("The Starknet node could not be reached.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    /// <param name="message">What failed.</param>
    public StarknetRpcTransportException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and an inner exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The last attempt's error.</param>
    public StarknetRpcTransportException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a failed call.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="method">The JSON-RPC method called.</param>
    /// <param name="attempts">How many HTTP attempts were made.</param>
    /// <param name="statusCode">The last HTTP status, or null when no response arrived.</param>
    /// <param name="innerException">The last attempt's error, if it threw.</param>
    public StarknetRpcTransportException(string message, string method, int attempts, HttpStatusCode? statusCode, Exception? innerException)
        : base(message, innerException)
    {
        Method = method;
        Attempts = attempts;
        StatusCode = statusCode;
    }

    /// <summary>The JSON-RPC method called.</summary>
    public string? Method { get; }

    /// <summary>How many HTTP attempts were made (1 + retries).</summary>
    public int Attempts { get; }

    /// <summary>The last HTTP status, or null when the last attempt got no response (connection error or timeout).</summary>
    public HttpStatusCode? StatusCode { get; }
}

/// <summary>
/// The node answered, but not with what the spec promises: a body that is not JSON, a JSON-RPC envelope with neither
/// <c>result</c> nor <c>error</c>, a mismatched <c>id</c>, or a result of the wrong shape (including a number too large
/// for its type, which is never truncated). Not retried.
/// </summary>
public sealed class StarknetRpcResponseException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public StarknetRpcResponseException()
        : this("The Starknet node's response is malformed.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    /// <param name="message">What is wrong.</param>
    public StarknetRpcResponseException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and an inner exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The parsing error.</param>
    public StarknetRpcResponseException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a method's response.</summary>
    /// <param name="method">The JSON-RPC method called.</param>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The parsing error, if any.</param>
    public StarknetRpcResponseException(string method, string message, Exception? innerException)
        : base($"{method}: {message}", innerException)
    {
        Method = method;
    }

    /// <summary>The JSON-RPC method called.</summary>
    public string? Method { get; }
}
