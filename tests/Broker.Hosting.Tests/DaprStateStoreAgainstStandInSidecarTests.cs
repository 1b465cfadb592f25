using Broker.DaprStandIn;
using Broker.Hosting.Dapr;
using Broker.Hosting.State;
using Dapr;
using Dapr.Client;
using Grpc.Core;

namespace Broker.Hosting.Tests;

/// <summary>
/// The state conformance suite run on <see cref="DaprStateStore"/> against a stand-in sidecar hosted in the test
/// (<see cref="StandInSidecar"/>, not daprd), one sidecar and app id per test; plus what only the Dapr adapter does.
/// </summary>
public sealed class DaprStateStoreAgainstStandInSidecarTests : StateStoreConformanceTests, IAsyncLifetime
{
    private readonly StandInDaprCluster _cluster = new();
    private readonly string _appId = $"app-{Guid.NewGuid():N}"[..16];
    private StandInSidecar _sidecar = null!;
    private DaprClient _client = null!;

    public async Task InitializeAsync()
    {
        _sidecar = await StandInSidecar.StartAsync(_appId, _cluster);
        _client = _sidecar.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _sidecar.DisposeAsync();
    }

    protected override IStateStore CreateStore() => new DaprStateStore(_client);

    [Fact]
    public async Task SaveAsync_KeyIsStoredWithTheAppIdPrefix_ByTheStandInSidecar()
    {
        await CreateStore().SaveAsync("session:0x1", 1);
        Assert.Contains($"{_appId}||session:0x1", _cluster.StateStore(BrokerComponents.StateStore).Keys);
    }

    [Fact]
    public async Task StandInSidecar_StaleAndMalformedETags_AnswerAbortedAndInvalidArgumentAsDaprdDoes()
    {
        await _client.SaveStateAsync(BrokerComponents.StateStore, "k", 1);
        var (_, etag) = await _client.GetStateAndETagAsync<int>(BrokerComponents.StateStore, "k");
        await _client.SaveStateAsync(BrokerComponents.StateStore, "k", 2);
        // ABORTED is what the SDK's Try* turns into false.
        Assert.False(await _client.TrySaveStateAsync(BrokerComponents.StateStore, "k", 3, etag));
        var ex = await Assert.ThrowsAsync<DaprException>(() => _client.TrySaveStateAsync(BrokerComponents.StateStore, "k", 3, "not-a-version"));
        Assert.Equal(StatusCode.InvalidArgument, Assert.IsType<RpcException>(ex.InnerException).StatusCode);
    }

    [Fact]
    public async Task StandInSidecar_FailedTransaction_AnswersInternalAndWritesNothing()
    {
        await _client.SaveStateAsync(BrokerComponents.StateStore, "a", 1);
        var ex = await Assert.ThrowsAsync<DaprException>(() => _client.ExecuteStateTransactionAsync(BrokerComponents.StateStore,
        [
            new StateTransactionRequest("b", [0x31], StateOperationType.Upsert),
            new StateTransactionRequest("a", [0x32], StateOperationType.Upsert, etag: "999999"),
        ]));
        Assert.Equal(StatusCode.Internal, Assert.IsType<RpcException>(ex.InnerException).StatusCode);
        Assert.DoesNotContain($"{_appId}||b", _cluster.StateStore(BrokerComponents.StateStore).Keys);
    }

    [Fact]
    public async Task GetAsync_SidecarDown_ThrowsComponentUnavailableKeepingTheDaprError()
    {
        var store = CreateStore();
        await _sidecar.DisposeAsync();
        var ex = await Assert.ThrowsAsync<ComponentUnavailableException>(() => store.GetAsync<int>("k"));
        Assert.Equal(BrokerComponents.StateStore, ex.ComponentName);
        Assert.IsType<DaprException>(ex.InnerException);
        _sidecar = await StandInSidecar.StartAsync(_appId, _cluster);
    }

    [Fact]
    public async Task TryExecuteTransactionAsync_StoreNotLoaded_ThrowsComponentUnavailable()
    {
        var store = new DaprStateStore(_client, "no-such-store");
        await Assert.ThrowsAsync<ComponentUnavailableException>(() =>
            store.TryExecuteTransactionAsync([StateOperation.Upsert("k", 1)]));
    }
}
