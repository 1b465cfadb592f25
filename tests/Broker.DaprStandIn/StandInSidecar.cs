using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Dapr.Client;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Broker.DaprStandIn;

/// <summary>
/// A stand-in for one app's daprd sidecar, hosted in the test process on loopback: the gRPC API subset of
/// <see cref="StandInDaprApi"/> (HTTP/2 without TLS, like daprd's port 50001), the HTTP health endpoints (like
/// port 3500) and the app channel: after <see cref="ConnectAppAsync"/> it reads the app's <c>GET /dapr/subscribe</c>
/// and posts events to the announced routes, redelivering until the app acknowledges. State keys are prefixed with
/// the app id (<c>appId||key</c>), daprd's default key prefix. It is not daprd: no components from YAML, no
/// resiliency policies beyond <see cref="StandInDeliveryPolicy"/>, no spans of its own.
/// </summary>
public sealed class StandInSidecar : IAsyncDisposable
{
    private readonly WebApplication _host;
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly List<StandInSubscription> _subscriptions = [];
    private HttpClient? _appChannel;

    private StandInSidecar(string appId, StandInDaprCluster cluster, WebApplication host)
    {
        AppId = appId;
        Cluster = cluster;
        _host = host;
    }

    /// <summary>The app id (daprd <c>--app-id</c>).</summary>
    public string AppId { get; }

    /// <summary>The shared backends.</summary>
    public StandInDaprCluster Cluster { get; }

    /// <summary>The gRPC endpoint, for <c>DAPR_GRPC_ENDPOINT</c> / <c>Components:Dapr:GrpcEndpoint</c>.</summary>
    public Uri GrpcEndpoint { get; private set; } = null!;

    /// <summary>The HTTP endpoint (health only), for <c>DAPR_HTTP_ENDPOINT</c> / <c>Components:Dapr:HttpEndpoint</c>.</summary>
    public Uri HttpEndpoint { get; private set; } = null!;

    /// <summary>How many times each gRPC method was called.</summary>
    public IReadOnlyDictionary<string, int> Calls => _calls;

    /// <summary>The subscriptions the app announced.</summary>
    public IReadOnlyList<StandInSubscription> Subscriptions
    {
        get
        {
            lock (_subscriptions) return [.. _subscriptions];
        }
    }

    /// <summary>Starts a sidecar for <paramref name="appId"/> on two free loopback ports.</summary>
    public static async Task<StandInSidecar> StartAsync(string appId, StandInDaprCluster cluster, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(appId);
        ArgumentNullException.ThrowIfNull(cluster);
        ListenOptions? grpc = null, http = null;
        var builder = WebApplication.CreateSlimBuilder();
        // Nothing from the test's folder or environment (a service's appsettings.json names its own Kestrel endpoints).
        builder.Configuration.Sources.Clear();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, o => { o.Protocols = HttpProtocols.Http2; grpc = o; });
            kestrel.Listen(IPAddress.Loopback, 0, o => { o.Protocols = HttpProtocols.Http1; http = o; });
        });
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        StandInSidecar? sidecar = null;
        builder.Services.AddSingleton(_ => sidecar!);
        var host = builder.Build();
        sidecar = new StandInSidecar(appId, cluster, host);
        host.MapGrpcService<StandInDaprApi>();
        // daprd's health endpoints: outbound is ready once components are loaded, without waiting for the app.
        host.MapGet("/v1.0/healthz/outbound", () => Results.NoContent());
        host.MapGet("/v1.0/healthz", () => Results.NoContent());
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        sidecar.GrpcEndpoint = new Uri($"http://127.0.0.1:{grpc!.IPEndPoint!.Port}");
        sidecar.HttpEndpoint = new Uri($"http://127.0.0.1:{http!.IPEndPoint!.Port}");
        return sidecar;
    }

    /// <summary>A DaprClient for this sidecar, as an app would build one from <c>DAPR_GRPC_ENDPOINT</c>.</summary>
    public DaprClient CreateClient() => new DaprClientBuilder()
        .UseGrpcEndpoint(GrpcEndpoint.ToString())
        .UseHttpEndpoint(HttpEndpoint.ToString())
        .Build();

    /// <summary>
    /// Connects the app channel (daprd <c>--app-port</c>): reads <c>GET /dapr/subscribe</c> and subscribes to every
    /// topic announced. Events published before are delivered then, from the start of each topic.
    /// </summary>
    public async Task ConnectAppAsync(HttpClient appChannel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(appChannel);
        _appChannel = appChannel;
        using var response = await appChannel.GetAsync("/dapr/subscribe", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return;
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
        foreach (var item in document.RootElement.EnumerateArray())
        {
            var route = item.TryGetProperty("route", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()
                : item.TryGetProperty("routes", out var rs) && rs.TryGetProperty("default", out var d) ? d.GetString() : null;
            var subscription = new StandInSubscription(
                item.GetProperty("pubsubName").GetString()!,
                item.GetProperty("topic").GetString()!,
                "/" + (route ?? throw new InvalidOperationException("A subscription without a route.")).TrimStart('/'),
                item.TryGetProperty("deadLetterTopic", out var dl) ? dl.GetString() : null);
            lock (_subscriptions) _subscriptions.Add(subscription);
            Cluster.PubSub(subscription.PubSubName).Subscribe(this, subscription);
        }
    }

    /// <summary>
    /// One delivery, answered as daprd reads the app's answer: 2xx with <c>status</c> SUCCESS, RETRY or DROP (an
    /// empty or status-less 2xx is SUCCESS, an unknown status a RETRY), 404 is a DROP, anything else (other codes,
    /// no connection) a RETRY.
    /// </summary>
    internal async Task<string> DeliverToAppAsync(StandInSubscription subscription, byte[] envelope)
    {
        if (_appChannel is not { } channel) return "RETRY";
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Route) { Content = new ByteArrayContent(envelope) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(CloudEvents.ContentType);
        // daprd sends the trace context as headers too.
        if (CloudEvents.Field(envelope, "traceparent") is { Length: > 0 } traceParent) request.Headers.TryAddWithoutValidation("traceparent", traceParent);
        if (CloudEvents.Field(envelope, "tracestate") is { Length: > 0 } traceState) request.Headers.TryAddWithoutValidation("tracestate", traceState);
        request.Headers.TryAddWithoutValidation("pubsubname", subscription.PubSubName);
        try
        {
            using var response = await channel.SendAsync(request).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound) return "DROP";
            if (!response.IsSuccessStatusCode) return "RETRY";
            var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            if (body.Length == 0) return "SUCCESS";
            using var answer = JsonDocument.Parse(body);
            if (answer.RootElement.ValueKind != JsonValueKind.Object || !answer.RootElement.TryGetProperty("status", out var status)) return "SUCCESS";
            return status.GetString()?.ToUpperInvariant() switch
            {
                "SUCCESS" or "" or null => "SUCCESS",
                "DROP" => "DROP",
                _ => "RETRY",
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or IOException or TaskCanceledException)
        {
            return "RETRY";
        }
    }

    internal void Count(string method) => _calls.AddOrUpdate(method, 1, (_, n) => n + 1);

    internal string StateKey(string key) =>
        string.IsNullOrEmpty(key)
            ? throw new RpcException(new Status(StatusCode.InvalidArgument, "state key cannot be empty"))
            : $"{AppId}||{key}";

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync().ConfigureAwait(false);
        await _host.DisposeAsync().ConfigureAwait(false);
    }
}
