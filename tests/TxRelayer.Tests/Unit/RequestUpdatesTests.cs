using System.Collections.Concurrent;
using Broker.Hosting;
using Broker.Hosting.Events;
using Broker.Hosting.Outbox;
using Broker.Hosting.PubSub;
using Broker.Hosting.State;
using Broker.Hosting.State.Sqlite;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Starknet.Rpc;
using TxRelayer.Internal;

namespace TxRelayer.Tests.Unit;

/// <summary>
/// The relayer's store and its announcements, over an in-memory SQLite store and a recording outbox that commits the
/// operations and keeps the events only when they commit.
/// </summary>
public sealed class RequestUpdatesTests : IDisposable
{
    private readonly SqliteStateStore _state = new($"Data Source=updates-{Guid.NewGuid():N};Mode=Memory;Cache=Shared");
    private readonly RecordingOutbox _events;

    public RequestUpdatesTests() => _events = new RecordingOutbox(_state);

    public void Dispose() => _state.Dispose();

    private static RelayRequest Request(string id) => new()
    {
        RequestId = id,
        Kind = RelayKind.OutsideExecution,
        Fingerprint = "f",
        Account = "0x1",
        Signature = ["0x1"],
        OutsideExecution = new StoredOutsideExecution("0x1", "0x2", 0, 10, [new StoredCall("0x3", "0x4", [])]),
    };

    [Fact]
    public async Task Commit_EachStatusChange_StoredTogetherWithItsTransactionStatusEvent()
    {
        var store = new RelayStore(_state, _events);
        var updates = new RequestUpdates(store, TimeProvider.System, NullLogger<RequestUpdates>.Instance);
        var (request, created) = await store.AddAsync(Request("r1"), [RequestUpdates.StatusMessage(Request("r1"), 1)], CancellationToken.None);
        Assert.True(created);
        updates.AnnounceAccepted(request);

        await updates.CommitAsync(request with { Status = RelayStatus.Submitted, TransactionHash = "0xabc" }, CancellationToken.None);
        await updates.CommitAsync(request with { Status = RelayStatus.Submitted, TransactionHash = "0xabc" }, CancellationToken.None);
        await updates.CommitAsync(request.Finish(RelayStatus.AcceptedOnL2, null, 5) with { TransactionHash = "0xabc" }, CancellationToken.None);

        Assert.Equal(["ACCEPTED", "SUBMITTED", "ACCEPTED_ON_L2"], _events.Published.Select(e => e.Status));
        Assert.All(_events.Topics, t => Assert.Equal(BrokerComponents.Topics.TransactionStatus, t));
        Assert.True(_events.Published[^1].IsFinal);
        Assert.Equal(RelayStatus.AcceptedOnL2, (await new RelayStore(_state, _events).GetAsync("r1", CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task PendingIndex_FinalRequestsLeaveIt_ARestartFindsOnlyTheLiveOnes()
    {
        var store = new RelayStore(_state, _events);
        var updates = new RequestUpdates(store, TimeProvider.System, NullLogger<RequestUpdates>.Instance);
        foreach (var id in (string[])["a", "b", "c"])
        {
            await store.AddAsync(Request(id), [], CancellationToken.None);
        }
        var (duplicate, created) = await store.AddAsync(Request("b") with { Fingerprint = "other" }, [RequestUpdates.StatusMessage(Request("b"), 1)], CancellationToken.None);
        Assert.False(created);
        Assert.Empty(_events.Published); // a refused write publishes nothing
        Assert.Equal("f", duplicate.Fingerprint);

        await updates.CommitAsync(Request("b").Finish(RelayStatus.Rejected, "no", 1), CancellationToken.None);

        var pending = await new RelayStore(_state, _events).LoadPendingAsync(CancellationToken.None);
        Assert.Equal(["a", "c"], pending.Order());
    }

    [Fact]
    public async Task PendingIndex_ConcurrentAddsAndFinalWritesAcrossShards_ARestartFindsExactlyTheLiveOnes()
    {
        var store = new RelayStore(_state, _events);
        var updates = new RequestUpdates(store, TimeProvider.System, NullLogger<RequestUpdates>.Instance);
        var ids = Enumerable.Range(0, 300).Select(i => $"req-{i}").ToArray();

        // Writes on different shards commit concurrently; writes on one shard wait for each other.
        await Task.WhenAll(ids.Select(id => Task.Run(() => store.AddAsync(Request(id), [], CancellationToken.None))));
        await Task.WhenAll(ids.Where((_, i) => i % 3 == 0).Chunk(4).Select(batch => Task.Run(() =>
            updates.CommitAsync([.. batch.Select(id => Request(id).Finish(RelayStatus.AcceptedOnL2, null, 1))], null, CancellationToken.None))));

        var pending = await new RelayStore(_state, _events).LoadPendingAsync(CancellationToken.None);
        Assert.Equal(ids.Where((_, i) => i % 3 != 0).Order(), pending.Order());
    }

    [Fact]
    public void FeePolicy_OverheadThenCap()
    {
        var estimate = new FeeEstimate
        {
            L1GasConsumed = 0, L1GasPrice = 10, L2GasConsumed = 1_000, L2GasPrice = 100, L1DataGasConsumed = 10, L1DataGasPrice = 50,
            OverallFee = 100_500, Unit = PriceUnit.Fri,
        };
        static FeePolicy Policy(string cap) => new(Options.Create(new RelayerOptions { Fees = new FeeOptions { MaxFeePerTransaction = cap } }));

        var padded = Policy("1000000").Bounds(estimate)!.Value;
        Assert.Equal(1_500UL, padded.L2Gas.MaxAmount);
        Assert.Equal((UInt128)150, padded.L2Gas.MaxPricePerUnit);
        Assert.Equal(15UL, padded.L1DataGas.MaxAmount);

        var plain = Policy("100500").Bounds(estimate)!.Value;
        Assert.Equal(1_000UL, plain.L2Gas.MaxAmount);

        Assert.Null(Policy("100499").Bounds(estimate));
    }

    private sealed class RecordingOutbox(IStateStore state) : ITransactionalOutbox
    {
        private readonly ConcurrentQueue<(string Topic, TransactionStatusEvent Event)> _published = new();

        public List<TransactionStatusEvent> Published => [.. _published.Select(p => p.Event)];

        public List<string> Topics => [.. _published.Select(p => p.Topic)];

        public async Task<IReadOnlyList<CloudEvent>?> TryExecuteAsync(
            IReadOnlyList<StateOperation> operations, IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken = default)
        {
            if (!await state.TryExecuteTransactionAsync(operations, cancellationToken))
            {
                return null;
            }
            foreach (var message in messages)
            {
                _published.Enqueue((message.Topic, message.Data.Deserialize<TransactionStatusEvent>(JsonSerializerOptions.Web)!));
            }
            return [.. messages.Select(m => new CloudEvent { Id = Guid.NewGuid().ToString(), Source = "test", Topic = m.Topic, PubSubName = BrokerComponents.PubSub })];
        }
    }
}
