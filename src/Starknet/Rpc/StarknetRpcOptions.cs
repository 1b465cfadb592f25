namespace Starknet.Rpc;

/// <summary>
/// Settings of a <see cref="StarknetRpcClient"/>. The endpoint is the only value that changes between a local devnet,
/// Sepolia and mainnet; the defaults suit a public node.
/// </summary>
public sealed record StarknetRpcOptions
{
    /// <summary>The smallest per-attempt timeout the resilience pipeline accepts.</summary>
    public static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);

    /// <summary>The node's JSON-RPC URL (absolute http or https), for example <c>http://127.0.0.1:5050/rpc</c>.</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>
    /// Time allowed for one HTTP attempt, from sending the request to reading the whole response (at least 10 ms, at most
    /// one day; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for none). An attempt that runs out is a transient
    /// failure and is retried. Keep the <see cref="HttpClient.Timeout"/> of the client you pass at least this long.
    /// Default 30 s.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times a transient failure is retried after the first attempt (0 disables retries). Default 3.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>
    /// The first retry delay; each further retry doubles it (exponential backoff), with jitter when
    /// <see cref="UseJitter"/> is set. Default 200 ms.
    /// </summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The longest wait between two attempts, which also caps a server's <c>Retry-After</c>. Default 10 s.
    /// </summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Randomize backoff delays (decorrelated jitter) so that many clients do not retry in step. Default true.</summary>
    public bool UseJitter { get; init; } = true;

    /// <summary>The clock used for timeouts, backoff and <c>Retry-After</c> dates. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Every problem with these settings; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Endpoint is null)
        {
            errors.Add("Endpoint is required.");
        }
        else if (!Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttp && Endpoint.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"Endpoint must be an absolute http or https URL, not '{Endpoint}'.");
        }
        if (Timeout != System.Threading.Timeout.InfiniteTimeSpan && (Timeout < MinTimeout || Timeout > TimeSpan.FromDays(1)))
        {
            errors.Add($"Timeout must be between {MinTimeout.TotalMilliseconds} ms and one day, or infinite; it is {Timeout}.");
        }
        if (MaxRetries < 0)
        {
            errors.Add($"MaxRetries must not be negative; it is {MaxRetries}.");
        }
        if (RetryBaseDelay < TimeSpan.Zero || RetryBaseDelay > TimeSpan.FromDays(1))
        {
            errors.Add($"RetryBaseDelay must be between zero and one day; it is {RetryBaseDelay}.");
        }
        if (MaxRetryDelay < RetryBaseDelay || MaxRetryDelay > TimeSpan.FromDays(1))
        {
            errors.Add($"MaxRetryDelay must be between RetryBaseDelay and one day; it is {MaxRetryDelay}.");
        }
        if (TimeProvider is null)
        {
            errors.Add("TimeProvider is required.");
        }
        return errors;
    }
}
