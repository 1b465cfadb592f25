using System.Diagnostics;
using System.Net.Http.Headers;
using Broker.Client;
using Broker.DaprStandIn;
using Broker.Hosting;
using GuardianSigner;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using SessionBroker;
using Sessions;
using Starknet;
using Starknet.Devnet;

namespace Deployment.Tests;

/// <summary>
/// One request makes one trace across the services: the real SessionBroker and GuardianSigner, each from its own
/// Program in Dapr mode beside a stand-in sidecar (<see cref="StandInSidecar"/>, not daprd), the devnet stand-in as
/// the node, and OpenTelemetry's in-memory exporter added to each host's own tracer provider (the one
/// AddServiceDefaults builds). The spans must share the trace id and chain to the broker's server span through their
/// parents: gRPC broker → guardian, JSON-RPC broker → node, and pub/sub broker → guardian through the sidecars, where
/// the consumer's span takes its parent from the CloudEvent's traceparent.
/// TxRelayer gets its leg here once its host runs in this suite (see the README section on observability).
/// </summary>
public sealed class TraceAcrossServicesTests : IAsyncLifetime
{
    private readonly SpanCollection _spans = new();
    private readonly StandInDaprCluster _cluster = new(new StandInDeliveryPolicy { MaxAttempts = 5, RetryInterval = TimeSpan.FromMilliseconds(20) });
    private readonly DevnetGenesis _genesis = DevnetGenesis.Load(Path.Combine(AppContext.BaseDirectory, "genesis.sample.json"));
    private DevnetHost _devnet = null!;
    private StandInSidecar _brokerSidecar = null!;
    private StandInSidecar _guardianSidecar = null!;
    private WebApplicationFactory<GuardianSignerEntryPoint> _guardian = null!;
    private WebApplicationFactory<SessionBrokerEntryPoint> _broker = null!;
    private GrpcChannel _brokerChannel = null!;

    public async Task InitializeAsync()
    {
        _devnet = await DevnetHost.StartAsync(new DevnetOptions { Port = 0 }, _genesis, configureLogging: l => l.ClearProviders());
        _guardianSidecar = await StandInSidecar.StartAsync(BrokerComponents.AppIds.GuardianSigner, _cluster);
        _brokerSidecar = await StandInSidecar.StartAsync(BrokerComponents.AppIds.SessionBroker, _cluster);

        _guardian = new WebApplicationFactory<GuardianSignerEntryPoint>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Testing");
            web.UseSetting("Guardian:PrivateKey", _genesis.ArgentAccounts[0].GuardianPrivateKey!.Value.ToString());
            UseDapr(web, _guardianSidecar);
        });
        var guardianHandler = new TraceContextHandler(_guardian.Server.CreateHandler());

        _broker = new WebApplicationFactory<SessionBrokerEntryPoint>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Testing");
            web.UseSetting("SessionBroker:NodeUrl", _devnet.RpcEndpoint.ToString());
            web.UseSetting("SessionBroker:GuardianUrl", "http://guardian.test");
            web.UseSetting("SessionBroker:RelayerUrl", "http://relayer.test");
            web.UseSetting("SessionBroker:RevocationWatcher:Enabled", "false");
            UseDapr(web, _brokerSidecar);
            web.ConfigureTestServices(services => services.Configure<HttpClientFactoryOptions>(
                nameof(Broker.Contracts.Guardian.V1.GuardianSigner.GuardianSignerClient),
                options => options.HttpMessageHandlerBuilderActions.Add(b => b.PrimaryHandler = guardianHandler)));
        });
        _brokerChannel = GrpcChannel.ForAddress(_broker.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = _broker.Server.CreateHandler() });

        // The sidecars' app channels (daprd --app-port): they read /dapr/subscribe and deliver to the apps.
        await _guardianSidecar.ConnectAppAsync(_guardian.CreateClient());
        await _brokerSidecar.ConnectAppAsync(_broker.CreateClient());
    }

    private void UseDapr(IWebHostBuilder web, StandInSidecar sidecar)
    {
        web.UseSetting("Components:Mode", "Dapr");
        web.UseSetting("Components:Dapr:GrpcEndpoint", sidecar.GrpcEndpoint.ToString());
        web.UseSetting("Components:Dapr:HttpEndpoint", sidecar.HttpEndpoint.ToString());
        web.ConfigureLogging(logging => logging.ClearProviders());
        // No OTLP endpoint here, so tracing is asked for explicitly; the in-memory exporter stands in for the collector.
        web.UseSetting("Telemetry:Tracing", "true");
        web.ConfigureTestServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_spans)));
    }

    public async Task DisposeAsync()
    {
        _brokerChannel.Dispose();
        await _broker.DisposeAsync();
        await _guardian.DisposeAsync();
        await _brokerSidecar.DisposeAsync();
        await _guardianSidecar.DisposeAsync();
        await _devnet.DisposeAsync();
    }

    [Fact]
    public async Task RegisterThenRevoke_SpansOfBrokerGuardianNodeAndPubSub_FormOneTracePerRequest()
    {
        var account = _genesis.ArgentAccounts[0];
        var broker = new BrokerClient(_brokerChannel, TimeSpan.FromSeconds(20));
        var key = SessionKey.Generate();
        var specification = SessionSpecification.Create(_devnet.State.ChainId, account.Address, key, TimeSpan.FromHours(1),
            [new AllowedMethod(_genesis.GameContracts[0], "move")],
            new SessionMetadata("trace-game", [new SessionTxFee(_devnet.State.FeeTokenAddress, 1_000_000_000_000_000_000)]));
        var prepared = await broker.PrepareAsync(specification);
        var session = await broker.RegisterAsync(prepared, account.OwnerPublicKey, Ecdsa.Sign(account.OwnerPrivateKey!.Value, prepared.SessionHash));
        await broker.RevokeAsync(session.SessionHash);
        await _cluster.WaitForIdleAsync(TimeSpan.FromSeconds(20));
        var spans = await _spans.WaitForAsync(s => s.Any(a => a.DisplayName == $"{BrokerComponents.Topics.SessionRevoked} process" && a.Kind == ActivityKind.Consumer));

        // Register: broker server span → guardian server span (gRPC) and → node (JSON-RPC over HTTP).
        var register = ServerSpan(spans, "SessionBroker/RegisterSession");
        var cosign = ServerSpan(spans, "GuardianSigner/CosignAuthorization");
        Assert.Equal(register.TraceId, cosign.TraceId);
        Assert.True(Descends(spans, cosign, register), "the guardian's span does not descend from the broker's");
        var nodeCalls = spans.Where(s => s.Kind == ActivityKind.Client && s.TraceId == register.TraceId
            && s.GetTagItem("url.full")?.ToString()?.StartsWith(_devnet.RpcEndpoint.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal) == true).ToList();
        Assert.NotEmpty(nodeCalls);
        Assert.All(nodeCalls, call => Assert.True(Descends(spans, call, register)));

        // Revoke: broker server span → guardian revoke (gRPC) and → publish → stand-in sidecars → guardian consumer.
        var revoke = ServerSpan(spans, "SessionBroker/RevokeSession");
        Assert.NotEqual(register.TraceId, revoke.TraceId);
        Assert.True(Descends(spans, ServerSpan(spans, "GuardianSigner/RevokeSession"), revoke));
        var publish = Assert.Single(spans, s => s.DisplayName == $"{BrokerComponents.Topics.SessionRevoked} publish" && s.TraceId == revoke.TraceId);
        Assert.Equal(ActivityKind.Producer, publish.Kind);
        Assert.True(Descends(spans, publish, revoke));
        var consume = Assert.Single(spans, s => s.DisplayName == $"{BrokerComponents.Topics.SessionRevoked} process" && s.Kind == ActivityKind.Consumer);
        Assert.Equal(revoke.TraceId, consume.TraceId);
        Assert.True(Descends(spans, consume, publish), "the consumer's span does not descend from the publisher's");
        Assert.Equal("SessionRevokedHandler", consume.GetTagItem("messaging.consumer.group.name"));
    }

    private static Activity ServerSpan(IReadOnlyList<Activity> spans, string method) =>
        Assert.Single(spans, s => s.Kind == ActivityKind.Server && s.DisplayName.Contains(method, StringComparison.Ordinal));

    /// <summary>True when <paramref name="ancestor"/> is found by following the parent ids up from <paramref name="span"/>.</summary>
    private static bool Descends(IReadOnlyList<Activity> spans, Activity span, Activity ancestor)
    {
        var byId = spans.GroupBy(s => s.SpanId).ToDictionary(g => g.Key, g => g.First());
        var current = span;
        for (var depth = 0; depth < 64; depth++)
        {
            if (current.ParentSpanId == ancestor.SpanId) return current.TraceId == ancestor.TraceId;
            // A parent outside the exported spans (a span nobody records, such as the stand-in's gRPC server side)
            // ends the walk.
            if (!byId.TryGetValue(current.ParentSpanId, out var parent)) return false;
            current = parent;
        }
        return false;
    }

    /// <summary>
    /// TestServer's handler is not a socket handler, so nothing writes the W3C trace headers a real HTTP/2 call carries
    /// (SocketsHttpHandler does, from the current span); this does the same, with the runtime's propagator.
    /// </summary>
    private sealed class TraceContextHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Activity.Current is { } current && !request.Headers.Contains("traceparent"))
            {
                DistributedContextPropagator.Current.Inject(current, request.Headers,
                    static (carrier, name, value) => ((HttpRequestHeaders)carrier!).TryAddWithoutValidation(name, value));
            }
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>The exporters' target: both hosts' tracer providers write here (each span once per provider).</summary>
    private sealed class SpanCollection : ICollection<Activity>
    {
        private readonly Lock _lock = new();
        private readonly List<Activity> _spans = [];

        public int Count
        {
            get
            {
                lock (_lock) return _spans.Count;
            }
        }

        public bool IsReadOnly => false;

        public void Add(Activity item)
        {
            lock (_lock) _spans.Add(item);
        }

        public IReadOnlyList<Activity> Snapshot()
        {
            lock (_lock) return [.. _spans.DistinctBy(s => s.SpanId)];
        }

        public async Task<IReadOnlyList<Activity>> WaitForAsync(Func<IReadOnlyList<Activity>, bool> condition)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!condition(Snapshot()) && DateTime.UtcNow < deadline) await Task.Delay(20);
            return Snapshot();
        }

        public void Clear()
        {
            lock (_lock) _spans.Clear();
        }

        public bool Contains(Activity item)
        {
            lock (_lock) return _spans.Contains(item);
        }

        public void CopyTo(Activity[] array, int arrayIndex)
        {
            lock (_lock) _spans.CopyTo(array, arrayIndex);
        }

        public bool Remove(Activity item)
        {
            lock (_lock) return _spans.Remove(item);
        }

        public IEnumerator<Activity> GetEnumerator() => Snapshot().GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
