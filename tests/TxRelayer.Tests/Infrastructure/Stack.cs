using System.Globalization;
using Broker.Client;
using GuardianSigner;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SessionBroker;
using Starknet;
using Starknet.Devnet;
using Starknet.Rpc;
using TxRelayer;
using RelayerContracts = Broker.Contracts.Relayer.V1;

namespace TxRelayer.Tests.Infrastructure;

/// <summary>What a test stack runs with.</summary>
internal sealed record StackOptions
{
    /// <summary>Devnet block time: 0 for instant blocks.</summary>
    public int BlockTimeMilliseconds { get; init; }

    public FaultInjectionOptions Faults { get; init; } = new();

    /// <summary>Relayer accounts in the genesis and in the relayer's configuration.</summary>
    public int RelayerAccounts { get; init; } = 1;

    /// <summary>Extra relayer settings (keys under <c>Relayer:</c>), e.g. <c>Batching:MaxWait</c>.</summary>
    public IReadOnlyDictionary<string, string> Relayer { get; init; } = new Dictionary<string, string>();

    /// <summary>The relayer's SQLite file; null for a private in-memory database.</summary>
    public string? RelayerDatabase { get; init; }
}

/// <summary>
/// The whole product in one process, each service from its real <c>Program</c> through
/// <see cref="WebApplicationFactory{TEntryPoint}"/> on real Kestrel (127.0.0.1, free ports, HTTP/2), talking over real
/// gRPC channels: GuardianSigner, SessionBroker (which reaches the guardian and the relayer through its gRPC client
/// factory) and TxRelayer, against the devnet stand-in (<see cref="DevnetHost"/>, a development node, not Starknet)
/// loaded from the devnet's sample genesis plus extra relayer accounts. Everything runs on the wall clock.
/// </summary>
internal sealed class Stack : IAsyncDisposable
{
    public const string ProjectId = "relayer-tests";

    private static readonly Lock s_startGate = new();

    private readonly List<IAsyncDisposable> _hosts = [];
    private readonly HttpClient _rpcHttp = new();
    private WebApplicationFactory<TxRelayerEntryPoint>? _relayer;

    private Stack(StackOptions options, DevnetGenesis genesis)
    {
        Options = options;
        Genesis = genesis;
    }

    public StackOptions Options { get; }

    public DevnetGenesis Genesis { get; }

    public DevnetHost Devnet { get; private set; } = null!;

    public StarknetRpcClient Rpc { get; private set; } = null!;

    public Uri GuardianAddress { get; private set; } = null!;

    public Uri BrokerAddress { get; private set; } = null!;

    public Uri RelayerAddress { get; private set; } = null!;

    public GrpcChannel BrokerChannel { get; private set; } = null!;

    public GrpcChannel RelayerChannel { get; private set; } = null!;

    public BrokerClient Broker => new(BrokerChannel, TimeSpan.FromSeconds(30));

    public RelayerContracts.TxRelayer.TxRelayerClient Relayer => new(RelayerChannel);

    public IServiceProvider RelayerServices => _relayer!.Services;

    public GenesisArgentAccount Account => Genesis.ArgentAccounts[0];

    public Felt GameContract => Genesis.GameContracts[0];

    public IReadOnlyList<GenesisRelayerAccount> RelayerAccounts => Genesis.RelayerAccounts;

    public static ulong Now => (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public static async Task<Stack> StartAsync(StackOptions? options = null)
    {
        options ??= new StackOptions();
        var stack = new Stack(options, TestGenesis.Create(options.RelayerAccounts));
        try
        {
            await stack.StartCoreAsync();
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
        return stack;
    }

    private async Task StartCoreAsync()
    {
        Devnet = await DevnetHost.StartAsync(new DevnetOptions { Port = 0, BlockTimeMilliseconds = Options.BlockTimeMilliseconds, Faults = Options.Faults },
            Genesis, configureLogging: logging => logging.ClearProviders());
        _hosts.Add(Devnet);
        Rpc = new StarknetRpcClient(_rpcHttp, new StarknetRpcOptions { Endpoint = Devnet.RpcEndpoint, MaxRetries = 5, RetryBaseDelay = TimeSpan.FromMilliseconds(20) });

        var guardian = Start(new WebApplicationFactory<GuardianSignerEntryPoint>(), new Dictionary<string, string?>
        {
            ["Guardian:PrivateKey"] = Account.GuardianPrivateKey!.Value.ToString(),
            ["State:Sqlite:ConnectionString"] = $"Data Source=guardian-{Guid.NewGuid():N};Mode=Memory;Cache=Shared",
            ["Policy:Default:TransactionsPerMinute"] = "0",
        });
        GuardianAddress = guardian.Address;

        await StartRelayerAsync();

        var broker = Start(new WebApplicationFactory<SessionBrokerEntryPoint>(), new Dictionary<string, string?>
        {
            ["SessionBroker:NodeUrl"] = Devnet.RpcEndpoint.ToString(),
            ["SessionBroker:GuardianUrl"] = GuardianAddress.ToString(),
            ["SessionBroker:RelayerUrl"] = RelayerAddress.ToString(),
            ["SessionBroker:RevocationWatcher:PollInterval"] = "00:00:00.200",
            ["SessionBroker:AuthorizationCacheCheckInterval"] = "00:00:00.100",
            ["State:Sqlite:ConnectionString"] = $"Data Source=broker-{Guid.NewGuid():N};Mode=Memory;Cache=Shared",
        });
        BrokerAddress = broker.Address;
        BrokerChannel = GrpcChannel.ForAddress(BrokerAddress);
    }

    /// <summary>Starts the relayer (again, after <see cref="StopRelayerAsync"/>: same accounts, same database).</summary>
    public async Task StartRelayerAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Relayer:NodeUrl"] = Devnet.RpcEndpoint.ToString(),
            ["Relayer:NodeRetries"] = "5",
            ["Relayer:Tracking:PollInterval"] = "00:00:00.050",
            ["Relayer:Tracking:DroppedAfter"] = "00:00:00.500",
            ["Relayer:Batching:MaxWait"] = "00:00:00",
        };
        for (var i = 0; i < RelayerAccounts.Count; i++)
        {
            settings[$"Relayer:Accounts:{i}:Address"] = RelayerAccounts[i].Address.ToString();
            settings[$"Relayer:Accounts:{i}:PrivateKey"] = RelayerAccounts[i].PrivateKey!.Value.ToString();
        }
        settings[Options.RelayerDatabase is { } path ? "State:Sqlite:Path" : "State:Sqlite:ConnectionString"] =
            Options.RelayerDatabase ?? $"Data Source=relayer-{Guid.NewGuid():N};Mode=Memory;Cache=Shared";
        foreach (var (key, value) in Options.Relayer)
        {
            settings[$"Relayer:{key}"] = value;
        }
        // The broker keeps its address: a restarted relayer comes back on the same port.
        var started = Start(new WebApplicationFactory<TxRelayerEntryPoint>(), settings, RelayerAddress?.Port ?? 0);
        _relayer = (WebApplicationFactory<TxRelayerEntryPoint>)started.Factory;
        RelayerAddress = started.Address;
        RelayerChannel?.Dispose();
        RelayerChannel = GrpcChannel.ForAddress(RelayerAddress);
        await WaitUntilAsync(async () => (await Relayer.GetRelayerInfoAsync(new RelayerContracts.GetRelayerInfoRequest())).ChainId.Length > 0, "the relayer to start");
    }

    /// <summary>Stops the relayer host as a crash would leave it: in-flight work is abandoned, the database stays.</summary>
    public async Task StopRelayerAsync()
    {
        if (_relayer is not null)
        {
            _hosts.Remove(_relayer);
            await _relayer.DisposeAsync();
            _relayer = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        BrokerChannel?.Dispose();
        RelayerChannel?.Dispose();
        for (var i = _hosts.Count - 1; i >= 0; i--)
        {
            try
            {
                await _hosts[i].DisposeAsync();
            }
            catch (ObjectDisposedException)
            {
            }
        }
        _rpcHttp.Dispose();
    }

    private (Uri Address, object Factory) Start<T>(WebApplicationFactory<T> factory, IReadOnlyDictionary<string, string?> settings, int port = 0)
        where T : class
    {
        var configured = factory.WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Testing");
            var all = new Dictionary<string, string?>(settings);
            // Both endpoints of appsettings.json move to free loopback ports; HTTP/2 without TLS needs prior knowledge.
            foreach (var endpoint in (string[])["Grpc", "Http"])
            {
                all[$"Kestrel:Endpoints:{endpoint}:Url"] = endpoint == "Grpc" ? $"http://127.0.0.1:{port}" : "http://127.0.0.1:0";
                all[$"Kestrel:Endpoints:{endpoint}:Protocols"] = "Http2";
            }
            // Added after appsettings.json, so these win.
            web.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(all));
            web.ConfigureLogging(logging => logging.ClearProviders().AddProvider(TestLog.Provider));
        });
        configured.UseKestrel();
        // WebApplicationFactory intercepts the building of the entry point's host through process-wide diagnostic
        // events; two hosts starting at once can pick up each other's configuration, so starts take turns.
        lock (s_startGate)
        {
            configured.StartServer();
        }
        _hosts.Add(configured);
        // The first address is the Grpc endpoint's (endpoints bind in configuration order).
        var addresses = configured.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        TestLog.Entries.Enqueue($"{typeof(T).Name} listens on {string.Join(", ", addresses)}");
        var address = addresses.First();
        return (new Uri(address), configured);
    }

    /// <summary>Polls (on the wall clock) until <paramref name="condition"/> holds, for at most <paramref name="seconds"/> seconds.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Grpc.Core.RpcException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }
            await Task.Delay(20);
        }
    }

    public static string Format(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}
