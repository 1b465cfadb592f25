using System.Collections.Concurrent;
using System.Text.Json;
using Broker.Hosting;
using Broker.Hosting.Components;
using Broker.Hosting.Outbox;
using Broker.Hosting.PubSub;
using Broker.Hosting.PubSub.InProcess;
using Broker.Hosting.State;
using Broker.Hosting.State.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SessionBroker.Internal;
using SessionBroker.Services;
using SessionBroker.Tests.Infrastructure;

namespace SessionBroker.Tests.Unit;

/// <summary>The service class with fakes around it: a fake chain, a fake guardian with a real key, an in-memory SQLite
/// state store (with faults on demand), the real transactional outbox over the in-process pub/sub (its transport
/// failing on demand), a handler recording the delivered events and a fake clock for the broker. The outbox and the
/// pub/sub run on the wall clock, so that their retries do not wait for the fake one.</summary>
internal sealed class ServiceFixture : IDisposable
{
    private readonly ServiceProvider _components;

    public ServiceFixture()
    {
        Time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_750_000_000));
        Store = new SqliteStateStore($"Data Source=unit-{Guid.NewGuid():N};Mode=Memory;Cache=Shared");
        FaultyStore = new FaultyStateStore(Store);

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PubSub:InProcess:MaxAttempts"] = "50",
            ["PubSub:InProcess:InitialBackoff"] = "00:00:00.010",
            ["PubSub:InProcess:MaxBackoff"] = "00:00:00.050",
            ["Outbox:CommitWindow"] = "00:00:01",
            ["Outbox:PollFor"] = "00:00:00.050",
        }).Build());
        services.AddLogging();
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { ApplicationName = "SessionBroker" });
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IStateStore>(FaultyStore);
        services.AddInProcessPubSub();
        services.AddSingleton(sp => new FlakyEnvelopePublisher(sp.GetRequiredService<InProcessPubSub>()));
        services.AddSingleton<IEnvelopePublisher>(sp => sp.GetRequiredService<FlakyEnvelopePublisher>());
        services.AddSingleton(new BrokerAppIdentity(BrokerComponents.AppIds.SessionBroker, ComponentsMode.Embedded));
        services.AddTransactionalOutbox(BrokerComponents.AppIds.SessionBroker);
        services.AddSingleton(Delivered);
        services.AddEventHandler<RecordingHandler>(BrokerComponents.Topics.SessionRegistered);
        services.AddEventHandler<RecordingHandler>(BrokerComponents.Topics.SessionRevoked);
        _components = services.BuildServiceProvider();
        PubSub = _components.GetRequiredService<InProcessPubSub>();
        PubSub.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        Transport = _components.GetRequiredService<FlakyEnvelopePublisher>();

        Registry = new SessionRegistry(FaultyStore, _components.GetRequiredService<ITransactionalOutbox>(), Time);
        Chain = new FakeAccountChain();
        Chain.Owners.Add((TestKeys.Account, TestKeys.OwnerPublicKey));
        Chain.Guardians.Add((TestKeys.Account, TestKeys.GuardianPublicKey));
        GuardianClient = new FakeGuardianClient(TestKeys.GuardianPrivateKey);
        Guardian = new GuardianGateway(GuardianClient);
        Options = Microsoft.Extensions.Options.Options.Create(new SessionBrokerOptions
        {
            NodeUrl = new Uri("http://127.0.0.1:1/rpc"),
            GuardianUrl = new Uri("http://127.0.0.1:2"),
            RelayerUrl = new Uri("http://127.0.0.1:3"),
            MaxSessionLifetime = TimeSpan.FromDays(7),
        });
        // Execution goes to the relayer, which these tests never reach (tests/TxRelayer.Tests cover it).
        var relayer = new RelayerGateway(new UnusedRelayerClient());
        Service = new SessionBrokerService(Registry, Chain, Guardian, new SessionExecutor(Registry, Guardian, relayer, Chain, Options, Time, NullLogger<SessionExecutor>.Instance), Options, Time,
            NullLogger<SessionBrokerService>.Instance);
    }

    public FakeTimeProvider Time { get; }
    public SqliteStateStore Store { get; }
    public FaultyStateStore FaultyStore { get; }
    public InProcessPubSub PubSub { get; }
    public FlakyEnvelopePublisher Transport { get; }
    public SessionRegistry Registry { get; }
    public FakeAccountChain Chain { get; }
    public FakeGuardianClient GuardianClient { get; }
    public GuardianGateway Guardian { get; }
    public IOptions<SessionBrokerOptions> Options { get; }
    public SessionBrokerService Service { get; }

    /// <summary>The events delivered to subscribers of session-registered and session-revoked, in delivery order.</summary>
    public ConcurrentQueue<(string Topic, JsonElement Data)> Delivered { get; } = new();

    public ulong Now => (ulong)Time.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>Waits until the pub/sub has nothing left to deliver or retry (outbox intents included), then gives
    /// the delivered events.</summary>
    public async Task<IReadOnlyList<(string Topic, JsonElement Data)>> DeliveredAsync()
    {
        await PubSub.WaitForIdleAsync().WaitAsync(TimeSpan.FromSeconds(20));
        return [.. Delivered];
    }

    public RevocationWatcher Watcher() =>
        new(Chain, Registry, Guardian, Options, Time, NullLogger<RevocationWatcher>.Instance);

    public void Dispose()
    {
        PubSub.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        _components.Dispose();
        Store.Dispose();
    }
}
