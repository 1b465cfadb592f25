using System.Text.RegularExpressions;
using Broker.Hosting;

namespace Deployment.Tests;

/// <summary>
/// No Docker engine runs on our machines, so docker-compose.yml, its PostgreSQL override, the Dockerfiles and the Dapr
/// resources are checked here instead of started: every service beside its own sidecar with matching app id and
/// ports, every component the code names present in both component sets, images pinned, files present.
/// </summary>
public sealed partial class ComposeFileTests
{
    private const string ComposeFile = "docker-compose.yml";
    private const string PostgresOverride = "docker-compose.postgres.yml";

    /// <summary>The services with a sidecar, and the port daprd calls them on (the app channel).</summary>
    private static readonly Dictionary<string, string> s_projects = new()
    {
        [BrokerComponents.AppIds.SessionBroker] = "SessionBroker",
        [BrokerComponents.AppIds.GuardianSigner] = "GuardianSigner",
        [BrokerComponents.AppIds.TxRelayer] = "TxRelayer",
        [BrokerComponents.AppIds.Devnet] = "Starknet.Devnet",
    };

    private static readonly string[] s_brokerServices =
        [BrokerComponents.AppIds.SessionBroker, BrokerComponents.AppIds.GuardianSigner, BrokerComponents.AppIds.TxRelayer];

    private readonly Dictionary<string, object?> _compose = Yaml.Load(ComposeFile);

    private Dictionary<string, object?> Services => _compose.Get("services");

    private Dictionary<string, object?> Service(string name) => Services.Get(name);

    [Fact]
    public void Compose_EveryServiceHasItsOwnSidecarInItsNetworkNamespace()
    {
        foreach (var appId in BrokerComponents.AppIds.All)
        {
            Assert.True(Services.ContainsKey(appId), $"service {appId} is missing");
            var sidecar = Service($"{appId}-dapr");
            Assert.Equal($"service:{appId}", sidecar.Text("network_mode"));
            Assert.StartsWith("daprio/daprd:", sidecar.Text("image"), StringComparison.Ordinal);
            var flags = Flags(sidecar);
            Assert.Equal(appId, flags["--app-id"]);
            Assert.Equal("http", flags["--app-protocol"]);
            Assert.Equal("/dapr/components", flags["--resources-path"]);
            Assert.Contains("./dapr/components:/dapr/components:ro", sidecar.Strings("volumes"));
            // The configuration file is mounted from the repository path that matches its path in the container.
            Assert.Contains($".{flags["--config"]}:{flags["--config"]}:ro", sidecar.Strings("volumes"));
        }
        // Only the app publishes ports: the sidecar lives in its namespace and has none of its own.
        Assert.All(Services.Keys.Where(k => k.EndsWith("-dapr", StringComparison.Ordinal)), k => Assert.False(Service(k).ContainsKey("ports"), k));
    }

    [Fact]
    public void Compose_SidecarAppPortIsTheServicesHttpPort_AndMatchesItsOwnSettings()
    {
        foreach (var appId in s_brokerServices)
        {
            var environment = Service(appId).Get("environment");
            var httpPort = PortOf(environment.Text("Kestrel__Endpoints__Http__Url"));
            Assert.Equal(httpPort, int.Parse(Flags(Service($"{appId}-dapr"))["--app-port"]));
            // The same ports as the project's own appsettings.json and its Dockerfile.
            var project = s_projects[appId];
            var settings = File.ReadAllText(Repository.PathOf($"src/{project}/appsettings.json"));
            Assert.Contains($"0.0.0.0:{httpPort}\"", settings, StringComparison.Ordinal);
            var grpcPort = PortOf(environment.Text("Kestrel__Endpoints__Grpc__Url"));
            Assert.Contains($"0.0.0.0:{grpcPort}\"", settings, StringComparison.Ordinal);
            Assert.Contains($"EXPOSE {grpcPort} {httpPort}", File.ReadAllText(Repository.PathOf($"src/{project}/Dockerfile")), StringComparison.Ordinal);
            Assert.Contains($"{grpcPort}:{grpcPort}", Service(appId).Strings("ports"));
        }
        var devnetPort = Service(BrokerComponents.AppIds.Devnet).Strings("command").SkipWhile(a => a != "--port").Skip(1).First();
        Assert.Equal(devnetPort, Flags(Service("devnet-dapr"))["--app-port"]);
    }

    [Fact]
    public void Compose_ServicesUseDaprModeWithTheirAppIdAndReachTheirSidecarOnLocalhost()
    {
        foreach (var appId in s_brokerServices)
        {
            var environment = Service(appId).Get("environment");
            var flags = Flags(Service($"{appId}-dapr"));
            Assert.Equal("Dapr", environment.Text("Components__Mode"));
            Assert.Equal(appId, environment.Text("Components__Dapr__AppId"));
            Assert.Equal($"http://localhost:{flags["--dapr-grpc-port"]}", environment.Text("DAPR_GRPC_ENDPOINT"));
            Assert.Equal($"http://localhost:{flags["--dapr-http-port"]}", environment.Text("DAPR_HTTP_ENDPOINT"));
            Assert.Equal("http://otel-collector:4317", environment.Text("OTEL_EXPORTER_OTLP_ENDPOINT"));
        }
        Assert.True(Services.ContainsKey("otel-collector"));
    }

    [Fact]
    public void Compose_NodeUrlIsConfigurable_AndDefaultsToTheDevnetThroughTheSidecars()
    {
        const string Default = "${STARKNET_NODE_URL:-http://localhost:3500/v1.0/invoke/devnet/method/rpc}";
        Assert.Equal(Default, Service(BrokerComponents.AppIds.SessionBroker).Get("environment").Text("SessionBroker__NodeUrl"));
        Assert.Equal(Default, Service(BrokerComponents.AppIds.TxRelayer).Get("environment").Text("Relayer__NodeUrl"));
        Assert.Equal(BrokerComponents.AppIds.Devnet, Flags(Service("devnet-dapr"))["--app-id"]);
        Assert.Equal($"http://{BrokerComponents.AppIds.GuardianSigner}:5201", Service(BrokerComponents.AppIds.SessionBroker).Get("environment").Text("SessionBroker__GuardianUrl"));
        Assert.Equal($"http://{BrokerComponents.AppIds.TxRelayer}:5301", Service(BrokerComponents.AppIds.SessionBroker).Get("environment").Text("SessionBroker__RelayerUrl"));
    }

    [Fact]
    public void Compose_AppApiToken_EverySidecarSendsWhatItsServiceChecks()
    {
        foreach (var appId in BrokerComponents.AppIds.All)
        {
            // daprd reads APP_API_TOKEN and sends it with each call to its app; the service reads the same variable.
            Assert.Equal("${DAPR_APP_API_TOKEN:-}", Service($"{appId}-dapr").Get("environment").Text("APP_API_TOKEN"));
            if (appId != BrokerComponents.AppIds.Devnet)
            {
                Assert.Equal("${DAPR_APP_API_TOKEN:-}", Service(appId).Get("environment").Text("APP_API_TOKEN"));
            }
        }
    }

    [Fact]
    public void Compose_ApiTokens_FromVariables_TheBrokerSendsWhatTheGuardianAndRelayerAccept()
    {
        var broker = Service(BrokerComponents.AppIds.SessionBroker).Get("environment");
        var guardian = Service(BrokerComponents.AppIds.GuardianSigner).Get("environment");
        var relayer = Service(BrokerComponents.AppIds.TxRelayer).Get("environment");

        // Unset variables leave blank entries, which the services ignore: open APIs, as before tokens existed.
        Assert.Equal("${BROKER_API_TOKEN:-}", broker.Text("Auth__ApiTokens__0"));
        Assert.Equal("${GUARDIAN_API_TOKEN:-}", guardian.Text("Auth__ApiTokens__0"));
        Assert.Equal("${RELAYER_API_TOKEN:-}", relayer.Text("Auth__ApiTokens__0"));
        Assert.Equal(guardian.Text("Auth__ApiTokens__0"), broker.Text("Auth__CallTokens__Guardian"));
        Assert.Equal(relayer.Text("Auth__ApiTokens__0"), broker.Text("Auth__CallTokens__Relayer"));
    }

    [Fact]
    public void Compose_EveryImageIsPinned_InBothComposeFilesAndEveryDockerfile()
    {
        var images = new List<string>();
        foreach (var file in new[] { ComposeFile, PostgresOverride })
        {
            var services = Yaml.Load(file).Get("services");
            images.AddRange(services.Values.Select(Yaml.Map).Select(s => s!.Text("image")).OfType<string>());
        }
        foreach (var dockerfile in Dockerfiles())
        {
            images.AddRange(File.ReadLines(Repository.PathOf(dockerfile))
                .Where(l => l.StartsWith("FROM ", StringComparison.Ordinal))
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]));
        }
        Assert.NotEmpty(images);
        Assert.All(images, image => Assert.Matches(PinnedImage(), image));
    }

    [Fact]
    public void Compose_EveryBuildMountAndEnvFileExists()
    {
        foreach (var file in new[] { ComposeFile, PostgresOverride })
        {
            foreach (var (name, value) in Yaml.Load(file).Get("services"))
            {
                var service = Yaml.Map(value)!;
                if (service.ContainsKey("build"))
                {
                    var build = service.Get("build");
                    Assert.Equal(".", build.Text("context"));
                    Assert.True(File.Exists(Repository.PathOf(build.Text("dockerfile")!)), $"{name}: {build.Text("dockerfile")}");
                }
                foreach (var volume in service.Strings("volumes"))
                {
                    var source = volume.Split(':')[0];
                    Assert.True(File.Exists(Repository.PathOf(source)) || Directory.Exists(Repository.PathOf(source)), $"{name}: {source}");
                }
                foreach (var envFile in service.Strings("env_file"))
                {
                    Assert.True(File.Exists(Repository.PathOf(envFile)), $"{name}: {envFile}");
                }
            }
        }
        Assert.Equal(4, Dockerfiles().Count);
    }

    [Fact]
    public void Dockerfiles_AreMultiStageAndRunAsNonRoot()
    {
        foreach (var dockerfile in Dockerfiles())
        {
            var lines = File.ReadAllLines(Repository.PathOf(dockerfile));
            Assert.Contains(lines, l => l.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:", StringComparison.Ordinal) && l.EndsWith(" AS build", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet:", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.StartsWith("COPY --from=build ", StringComparison.Ordinal));
            Assert.Contains("USER $APP_UID", lines);
        }
    }

    [Fact]
    public void PostgresOverride_SwapsEverySidecarsComponentSet_AndAddsPostgres()
    {
        var services = Yaml.Load(PostgresOverride).Get("services");
        foreach (var appId in BrokerComponents.AppIds.All)
        {
            Assert.Contains("./dapr/components-postgres:/dapr/components:ro", services.Get($"{appId}-dapr").Strings("volumes"));
        }
        Assert.StartsWith("postgres:", services.Get("postgres").Text("image"), StringComparison.Ordinal);
        // Only services of the base file are overridden (besides postgres itself).
        Assert.All(services.Keys.Where(k => k != "postgres"), k => Assert.True(Services.ContainsKey(k), k));
    }

    [Fact]
    public void Observability_CollectorFeedsJaegerAndPrometheus_AndSidecarsTraceToIt()
    {
        var collector = Yaml.Load("deploy/otel-collector.yaml");
        var pipelines = collector.Get("service").Get("pipelines");
        Assert.Contains("otlp/jaeger", pipelines.Get("traces").Strings("exporters"));
        Assert.Contains("prometheus", pipelines.Get("metrics").Strings("exporters"));
        Assert.Equal("jaeger:4317", collector.Get("exporters").Get("otlp/jaeger").Text("endpoint"));
        Assert.True(Services.ContainsKey("jaeger"));
        Assert.Contains("otel-collector:8889", File.ReadAllText(Repository.PathOf("deploy/prometheus.yml")), StringComparison.Ordinal);
        Assert.Contains("./deploy/otel-collector.yaml:/etc/otelcol/config.yaml:ro", Service("otel-collector").Strings("volumes"));

        var tracing = Yaml.Load("dapr/config.yaml").Get("spec").Get("tracing");
        Assert.Equal("1", tracing.Text("samplingRate"));
        Assert.Equal("otel-collector:4317", tracing.Get("otel").Text("endpointAddress"));
    }

    private static List<string> Dockerfiles()
    {
        var compose = Yaml.Load(ComposeFile).Get("services");
        return [.. compose.Values.Select(Yaml.Map).Where(s => s!.ContainsKey("build")).Select(s => s!.Get("build").Text("dockerfile")!).Distinct()];
    }

    /// <summary>The <c>--flag value</c> pairs of a sidecar's daprd command.</summary>
    private static Dictionary<string, string> Flags(Dictionary<string, object?> sidecar)
    {
        var command = sidecar.Strings("command");
        Assert.Equal("./daprd", command[0]);
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i + 1 < command.Count; i += 2)
        {
            Assert.StartsWith("--", command[i], StringComparison.Ordinal);
            flags[command[i]] = command[i + 1];
        }
        return flags;
    }

    private static int PortOf(string? url) => new Uri(url ?? throw new InvalidOperationException("no URL")).Port;

    // name[:tag] with a tag that names a version (a digit in it), never "latest".
    [GeneratedRegex(@"^[a-z0-9./_-]+:(?!latest$)[A-Za-z0-9._-]*[0-9][A-Za-z0-9._-]*$")]
    private static partial Regex PinnedImage();
}
