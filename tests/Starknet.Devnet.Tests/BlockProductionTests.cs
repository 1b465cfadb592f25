using Sessions;
using Starknet.Devnet.Tests.Support;
using Starknet.Rpc;
using Starknet.Transactions;

namespace Starknet.Devnet.Tests;

/// <summary>Interval-mode blocks of our devnet stand-in (not a real node), driven by a hand-set clock.</summary>
public sealed class BlockProductionTests : IAsyncLifetime
{
    private TestNode _node = null!;

    public async Task InitializeAsync() => _node = await TestNode.StartAsync(TestChain.Genesis(blockTimeMs: 2_000));

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task AddInvokeTransaction_IntervalMode_GoesReceivedPreConfirmedAccepted()
    {
        var tx = TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, 0, [TestChain.GameCall("move")]));

        var hash = await _node.Client.AddInvokeTransactionAsync(tx);

        Assert.Equal(new TransactionStatusResult(TransactionFinalityStatus.Received, null, null), await _node.Client.GetTransactionStatusAsync(hash));
        await Assert.ThrowsAsync<TransactionHashNotFoundException>(() => _node.Client.GetTransactionReceiptAsync(hash));
        Assert.Equal(Felt.Zero, await _node.Client.GetNonceAsync(TestChain.Account, BlockId.Latest));
        Assert.Equal(Felt.One, await _node.Client.GetNonceAsync(TestChain.Account, BlockId.PreConfirmed));
        // The next nonce counts the waiting transaction.
        var second = TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, 1, [TestChain.GameCall("attack")]));
        var secondHash = await _node.Client.AddInvokeTransactionAsync(second);

        _node.Time.Advance(TimeSpan.FromSeconds(2)); // the timer's first tick

        Assert.Equal(new TransactionStatusResult(TransactionFinalityStatus.PreConfirmed, TransactionExecutionStatus.Succeeded, null),
            await _node.Client.GetTransactionStatusAsync(hash));
        var preConfirmed = await _node.Client.GetTransactionReceiptAsync(secondHash);
        Assert.Equal(TransactionFinalityStatus.PreConfirmed, preConfirmed.FinalityStatus);
        Assert.Null(preConfirmed.BlockHash);
        Assert.Equal(1UL, preConfirmed.BlockNumber);
        Assert.Equal(0UL, await _node.Client.BlockNumberAsync());
        var pending = await _node.Client.GetEventsAsync(new EventFilter { Address = TestChain.Game, ToBlock = BlockId.PreConfirmed, ChunkSize = 10 });
        Assert.Equal(2, pending.Events.Count);
        Assert.All(pending.Events, e => Assert.Null(e.BlockHash));
        Assert.Empty((await _node.Client.GetEventsAsync(new EventFilter { Address = TestChain.Game, ChunkSize = 10 })).Events);

        _node.Time.Advance(TimeSpan.FromSeconds(2));

        var accepted = await _node.Client.GetTransactionReceiptAsync(hash);
        Assert.Equal(TransactionFinalityStatus.AcceptedOnL2, accepted.FinalityStatus);
        Assert.NotNull(accepted.BlockHash);
        Assert.Equal(1UL, await _node.Client.BlockNumberAsync());
        Assert.Equal((Felt)2, await _node.Client.GetNonceAsync(TestChain.Account, BlockId.Latest));
        Assert.All(_node.State.GetGameActions(), a => Assert.Equal(1UL, a.BlockNumber));
    }

    [Fact]
    public async Task ProduceBlock_StateChangedSinceAdmission_RejectsTheTransaction()
    {
        var session = TestSession.Create(TestChain.StartTime + 86_400, "move");
        Call[] move = [TestChain.GameCall("move")];
        var revoke = TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, 0, [SessionRevocation.RevokeSessionCall(TestChain.Account, session.Hash)]));
        var sessionTx = session.Sign(TestChain.Invoke(TestChain.Account, 1, move), move);
        await _node.Client.AddInvokeTransactionAsync(revoke);
        // Admission validates on the executed state, where the session is not revoked yet.
        var hash = await _node.Client.AddInvokeTransactionAsync(sessionTx);

        _node.State.ProduceBlock();

        var status = await _node.Client.GetTransactionStatusAsync(hash);
        Assert.Equal(TransactionFinalityStatus.Rejected, status.FinalityStatus);
        Assert.Contains(SessionErrors.Revoked, status.FailureReason, StringComparison.Ordinal);
        Assert.Equal(Felt.One, await _node.Client.GetNonceAsync(TestChain.Account, BlockId.PreConfirmed));
        Assert.Empty(_node.State.GetGameActions());
    }

    [Fact]
    public async Task ProduceBlock_Nothing_MakesNoEmptyBlock()
    {
        _node.Time.Advance(TimeSpan.FromSeconds(10));
        _node.State.ProduceBlock();

        Assert.Equal(0UL, await _node.Client.BlockNumberAsync());
    }
}
