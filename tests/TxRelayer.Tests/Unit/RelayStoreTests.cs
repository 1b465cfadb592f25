using System.Text.Json;
using Broker.Hosting.Outbox;
using Broker.Hosting.PubSub;
using Broker.Hosting.State;
using Broker.Hosting.State.Sqlite;
using TxRelayer.Internal;

namespace TxRelayer.Tests.Unit;

/// <summary>
/// The relayer's store over the embedded SQLite state store (in memory): what it writes under which key, and what a
/// fresh instance (a restart) reads back.
/// </summary>
public sealed class RelayStoreTests : IDisposable
{
    private static readonly JsonSerializerOptions s_web = new(JsonSerializerDefaults.Web);

    private readonly SqliteStateStore _state = new($"Data Source=relay-{Guid.NewGuid():N};Mode=Memory;Cache=Shared");

    public void Dispose() => _state.Dispose();

    [Fact]
    public async Task Steps_RewriteOnlyTheStateRow_AndARestartReadsTheWholeRequest()
    {
        var request = Request("move-1");
        using (var store = Open())
        {
            Assert.True((await store.AddAsync(request, [], default)).Created);
            await store.SaveAsync([request with { Status = RelayStatus.Submitted, TransactionHash = "0xabc" }], null, [], default);
        }

        var row = (await _state.GetAsync<JsonElement>(RelayStore.RequestKey("move-1"))).Value;
        Assert.True(row.GetProperty("payloadApart").GetBoolean());
        Assert.Equal(0, row.GetProperty("signature").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("outsideExecution").ValueKind);
        Assert.Equal(Json(request.ToPayload()), Json((await _state.GetAsync<RelayPayload>(RelayStore.PayloadKey("move-1"))).Value));

        using var restarted = Open();
        Assert.Equal(["move-1"], await restarted.LoadPendingAsync(default));
        var read = await restarted.GetAsync("move-1", default);
        Assert.NotNull(read);
        Assert.Equal(RelayStatus.Submitted, read.Status);
        Assert.Equal("0xabc", read.TransactionHash);
        Assert.False(read.PayloadApart);
        Assert.Equal(Json(request.ToPayload()), Json(read.ToPayload()));
    }

    [Fact]
    public async Task SameIdAgain_TheFirstRequestAndItsPayloadStay()
    {
        using var store = Open();
        var first = Request("move-2");
        await store.AddAsync(first, [], default);

        var second = Request("move-2") with { Fingerprint = "other", Signature = ["0x9"] };
        var (stored, created) = await store.AddAsync(second, [], default);

        Assert.False(created);
        Assert.Equal("f-move-2", stored.Fingerprint);
        Assert.Equal(Json(first.ToPayload()), Json((await _state.GetAsync<RelayPayload>(RelayStore.PayloadKey("move-2"))).Value));
    }

    [Fact]
    public async Task RowWrittenBeforeTheSplit_ReadAsItIs_ItsNextWriteStoresThePayloadApart()
    {
        // The layout of earlier versions: the payload inside the request row.
        var request = Request("old-1");
        await _state.SaveAsync(RelayStore.RequestKey("old-1"), request);

        using (var store = Open())
        {
            var read = await store.GetAsync("old-1", default);
            Assert.NotNull(read);
            Assert.Equal(Json(request.ToPayload()), Json(read.ToPayload()));
            await store.SaveAsync([read with { Status = RelayStatus.Submitted }], null, [], default);
        }

        Assert.True((await _state.GetAsync<JsonElement>(RelayStore.RequestKey("old-1"))).Value.GetProperty("payloadApart").GetBoolean());
        using var restarted = Open();
        var again = await restarted.GetAsync("old-1", default);
        Assert.NotNull(again);
        Assert.Equal(RelayStatus.Submitted, again.Status);
        Assert.Equal(Json(request.ToPayload()), Json(again.ToPayload()));
    }

    [Fact]
    public async Task RelayerTransaction_KeepsItsCalldataUntilFinalOrAbandoned()
    {
        using var store = Open();
        var transaction = new RelayerTransaction
        {
            Hash = "0xbeef",
            RelayerAddress = "0x5",
            Nonce = 3,
            Transaction = new StoredInvoke("0x5", ["0x1", "0x2", "0x3"], "0x3", "0x534e", new StoredBounds(1, "2", 3, "4", 5, "6"), 0),
            Signature = ["0x7", "0x8"],
            Members = ["move-1"],
        };

        await store.SaveTransactionAsync(transaction, default);
        Assert.Equal(3, (await store.GetTransactionAsync("0xbeef", default))!.Transaction.Calldata.Count);

        await store.SaveTransactionAsync(transaction with { Final = true }, default);
        var final = await store.GetTransactionAsync("0xbeef", default);
        Assert.True(final!.Final);
        Assert.Empty(final.Transaction.Calldata);
        Assert.Equal(3UL, final.Nonce);

        await store.SaveTransactionAsync(transaction with { Hash = "0xcafe", Abandoned = true }, default);
        Assert.Empty((await store.GetTransactionAsync("0xcafe", default))!.Transaction.Calldata);
    }

    private RelayStore Open() => new(_state, new CommitOnlyOutbox(_state));

    private static RelayRequest Request(string id) => new()
    {
        RequestId = id,
        Kind = RelayKind.OutsideExecution,
        Fingerprint = "f-" + id,
        Account = "0x123",
        OutsideExecution = new StoredOutsideExecution("0x414e595f43414c4c4552", "0x7", 1, 2, [new StoredCall("0x6a3e", "0x1234", ["0x1", "0x2"])]),
        Signature = ["0x1", "0x2", "0x3"],
    };

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, s_web);

    /// <summary>Commits and publishes nothing: these tests look at the state only.</summary>
    private sealed class CommitOnlyOutbox(IStateStore state) : ITransactionalOutbox
    {
        public async Task<IReadOnlyList<CloudEvent>?> TryExecuteAsync(IReadOnlyList<StateOperation> operations, IReadOnlyList<OutboxMessage> messages,
            CancellationToken cancellationToken = default) =>
            await state.TryExecuteTransactionAsync(operations, cancellationToken) ? [] : null;
    }
}
