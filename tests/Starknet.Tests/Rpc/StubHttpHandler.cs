using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Starknet.Tests.Rpc;

/// <summary>One request the stub received.</summary>
internal sealed record RecordedRequest(HttpMethod Method, Uri? Uri, string? ContentType, string Body)
{
    /// <summary>The body parsed as JSON.</summary>
    public JsonElement Json { get; } = JsonDocument.Parse(Body).RootElement.Clone();

    /// <summary>The JSON-RPC id of the request.</summary>
    public long Id => Json.GetProperty("id").GetInt64();

    /// <summary>The JSON-RPC method of the request.</summary>
    public string RpcMethod => Json.GetProperty("method").GetString()!;
}

/// <summary>
/// Tests use a stand-in HTTP handler, not a node: it records every request and answers each one from a script of
/// canned responses (then from a fallback), so the client's requests, parsing, errors and retries can be checked
/// without a network or a Starknet node.
/// </summary>
internal sealed class StubHttpHandler : HttpMessageHandler
{
    public delegate Task<HttpResponseMessage> Responder(RecordedRequest request, CancellationToken cancellationToken);

    private readonly ConcurrentQueue<Responder> _script = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly Lock _lock = new();

    /// <summary>Answers requests once the script is used up; null makes such a request fail the test.</summary>
    public Responder? Fallback { get; set; }

    /// <summary>The requests received so far, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Adds responses to the script, used in order, one per request.</summary>
    public StubHttpHandler Then(params Responder[] responders)
    {
        foreach (var responder in responders)
        {
            _script.Enqueue(responder);
        }
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new RecordedRequest(request.Method, request.RequestUri, request.Content?.Headers.ContentType?.MediaType, body);
        lock (_lock)
        {
            _requests.Add(recorded);
        }
        var responder = _script.TryDequeue(out var next)
            ? next
            : Fallback ?? throw new InvalidOperationException($"The stub has no response scripted for request {_requests.Count}: {body}");
        return await responder(recorded, cancellationToken);
    }

    // ---- canned responses ----

    /// <summary><c>{"jsonrpc":"2.0","id":&lt;request id&gt;,"result":&lt;resultJson&gt;}</c> with HTTP 200.</summary>
    public static Responder Result(string resultJson) => (request, _) =>
        Task.FromResult(Json(HttpStatusCode.OK, $"{{\"jsonrpc\":\"2.0\",\"id\":{request.Id},\"result\":{resultJson}}}"));

    /// <summary>A JSON-RPC error object, with HTTP <paramref name="status"/> (200 by default).</summary>
    public static Responder Error(int code, string message, string? dataJson = null, HttpStatusCode status = HttpStatusCode.OK) => (request, _) =>
    {
        var data = dataJson is null ? "" : $",\"data\":{dataJson}";
        var messageJson = JsonSerializer.Serialize(message);
        return Task.FromResult(Json(status, $"{{\"jsonrpc\":\"2.0\",\"id\":{request.Id},\"error\":{{\"code\":{code},\"message\":{messageJson}{data}}}}}"));
    };

    /// <summary>A bare HTTP status with an optional text body and <c>Retry-After</c> in seconds.</summary>
    public static Responder Status(HttpStatusCode status, string body = "", int? retryAfterSeconds = null) => (_, _) =>
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "text/plain") };
        if (retryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds));
        }
        return Task.FromResult(response);
    };

    /// <summary>An HTTP 200 with a raw body.</summary>
    public static Responder Raw(string body) => (_, _) => Task.FromResult(Json(HttpStatusCode.OK, body));

    /// <summary>Throws like a connection failure.</summary>
    public static Responder ConnectionFailure() => (_, _) =>
        Task.FromException<HttpResponseMessage>(new HttpRequestException("Connection refused (stub)", new System.Net.Sockets.SocketException(111)));

    /// <summary>Never answers; ends only when the request is cancelled (by a timeout or the caller).</summary>
    public static Responder Hang() => async (_, cancellationToken) =>
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new InvalidOperationException("unreachable");
    };

    private static HttpResponseMessage Json(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
}
