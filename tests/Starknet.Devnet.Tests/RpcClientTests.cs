using Starknet.Devnet.Tests.Support;
using Starknet.Rpc;
using Starknet.Transactions;

namespace Starknet.Devnet.Tests;

/// <summary>
/// <see cref="StarknetRpcClient"/> against our in-process devnet stand-in (not a real node): every method, and every
/// typed error the devnet produces.
/// </summary>
public sealed class RpcClientTests : IAsyncLifetime
{
    private TestNode _node = null!;

    private StarknetRpcClient Client => _node.Client;

    public async Task InitializeAsync() => _node = await TestNode.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task ChainIdSpecVersionBlockNumber_FreshDevnet_DescribeTheChain()
    {
        Assert.Equal(TestChain.ChainId, await Client.ChainIdAsync());
        Assert.Equal("0.10.0", await Client.SpecVersionAsync());
        Assert.Equal(0UL, await Client.BlockNumberAsync());

        await _node.SubmitAsync(TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, 0, [TestChain.GameCall("move")])));

        Assert.Equal(1UL, await Client.BlockNumberAsync());
    }

    [Fact]
    public async Task GetNonce_LatestPreConfirmedAndBlockNumbers_FollowTheHistory()
    {
        await _node.SubmitAsync(TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, 0, [TestChain.GameCall("move")])));
        await _node.SubmitAsync(TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, 1, [TestChain.GameCall("move")])));

        Assert.Equal((Felt)2, await Client.GetNonceAsync(TestChain.Account, BlockId.Latest));
        Assert.Equal((Felt)2, await Client.GetNonceAsync(TestChain.Account, BlockId.PreConfirmed));
        Assert.Equal(Felt.Zero, await Client.GetNonceAsync(TestChain.Account, BlockId.FromNumber(0)));
        Assert.Equal(Felt.One, await Client.GetNonceAsync(TestChain.Account, BlockId.FromNumber(1)));
        Assert.Equal(Felt.Zero, await Client.GetNonceAsync(TestChain.Game, BlockId.Latest));

        var missing = await Assert.ThrowsAsync<StarknetRpcException>(() => Client.GetNonceAsync(0xdead, BlockId.Latest));
        Assert.Equal((int)StarknetErrorCode.ContractNotFound, missing.Code);
        var noBlock = await Assert.ThrowsAsync<StarknetRpcException>(() => Client.GetNonceAsync(TestChain.Account, BlockId.FromNumber(99)));
        Assert.Equal((int)StarknetErrorCode.BlockNotFound, noBlock.Code);
        var noHash = await Assert.ThrowsAsync<StarknetRpcException>(() => Client.GetNonceAsync(TestChain.Account, BlockId.FromHash(0x1234)));
        Assert.Equal((int)StarknetErrorCode.BlockNotFound, noHash.Code);
    }

    [Fact]
    public async Task Call_Views_ReturnResultsOrTypedErrors()
    {
        var balance = await Client.CallAsync(FunctionCall.ToEntryPoint(_node.State.FeeTokenAddress, "balance_of", TestChain.Account), BlockId.Latest);
        Assert.Equal([Felt.FromUInt128(1000 * TestChain.Strk), Felt.Zero], balance);
        Assert.Equal([CairoShortString.Encode("STRK")], await Client.CallAsync(FunctionCall.ToEntryPoint(_node.State.FeeTokenAddress, "symbol"), BlockId.PreConfirmed));

        var contractError = await Assert.ThrowsAsync<ContractErrorException>(() =>
            Client.CallAsync(FunctionCall.ToEntryPoint(TestChain.Account, "is_valid_signature", 1, 2, 3, 4), BlockId.Latest));
        Assert.Equal("argent/invalid-owner-sig", contractError.RevertError);
        var badArgs = await Assert.ThrowsAsync<ContractErrorException>(() =>
            Client.CallAsync(FunctionCall.ToEntryPoint(TestChain.Account, "is_session_revoked"), BlockId.Latest));
        Assert.Equal("Failed to deserialize param #1", badArgs.RevertError);
        var notFound = await Assert.ThrowsAsync<StarknetRpcException>(() => Client.CallAsync(FunctionCall.ToEntryPoint(0xdead, "get_name"), BlockId.Latest));
        Assert.Equal((int)StarknetErrorCode.ContractNotFound, notFound.Code);
        var noEntryPoint = await Assert.ThrowsAsync<StarknetRpcException>(() => Client.CallAsync(FunctionCall.ToEntryPoint(TestChain.Game, "fly"), BlockId.Latest));
        Assert.Equal((int)StarknetErrorCode.EntryPointNotFound, noEntryPoint.Code);
    }

    [Fact]
    public async Task EstimateFee_SeveralTransactions_RunInOrderOrNameTheFailingOne()
    {
        var first = TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, 0, [TestChain.GameCall("move")], version: TransactionVersion.V3Query));
        var second = TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, 1, [TestChain.GameCall("attack")], version: TransactionVersion.V3Query));

        var estimates = await Client.EstimateFeeAsync([first, second], SimulationOptions.None, BlockId.PreConfirmed);
        Assert.Equal(2, estimates.Count);

        var reverting = TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, 1, [Call.ToEntryPoint(0xdead, "move")], version: TransactionVersion.V3Query));
        var error = await Assert.ThrowsAsync<TransactionExecutionErrorException>(() =>
            Client.EstimateFeeAsync([first, reverting], SimulationOptions.None, BlockId.PreConfirmed));
        Assert.Equal(1UL, error.TransactionIndex);
        Assert.Contains("CONTRACT_NOT_FOUND", error.ExecutionError, StringComparison.Ordinal);

        var staleNonce = TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, 0, [TestChain.GameCall("move")], version: TransactionVersion.V3Query));
        _node.State.SetNonce(TestChain.Account, 1);
        var nonceError = await Assert.ThrowsAsync<TransactionExecutionErrorException>(() => Client.EstimateFeeAsync(staleNonce, SimulationOptions.None, BlockId.Latest));
        Assert.Contains("nonce", nonceError.ExecutionError, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AddInvokeTransaction_ThenStatusAndReceipt_ReportTheExecution()
    {
        var tx = TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, 0, [TestChain.GameCall("move", 4)]));

        var hash = await Client.AddInvokeTransactionAsync(tx);

        Assert.Equal(tx.ComputeHash(), hash);
        var status = await Client.GetTransactionStatusAsync(hash);
        Assert.Equal(new TransactionStatusResult(TransactionFinalityStatus.AcceptedOnL2, TransactionExecutionStatus.Succeeded, null), status);
        var receipt = await Client.GetTransactionReceiptAsync(hash);
        Assert.Equal(TransactionType.Invoke, receipt.Type);
        Assert.Equal(hash, receipt.TransactionHash);
        Assert.Equal(1UL, receipt.BlockNumber);
        Assert.NotNull(receipt.BlockHash);
        Assert.Null(receipt.RevertReason);
        Assert.Empty(receipt.MessagesSent);
        Assert.Equal(0UL, receipt.ExecutionResources.L1Gas);
        Assert.True(receipt.ExecutionResources.L2Gas > 0);
        Assert.Equal(3, receipt.Events.Count); // ActionRecorded, TransactionExecuted, the fee Transfer
    }

    [Fact]
    public async Task AddInvokeTransaction_TypedErrors_MapToTheirExceptions()
    {
        var tx = TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, 0, [TestChain.GameCall("move")]));
        await Client.AddInvokeTransactionAsync(tx);

        await Assert.ThrowsAsync<DuplicateTransactionException>(() => Client.AddInvokeTransactionAsync(tx));

        var stale = TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, 0, [TestChain.GameCall("attack")]));
        var low = await Assert.ThrowsAsync<InvalidTransactionNonceException>(() => Client.AddInvokeTransactionAsync(stale));
        Assert.Contains("Account nonce: 0x1; got: 0x0", low.Reason, StringComparison.Ordinal);
        // No gaps: a nonce above the next expected one is refused as well.
        var ahead = TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, 5, [TestChain.GameCall("attack")]));
        await Assert.ThrowsAsync<InvalidTransactionNonceException>(() => Client.AddInvokeTransactionAsync(ahead));

        var forged = TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, 1, [TestChain.GameCall("move")]), ownerKey: 0x999);
        var invalid = await Assert.ThrowsAsync<ValidationFailureException>(() => Client.AddInvokeTransactionAsync(forged));
        Assert.Equal("argent/invalid-owner-sig", invalid.Reason);

        var nonAccount = await Assert.ThrowsAsync<StarknetRpcException>(() =>
            Client.AddInvokeTransactionAsync(TestChain.RelayerSigned(TestChain.Invoke(TestChain.Game, 0, [TestChain.GameCall("move")]))));
        Assert.Equal((int)StarknetErrorCode.NonAccount, nonAccount.Code);

        var relayerForged = TestChain.RelayerSigned(TestChain.Invoke(TestChain.Relayer, 0, [TestChain.GameCall("move")]), key: 0x998);
        var relayerError = await Assert.ThrowsAsync<ValidationFailureException>(() => Client.AddInvokeTransactionAsync(relayerForged));
        Assert.Equal("Account: invalid signature", relayerError.Reason);

        await Assert.ThrowsAsync<TransactionHashNotFoundException>(() => Client.GetTransactionStatusAsync(0x1234));
        await Assert.ThrowsAsync<TransactionHashNotFoundException>(() => Client.GetTransactionReceiptAsync(0x1234));
    }

    [Fact]
    public async Task GetEvents_SmallChunks_PagesWithContinuationTokens()
    {
        for (ulong i = 0; i < 3; i++)
        {
            await _node.SubmitAsync(TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, i, [TestChain.GameCall("move", i), TestChain.GameCall("attack", i)])));
        }
        var filter = new EventFilter { Address = TestChain.Game, ChunkSize = 4, FromBlock = BlockId.FromNumber(0), ToBlock = BlockId.Latest };

        var events = new List<EmittedEvent>();
        var pages = 0;
        string? token = null;
        do
        {
            var page = await Client.GetEventsAsync(filter with { ContinuationToken = token });
            Assert.InRange(page.Events.Count, 1, 4);
            events.AddRange(page.Events);
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(2, pages);
        Assert.Equal(6, events.Count);
        Assert.Equal([1UL, 1, 2, 2, 3, 3], events.Select(e => e.BlockNumber!.Value));
        Assert.All(events, e => Assert.NotNull(e.BlockHash));
        Assert.Equal([0UL, 1, 0, 1, 0, 1], events.Select(e => e.EventIndex!.Value));

        var attacks = await Client.GetEventsAsync(new EventFilter { Keys = [[], [], [Selector.FromName("attack")]], ChunkSize = 100 });
        Assert.Equal(3, attacks.Events.Count);
        var onlyBlock2 = await Client.GetEventsAsync(new EventFilter { FromBlock = BlockId.FromNumber(2), ToBlock = BlockId.FromNumber(2), Address = TestChain.Game, ChunkSize = 100 });
        Assert.Equal(2, onlyBlock2.Events.Count);

        var badToken = await Assert.ThrowsAsync<StarknetRpcException>(() => Client.GetEventsAsync(filter with { ContinuationToken = "nonsense" }));
        Assert.Equal((int)StarknetErrorCode.InvalidContinuationToken, badToken.Code);
        var tooBig = await Assert.ThrowsAsync<StarknetRpcException>(() => Client.GetEventsAsync(filter with { ChunkSize = 100_000 }));
        Assert.Equal((int)StarknetErrorCode.PageSizeTooBig, tooBig.Code);
        var tooManyKeys = await Assert.ThrowsAsync<StarknetRpcException>(() =>
            Client.GetEventsAsync(filter with { Keys = [.. Enumerable.Repeat<IReadOnlyList<Felt>>([], 17)] }));
        Assert.Equal((int)StarknetErrorCode.TooManyKeysInFilter, tooManyKeys.Code);
    }
}
