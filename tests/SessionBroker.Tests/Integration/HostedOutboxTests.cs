using System.Collections.Concurrent;
using System.Text.Json;
using Broker.Hosting;
using Broker.Hosting.Outbox;
using Broker.Hosting.PubSub;
using Broker.Hosting.PubSub.InProcess;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SessionBroker.Internal;
using SessionBroker.Tests.Infrastructure;

namespace SessionBroker.Tests.Integration;

/// <summary>
/// The broker's own Program in embedded mode (no devnet needed): its DI holds the transactional outbox and the relay
/// subscription on its outbox topic, so what the registry commits is delivered.
/// </summary>
public sealed class HostedOutboxTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(string Topic, JsonElement Data)> _delivered = new();
    private WebApplicationFactory<SessionBrokerEntryPoint> _broker = null!;

    public Task InitializeAsync()
    {
        _broker = new WebApplicationFactory<SessionBrokerEntryPoint>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Testing");
            web.UseSetting("SessionBroker:NodeUrl", "http://127.0.0.1:1/rpc");
            web.UseSetting("SessionBroker:GuardianUrl", "http://guardian.test");
            web.UseSetting("SessionBroker:RelayerUrl", "http://relayer.test");
            web.UseSetting("SessionBroker:RevocationWatcher:Enabled", "false");
            web.UseSetting("State:Sqlite:ConnectionString", $"Data Source=hosted-outbox-{Guid.NewGuid():N};Mode=Memory;Cache=Shared");
            web.ConfigureLogging(logging => logging.ClearProviders());
            web.ConfigureTestServices(services =>
            {
                services.AddSingleton(_delivered);
                services.AddEventHandler<RecordingHandler>(BrokerComponents.Topics.SessionRegistered);
                services.AddEventHandler<RecordingHandler>(BrokerComponents.Topics.SessionRevoked);
            });
        });
        _ = _broker.Server; // starts the host
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task EmbeddedHost_RegistersTheOutboxAndItsRelay_CommittedChangesAreDelivered()
    {
        var services = _broker.Services;
        Assert.NotNull(services.GetRequiredService<ITransactionalOutbox>());
        Assert.Contains(services.GetServices<EventSubscription>(),
            s => s.Topic == BrokerComponents.Topics.Outbox(BrokerComponents.AppIds.SessionBroker) && s.HandlerType == typeof(OutboxRelayHandler));

        var registry = services.GetRequiredService<SessionRegistry>();
        var record = new SessionRecord
        {
            SessionHash = "0x1234",
            ChainId = TestKeys.ChainId.ToString(),
            AccountAddress = TestKeys.Account.ToString(),
            SessionPublicKey = "0x5",
            ExpiresAt = 2_000_000_000,
            AllowedMethods = [],
            Metadata = "{}",
            OwnerPublicKey = TestKeys.OwnerPublicKey.ToString(),
            Authorization = [],
            GuardianPublicKey = TestKeys.GuardianPublicKey.ToString(),
            RegisteredAt = 1_750_000_000,
        };
        Assert.True((await registry.AddAsync(record, CancellationToken.None)).Created);
        Assert.NotNull(await registry.MarkRevokedAsync(Starknet.Felt.Parse(record.SessionHash), 1_750_000_100, onChain: false, CancellationToken.None));

        await services.GetRequiredService<InProcessPubSub>().WaitForIdleAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal([BrokerComponents.Topics.SessionRegistered, BrokerComponents.Topics.SessionRevoked], _delivered.Select(d => d.Topic).Order().ToArray());
        Assert.All(_delivered, d => Assert.Equal("0x1234", d.Data.GetProperty("sessionHash").GetString()));
    }
}
