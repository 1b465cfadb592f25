using Broker.Hosting.State.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SessionBroker.Internal;
using SessionBroker.Services;
using SessionBroker.Tests.Infrastructure;

namespace SessionBroker.Tests.Unit;

/// <summary>The service class with fakes around it: a fake chain, a fake guardian with a real key, an in-memory SQLite
/// state store, a recording publisher and a fake clock.</summary>
internal sealed class ServiceFixture : IDisposable
{
    public ServiceFixture()
    {
        Time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_750_000_000));
        Store = new SqliteStateStore($"Data Source=unit-{Guid.NewGuid():N};Mode=Memory;Cache=Shared");
        Registry = new SessionRegistry(Store);
        Chain = new FakeAccountChain();
        Chain.Owners.Add((TestKeys.Account, TestKeys.OwnerPublicKey));
        Chain.Guardians.Add((TestKeys.Account, TestKeys.GuardianPublicKey));
        GuardianClient = new FakeGuardianClient(TestKeys.GuardianPrivateKey);
        Guardian = new GuardianGateway(GuardianClient);
        Publisher = new RecordingPublisher();
        Options = Microsoft.Extensions.Options.Options.Create(new SessionBrokerOptions
        {
            NodeUrl = new Uri("http://127.0.0.1:1/rpc"),
            GuardianUrl = new Uri("http://127.0.0.1:2"),
            RelayerUrl = new Uri("http://127.0.0.1:3"),
            MaxSessionLifetime = TimeSpan.FromDays(7),
        });
        // Execution goes to the relayer, which these tests never reach (tests/TxRelayer.Tests cover it).
        var relayer = new RelayerGateway(new UnusedRelayerClient());
        Service = new SessionBrokerService(Registry, Chain, Guardian, Publisher, new SessionExecutor(Registry, Guardian, relayer, Time), Options, Time,
            NullLogger<SessionBrokerService>.Instance);
    }

    public FakeTimeProvider Time { get; }
    public SqliteStateStore Store { get; }
    public SessionRegistry Registry { get; }
    public FakeAccountChain Chain { get; }
    public FakeGuardianClient GuardianClient { get; }
    public GuardianGateway Guardian { get; }
    public RecordingPublisher Publisher { get; }
    public IOptions<SessionBrokerOptions> Options { get; }
    public SessionBrokerService Service { get; }

    public ulong Now => (ulong)Time.GetUtcNow().ToUnixTimeSeconds();

    public RevocationWatcher Watcher() =>
        new(Chain, Registry, Guardian, Publisher, Options, Time, NullLogger<RevocationWatcher>.Instance);

    public void Dispose() => Store.Dispose();
}
