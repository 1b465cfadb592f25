using System.Globalization;
using System.Net;
using Broker.Client;
using Broker.Hosting;
using Broker.Hosting.Grpc;
using Broker.Hosting.State.Sqlite;
using GuardianSigner;
using Grpc.AspNetCore.Server;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SessionBroker;
using SessionBroker.Extensions;
using SessionBroker.Services;
using Starknet;
using Starknet.Devnet;
using Starknet.Devnet.Hosting;
using Starknet.Rpc;
using TxRelayer;
using TxRelayer.Extensions;
using TxRelayer.Services;
using RelayerContracts = Broker.Contracts.Relayer.V1;

namespace Broker.Demo;

/// <summary>What <see cref="LocalStack.StartAsync"/> runs with.</summary>
public sealed record LocalStackOptions
{
    /// <summary>Argent accounts in the genesis: the sample's first one, then more with made-up owner keys and the same
    /// guardian (account-paid throughput is one transaction at a time per account).</summary>
    public int ArgentAccounts { get; init; } = 1;

    /// <summary>Relayer accounts in the genesis and in TxRelayer's pool: the sample's one, then made-up ones.</summary>
    public int RelayerAccounts { get; init; } = 1;

    /// <summary>The services' minimum log level (written to stderr).</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Warning;

    /// <summary>Guardian transactions per minute per session; 0 = unlimited (a benchmark needs it).</summary>
    public int GuardianTransactionsPerMinute { get; init; }

    /// <summary>Where the hosts keep their SQLite files; null = a fresh temp folder deleted on dispose.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>The hosts' <c>State:Sqlite:Synchronous</c> (see src/Broker.Hosting/README.md); the product default is Full.</summary>
    public SqliteSynchronous StateSynchronous { get; init; } = SqliteSynchronous.Full;

    /// <summary>
    /// When set, every service's gRPC API accepts only this token (<c>Auth:ApiTokens:0</c>), the broker sends it to the
    /// guardian and the relayer (<c>Auth:CallTokens:*</c>), and <see cref="LocalStack.Broker"/> sends it too; null =
    /// open APIs. The demo and the benchmark use a random one (<see cref="LocalStack.NewApiToken"/>).
    /// </summary>
    public string? ApiToken { get; init; }
}

/// <summary>
/// The whole product on loopback, no Docker: the devnet stand-in (<see cref="DevnetHost"/>, a development node, not
/// Starknet; instant blocks) loaded from the sample genesis, then GuardianSigner, TxRelayer and SessionBroker, each a
/// <see cref="WebApplication"/> of its own (own DI container, own configuration, Kestrel HTTP/2 on a free 127.0.0.1
/// port, own SQLite file, embedded pub/sub), talking to each other over real gRPC.
/// </summary>
/// <remarks>
/// The services run as in-process hosts rather than child processes so the demo is one command that works from any
/// build output: no paths to the other projects' builds, no process management, and still three separate hosts that
/// only meet over the network, exactly as in a deployment. The hosts run in the Development environment, which is the
/// only place (with Testing) where the guardian and relayer keys may come from configuration; here they are the
/// public test keys of the sample genesis.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "A stack of services, not a Stack<T> collection.")]
public sealed class LocalStack : IAsyncDisposable
{
    /// <summary>The dapp id of the sessions the demo and the benchmark register.</summary>
    public const string ProjectId = "broker-demo";

    private readonly List<IAsyncDisposable> _hosts = [];
    private readonly HttpClient _rpcHttp = new();
    private readonly bool _ownsDataDirectory;

    private LocalStack(LocalStackOptions options, DevnetGenesis genesis, string dataDirectory, bool ownsDataDirectory)
    {
        Options = options;
        Genesis = genesis;
        DataDirectory = dataDirectory;
        _ownsDataDirectory = ownsDataDirectory;
    }

    public LocalStackOptions Options { get; }

    public DevnetGenesis Genesis { get; }

    public string DataDirectory { get; }

    public DevnetHost Devnet { get; private set; } = null!;

    public StarknetRpcClient Rpc { get; private set; } = null!;

    public Uri GuardianAddress { get; private set; } = null!;

    public Uri RelayerAddress { get; private set; } = null!;

    public Uri BrokerAddress { get; private set; } = null!;

    /// <summary>A gRPC channel to SessionBroker, shared by <see cref="Broker"/>.</summary>
    public GrpcChannel BrokerChannel { get; private set; } = null!;

    /// <summary>A game server's client of SessionBroker.</summary>
    public BrokerClient Broker { get; private set; } = null!;

    public Felt ChainId => Devnet.State.ChainId;

    public Felt GameContract => Genesis.GameContracts[0];

    public Felt FeeToken => Devnet.State.FeeTokenAddress;

    /// <summary>A random API token (256 bits, hex) for <see cref="LocalStackOptions.ApiToken"/>.</summary>
    public static string NewApiToken() => System.Security.Cryptography.RandomNumberGenerator.GetHexString(64, lowercase: true);

    /// <summary>Starts the devnet and the three services; the returned stack stops them all when disposed.</summary>
    public static async Task<LocalStack> StartAsync(LocalStackOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LocalStackOptions();
        var owns = options.DataDirectory is null;
        var dataDirectory = options.DataDirectory ?? Path.Combine(Path.GetTempPath(), "broker-demo-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dataDirectory);
        var stack = new LocalStack(options, CreateGenesis(options), dataDirectory, owns);
        try
        {
            await stack.StartCoreAsync(cancellationToken);
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
        return stack;
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var level = Options.LogLevel;
        Devnet = await DevnetHost.StartAsync(new DevnetOptions { Port = 0, BlockTimeMilliseconds = 0, HandleProcessSignals = false }, Genesis,
            configureLogging: logging => ConfigureLogging(logging, level), cancellationToken: cancellationToken);
        _hosts.Add(Devnet);
        Rpc = new StarknetRpcClient(_rpcHttp, new StarknetRpcOptions { Endpoint = Devnet.RpcEndpoint, MaxRetries = 3 });

        var account = Genesis.ArgentAccounts[0];
        var token = Options.ApiToken;
        GuardianAddress = await StartHostAsync("GuardianSigner",
            builder => builder.AddGuardianSigner(), app => app.MapGuardianSigner(),
            new Dictionary<string, string?>
            {
                ["Guardian:PrivateKey"] = account.GuardianPrivateKey!.Value.ToString(),
                ["Policy:Default:TransactionsPerMinute"] = Options.GuardianTransactionsPerMinute.ToString(CultureInfo.InvariantCulture),
                ["Auth:ApiTokens:0"] = token,
            }, cancellationToken);

        var relayer = new Dictionary<string, string?>
        {
            ["Relayer:NodeUrl"] = Devnet.RpcEndpoint.ToString(),
            ["Relayer:NodeRetries"] = "5",
            ["Relayer:Tracking:PollInterval"] = "00:00:00.050",
            ["Relayer:Batching:MaxWait"] = "00:00:00",
            ["Auth:ApiTokens:0"] = token,
        };
        for (var i = 0; i < Genesis.RelayerAccounts.Count; i++)
        {
            relayer[$"Relayer:Accounts:{i}:Address"] = Genesis.RelayerAccounts[i].Address.ToString();
            relayer[$"Relayer:Accounts:{i}:PrivateKey"] = Genesis.RelayerAccounts[i].PrivateKey!.Value.ToString();
        }
        RelayerAddress = await StartHostAsync("TxRelayer",
            builder => builder.AddTxRelayerServices(), app => app.MapGrpcService<TxRelayerService>(), relayer, cancellationToken);
        await WaitForRelayerAsync(cancellationToken);

        BrokerAddress = await StartHostAsync("SessionBroker",
            builder => builder.AddSessionBrokerServices(), app => app.MapGrpcService<SessionBrokerService>(),
            new Dictionary<string, string?>
            {
                ["SessionBroker:NodeUrl"] = Devnet.RpcEndpoint.ToString(),
                ["SessionBroker:GuardianUrl"] = GuardianAddress.ToString(),
                ["SessionBroker:RelayerUrl"] = RelayerAddress.ToString(),
                ["SessionBroker:RevocationWatcher:PollInterval"] = "00:00:00.500",
                ["Auth:ApiTokens:0"] = token,
                ["Auth:CallTokens:Guardian"] = token,
                ["Auth:CallTokens:Relayer"] = token,
            }, cancellationToken);
        BrokerChannel = GrpcChannel.ForAddress(BrokerAddress);
        Broker = new BrokerClient(BrokerChannel, TimeSpan.FromSeconds(30), token);
    }

    /// <summary>
    /// Builds and starts one service host as its Program.cs does: AddServiceDefaults, the service's own registration,
    /// MapDefaultEndpoints, its gRPC service (the services grant this assembly their internals for that).
    /// </summary>
    private async Task<Uri> StartHostAsync(string applicationName, Action<WebApplicationBuilder> addService, Action<WebApplication> mapService,
        IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = applicationName,
            EnvironmentName = "Development",
            ContentRootPath = DataDirectory,
            // No file watching of the content root (the data folder, written at every state change).
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        // Only what is set here: no appsettings.json, user secrets or environment variables of the machine.
        builder.Configuration.Sources.Clear();
        var all = new Dictionary<string, string?>(settings)
        {
            ["State:Sqlite:Path"] = Path.Combine(DataDirectory, applicationName + ".state.db"),
            ["Components:Mode"] = "Embedded",
            ["State:Sqlite:Synchronous"] = Options.StateSynchronous.ToString(),
        };
        builder.Configuration.AddInMemoryCollection(all);
        // gRPC only, HTTP/2 without TLS (prior knowledge), on a free loopback port.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));

        builder.AddServiceDefaults();
        // Ctrl+C and SIGTERM stay the program's: a console lifetime per host would stop the services and swallow the
        // signal, leaving the demo or benchmark running against stopped hosts.
        builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        addService(builder);
        ConfigureLogging(builder.Logging, Options.LogLevel);

        var app = builder.Build();
        app.MapDefaultEndpoints();
        mapService(app);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        _hosts.Add(app);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address);
    }

    private static void ConfigureLogging(ILoggingBuilder logging, LogLevel level)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(level);
        // The plain development keys are warned about once per host; this demo uses the public test keys on purpose.
        logging.AddFilter("GuardianSigner.Keys", LogLevel.Error);
        logging.AddFilter("TxRelayer.Internal.RelayerKey", LogLevel.Error);
        logging.AddSimpleConsole(console => console.SingleLine = true);
        logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    private async Task WaitForRelayerAsync(CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress(RelayerAddress);
        // The header the broker's own relayer client sends (Broker.Hosting's call interceptor).
        var client = new RelayerContracts.TxRelayer.TxRelayerClient(channel.Intercept(new ApiTokenCallInterceptor(Options.ApiToken)));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                var info = await client.GetRelayerInfoAsync(new RelayerContracts.GetRelayerInfoRequest(), cancellationToken: cancellationToken);
                if (info.ChainId.Length > 0)
                {
                    return;
                }
            }
            catch (Grpc.Core.RpcException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("TxRelayer did not become ready within 20 s.");
            }
            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>The devnet's sample genesis (public test keys) plus made-up Argent and relayer accounts.</summary>
    public static DevnetGenesis CreateGenesis(LocalStackOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var sample = DevnetGenesis.Load(FindSampleGenesis());
        var template = sample.ArgentAccounts[0];
        var argent = new List<GenesisArgentAccount> { template };
        for (var i = 1; i < options.ArgentAccounts; i++)
        {
            var owner = Felt.Parse($"0xa4e47{i:x4}0c0ffee0c0ffee0c0ffee0c0ffee");
            argent.Add(template with
            {
                Address = Felt.Parse($"0xa4e47{i:x4}"),
                OwnerPrivateKey = owner,
                OwnerPublicKey = Ecdsa.GetPublicKey(owner),
                Nonce = 0,
            });
        }
        var relayers = new List<GenesisRelayerAccount>(sample.RelayerAccounts.Take(1));
        for (var i = relayers.Count; i < options.RelayerAccounts; i++)
        {
            var key = Felt.Parse($"0x7e1a7e{i:x4}5eed5eed5eed5eed5eed");
            relayers.Add(new GenesisRelayerAccount
            {
                Address = Felt.Parse($"0x7e1a7e{i:x4}"),
                PublicKey = Ecdsa.GetPublicKey(key),
                PrivateKey = key,
                Balance = UInt128.Parse("5000000000000000000000", CultureInfo.InvariantCulture),
            });
        }
        return sample with { ArgentAccounts = argent, RelayerAccounts = relayers };
    }

    private static string FindSampleGenesis()
    {
        var copied = Path.Combine(AppContext.BaseDirectory, "genesis.sample.json");
        if (File.Exists(copied))
        {
            return copied;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "Starknet.Devnet", "genesis.sample.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException("genesis.sample.json of src/Starknet.Devnet not found next to the executable.");
    }

    public async ValueTask DisposeAsync()
    {
        BrokerChannel?.Dispose();
        for (var i = _hosts.Count - 1; i >= 0; i--)
        {
            try
            {
                if (_hosts[i] is WebApplication app)
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await app.StopAsync(timeout.Token);
                }
                await _hosts[i].DisposeAsync();
            }
            catch (ObjectDisposedException)
            {
            }
        }
        _hosts.Clear();
        _rpcHttp.Dispose();
        if (_ownsDataDirectory)
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
