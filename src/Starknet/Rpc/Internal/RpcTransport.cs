using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Starknet.Rpc.Internal;

/// <summary>The outcome of one HTTP attempt: the status, the whole body, and whether it is worth retrying.</summary>
internal sealed record HttpAttempt(HttpStatusCode StatusCode, byte[] Body, TimeSpan? RetryAfter, bool IsTransient);

/// <summary>One JSON-RPC call as it goes through the pipeline: the request body, its activity and an attempt counter.</summary>
internal sealed class RpcCall(string method, ReadOnlyMemory<byte> body, Activity? activity)
{
    private int _attempts;

    public string Method { get; } = method;

    public ReadOnlyMemory<byte> Body { get; } = body;

    public Activity? Activity { get; } = activity;

    public int Attempts => Volatile.Read(ref _attempts);

    public void CountAttempt() => Interlocked.Increment(ref _attempts);
}

/// <summary>
/// Posts JSON-RPC bodies through a Polly pipeline: a retry strategy (exponential backoff with jitter, <c>Retry-After</c>
/// honoured) around a per-attempt timeout. Only transport failures are retried; any JSON-RPC answer is returned as is.
/// </summary>
internal sealed class RpcTransport
{
    private static readonly MediaTypeHeaderValue s_json = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue s_acceptJson = new("application/json");
    private static readonly ResiliencePropertyKey<RpcCall> s_callKey = new("Starknet.Rpc.Call");

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly StarknetRpcOptions _options;
    private readonly ResiliencePipeline<HttpAttempt> _pipeline;

    public RpcTransport(HttpClient http, StarknetRpcOptions options)
    {
        _http = http;
        _options = options;
        _endpoint = options.Endpoint;
        var builder = new ResiliencePipelineBuilder<HttpAttempt> { TimeProvider = options.TimeProvider };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpAttempt>
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = options.UseJitter,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.MaxRetryDelay,
                ShouldHandle = static args => new ValueTask<bool>(ShouldRetry(args.Outcome, args.Context.CancellationToken)),
                DelayGenerator = args => new ValueTask<TimeSpan?>(RetryAfterDelay(args.Outcome)),
                OnRetry = static args =>
                {
                    if (args.Context.Properties.TryGetValue(s_callKey, out var call) && call.Activity is { } activity)
                    {
                        activity.AddEvent(new ActivityEvent(RpcTelemetry.RetryEvent, tags: new ActivityTagsCollection
                        {
                            [RpcTelemetry.RetryAttempt] = args.AttemptNumber + 1,
                            [RpcTelemetry.RetryDelayMs] = args.RetryDelay.TotalMilliseconds,
                            [RpcTelemetry.RetryReason] = Describe(args.Outcome),
                        }));
                    }
                    return default;
                },
            });
        }
        if (options.Timeout != Timeout.InfiniteTimeSpan)
        {
            builder.AddTimeout(options.Timeout);
        }
        _pipeline = builder.Build();
    }

    /// <summary>
    /// Sends <paramref name="call"/> and returns the node's answer (any status that carries a JSON-RPC body, or a 2xx).
    /// </summary>
    /// <exception cref="StarknetRpcTransportException">Transient failures outlasted the retries, or a non-transient HTTP failure.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public async Task<HttpAttempt> SendAsync(RpcCall call, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(s_callKey, call);
        HttpAttempt attempt;
        try
        {
            attempt = await _pipeline.ExecuteAsync(
                static (ctx, state) => state.Transport.AttemptAsync(state.Call, ctx.CancellationToken),
                context,
                (Transport: this, Call: call)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (IsTransientException(ex))
        {
            throw new StarknetRpcTransportException(
                $"{call.Method}: the node at {_endpoint} did not answer after {call.Attempts} attempt(s): {Describe(ex)}.",
                call.Method, call.Attempts, null, ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        if (attempt.IsTransient)
        {
            throw new StarknetRpcTransportException(
                $"{call.Method}: the node at {_endpoint} answered HTTP {(int)attempt.StatusCode} ({attempt.StatusCode}) after {call.Attempts} attempt(s).",
                call.Method, call.Attempts, attempt.StatusCode, null);
        }
        if (!IsSuccess(attempt.StatusCode) && !LooksLikeJsonRpc(attempt.Body))
        {
            throw new StarknetRpcTransportException(
                $"{call.Method}: the node at {_endpoint} answered HTTP {(int)attempt.StatusCode} ({attempt.StatusCode}) without a JSON-RPC body.",
                call.Method, call.Attempts, attempt.StatusCode, null);
        }
        return attempt;
    }

    private async ValueTask<HttpAttempt> AttemptAsync(RpcCall call, CancellationToken cancellationToken)
    {
        call.CountAttempt();
        using var content = new ReadOnlyMemoryContent(call.Body);
        content.Headers.ContentType = s_json;
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = content };
        request.Headers.Accept.Add(s_acceptJson);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var status = response.StatusCode;
        var transient = IsTransientStatus(status) && !CarriesNodeError(body);
        return new HttpAttempt(status, body, transient ? RetryAfter(response.Headers.RetryAfter) : null, transient);
    }

    /// <summary>408, 429 and every 5xx.</summary>
    internal static bool IsTransientStatus(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and < 300;

    /// <summary>Failures thrown by an attempt that are worth retrying (the caller's own cancellation excepted).</summary>
    private static bool IsTransientException(Exception ex) =>
        ex is HttpRequestException or IOException or TimeoutRejectedException or OperationCanceledException;

    private static bool ShouldRetry(Outcome<HttpAttempt> outcome, CancellationToken callerToken) => outcome.Exception switch
    {
        null => outcome.Result!.IsTransient,
        // The caller's cancellation ends the call; any other cancellation is an HttpClient.Timeout, hence transient.
        OperationCanceledException when callerToken.IsCancellationRequested => false,
        var ex => IsTransientException(ex),
    };

    /// <summary>
    /// True when a transient-status body is a JSON-RPC error with a Starknet code (positive): some gateways answer node
    /// errors such as VALIDATION_FAILURE with HTTP 5xx, and repeating the request would get the same answer.
    /// </summary>
    private static bool CarriesNodeError(byte[] body)
    {
        if (body.Length == 0)
        {
            return false;
        }
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("code", out var code)
                && code.TryGetInt32(out var value)
                && !StarknetRpcProtocolException.IsReservedCode(value);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool LooksLikeJsonRpc(byte[] body)
    {
        if (body.Length == 0)
        {
            return false;
        }
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && (doc.RootElement.TryGetProperty("error", out _) || doc.RootElement.TryGetProperty("result", out _));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        if (header is null)
        {
            return null;
        }
        if (header.Delta is { } delta)
        {
            return delta;
        }
        if (header.Date is { } date)
        {
            var wait = date - _options.TimeProvider.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    private TimeSpan? RetryAfterDelay(Outcome<HttpAttempt> outcome) =>
        outcome.Result?.RetryAfter is { } wait
            ? wait < _options.MaxRetryDelay ? wait : _options.MaxRetryDelay
            : null;

    private static string Describe(Outcome<HttpAttempt> outcome) => outcome.Exception is { } ex
        ? Describe(ex)
        : $"HTTP {(int)outcome.Result!.StatusCode}";

    private static string Describe(Exception ex) => ex switch
    {
        TimeoutRejectedException => "attempt timed out",
        OperationCanceledException => "HttpClient timed out",
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };
}
