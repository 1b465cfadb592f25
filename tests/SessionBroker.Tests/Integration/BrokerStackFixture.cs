using Broker.Client;
using GuardianSigner;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SessionBroker.Internal;
using Starknet;
using Starknet.Devnet;
using Starknet.Rpc;
using BrokerContracts = Broker.Contracts.Session.V1;
using GuardianContracts = Broker.Contracts.Guardian.V1;

namespace SessionBroker.Tests.Integration;

/// <summary>
/// The whole stack in one process: the devnet stand-in (<see cref="DevnetHost"/>, Kestrel on 127.0.0.1 with a free
/// port, loaded from the devnet's <c>genesis.sample.json</c>), the real GuardianSigner and the real SessionBroker, each
/// from its own <c>Program</c> through <see cref="WebApplicationFactory{TEntryPoint}"/>. The broker reaches the guardian
/// through the gRPC client factory (its handler swapped for the guardian's TestServer) and the devnet over real HTTP.
/// One <see cref="FakeTimeProvider"/> is the clock of all three, so expiry and the watcher's polling are driven by the test.
/// </summary>
public sealed class BrokerStackFixture : IAsyncLifetime, IDisposable
{
    /// <summary>The polling interval of the broker's revocation watcher, on the fake clock.</summary>
    public static readonly TimeSpan WatcherInterval = TimeSpan.FromSeconds(2);

    private WebApplicationFactory<GuardianSignerEntryPoint>? _guardian;
    private WebApplicationFactory<SessionBrokerEntryPoint>? _broker;
    private HttpClient? _rpcHttp;

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.FromUnixTimeSeconds(1_760_000_000));

    public DevnetGenesis Genesis { get; } = DevnetGenesis.Load(FindGenesis());

    public DevnetHost Devnet { get; private set; } = null!;

    public StarknetRpcClient Rpc { get; private set; } = null!;

    public GrpcChannel BrokerChannel { get; private set; } = null!;

    public GrpcChannel GuardianChannel { get; private set; } = null!;

    public BrokerContracts.SessionBroker.SessionBrokerClient Broker => new(BrokerChannel);

    public GuardianContracts.GuardianSigner.GuardianSignerClient Guardian => new(GuardianChannel);

    public BrokerClient BrokerClient => new(BrokerChannel, TimeSpan.FromSeconds(20));

    public GuardianClient GuardianClient => new(GuardianChannel, TimeSpan.FromSeconds(20));

    /// <summary>The first Argent account of the genesis: it has an owner and the guardian key GuardianSigner runs with.</summary>
    public GenesisArgentAccount Account => Genesis.ArgentAccounts[0];

    /// <summary>The second account, whose owner is not an owner of <see cref="Account"/>.</summary>
    public GenesisArgentAccount OtherAccount => Genesis.ArgentAccounts[1];

    public Felt GameContract => Genesis.GameContracts[0];

    public IServiceProvider BrokerServices => _broker!.Services;

    /// <summary>The deadline of each call the guardian received, by method name.</summary>
    public GuardianCallRecorder GuardianCalls { get; } = new();

    public async Task InitializeAsync()
    {
        Devnet = await DevnetHost.StartAsync(new DevnetOptions { Port = 0 }, Genesis, Time, logging => logging.ClearProviders());
        _rpcHttp = new HttpClient();
        Rpc = new StarknetRpcClient(_rpcHttp, new StarknetRpcOptions { Endpoint = Devnet.RpcEndpoint, MaxRetries = 0 });

        var guardianKey = Account.GuardianPrivateKey ?? throw new InvalidOperationException("The sample genesis has no guardian private key.");
        _guardian = new WebApplicationFactory<GuardianSignerEntryPoint>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Testing");
            web.UseSetting("Guardian:PrivateKey", guardianKey.ToString());
            web.UseSetting("State:Sqlite:ConnectionString", $"Data Source=guardian-{Guid.NewGuid():N};Mode=Memory;Cache=Shared");
            web.ConfigureLogging(logging => logging.ClearProviders());
            web.ConfigureTestServices(services =>
            {
                services.AddSingleton<TimeProvider>(Time);
                services.AddSingleton(GuardianCalls);
                services.AddGrpc(options => options.Interceptors.Add<GuardianCallRecorder>());
            });
        });
        var guardianHandler = _guardian.Server.CreateHandler();
        GuardianChannel = GrpcChannel.ForAddress(_guardian.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = _guardian.Server.CreateHandler() });

        _broker = new WebApplicationFactory<SessionBrokerEntryPoint>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Testing");
            web.UseSetting("SessionBroker:NodeUrl", Devnet.RpcEndpoint.ToString());
            web.UseSetting("SessionBroker:GuardianUrl", "http://guardian.test");
            web.UseSetting("SessionBroker:RelayerUrl", "http://relayer.test");
            web.UseSetting("SessionBroker:RevocationWatcher:PollInterval", WatcherInterval.ToString());
            web.UseSetting("State:Sqlite:ConnectionString", $"Data Source=broker-{Guid.NewGuid():N};Mode=Memory;Cache=Shared");
            web.ConfigureLogging(logging => logging.ClearProviders());
            web.ConfigureTestServices(services =>
            {
                services.AddSingleton<TimeProvider>(Time);
                // The guardian client of the client factory keeps its configuration (call-context propagation) and only
                // sends through the in-process guardian.
                services.Configure<HttpClientFactoryOptions>(nameof(GuardianContracts.GuardianSigner.GuardianSignerClient),
                    options => options.HttpMessageHandlerBuilderActions.Add(b => b.PrimaryHandler = guardianHandler));
            });
        });
        BrokerChannel = GrpcChannel.ForAddress(_broker.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = _broker.Server.CreateHandler() });

        // The watcher's first poll pins its checkpoint to the latest block; later revocations are after it.
        var registry = _broker.Services.GetRequiredService<SessionRegistry>();
        await WaitUntilAsync(async () => await registry.GetCheckpointAsync(CancellationToken.None) is not null, "the watcher's first poll");
    }

    public async Task DisposeAsync()
    {
        BrokerChannel?.Dispose();
        GuardianChannel?.Dispose();
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
        if (_guardian is not null)
        {
            await _guardian.DisposeAsync();
        }
        if (Devnet is not null)
        {
            await Devnet.DisposeAsync();
        }
    }

    public void Dispose() => _rpcHttp?.Dispose();

    public ulong Now => (ulong)Time.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>Polls (on the wall clock) until <paramref name="condition"/> holds, for at most 10 seconds.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }
            await Task.Delay(20);
        }
    }

    private static string FindGenesis()
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
        throw new FileNotFoundException("genesis.sample.json of src/Starknet.Devnet not found.");
    }
}

/// <summary>Records the deadline of each call the guardian receives, to check that the broker propagates its own.</summary>
public sealed class GuardianCallRecorder : Grpc.Core.Interceptors.Interceptor
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTime> _deadlines = new();

    public DateTime? DeadlineOf(string method) => _deadlines.TryGetValue(method, out var deadline) ? deadline : null;

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, Grpc.Core.ServerCallContext context,
        Grpc.Core.UnaryServerMethod<TRequest, TResponse> continuation)
    {
        _deadlines[context.Method[(context.Method.LastIndexOf('/') + 1)..]] = context.Deadline;
        return continuation(request, context);
    }
}

[CollectionDefinition(Name)]
public sealed class BrokerStackDefinition : ICollectionFixture<BrokerStackFixture>
{
    public const string Name = "Broker stack (devnet stand-in, GuardianSigner, SessionBroker)";
}
