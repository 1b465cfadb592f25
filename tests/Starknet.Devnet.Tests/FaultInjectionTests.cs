using System.Diagnostics;
using System.Net;
using Starknet.Devnet.Tests.Support;
using Starknet.Rpc;

namespace Starknet.Devnet.Tests;

/// <summary>The fault injection of our devnet stand-in (not a real node), as the relayer's reliability tests will use it.</summary>
public sealed class FaultInjectionTests
{
    [Fact]
    public async Task TransientErrorRate_One_AnswersEveryAttemptWith503()
    {
        await using var node = await TestNode.StartAsync(options: Faults(new() { TransientErrorRate = 1 }),
            clientOptions: endpoint => FastRetries(endpoint, maxRetries: 2));

        var error = await Assert.ThrowsAsync<StarknetRpcTransportException>(() => node.Client.ChainIdAsync());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Equal(3, error.Attempts);
    }

    [Fact]
    public async Task TimeoutRate_One_LeavesTheClientWithoutAnswer()
    {
        await using var node = await TestNode.StartAsync(options: Faults(new() { TimeoutRate = 1, TimeoutMilliseconds = 5_000 }),
            clientOptions: endpoint => new StarknetRpcOptions { Endpoint = endpoint, MaxRetries = 0, Timeout = TimeSpan.FromMilliseconds(200) });
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<StarknetRpcTransportException>(() => node.Client.ChainIdAsync());

        Assert.Null(error.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Latency_OnOneMethod_DelaysOnlyThatMethod()
    {
        await using var node = await TestNode.StartAsync(options: Faults(new() { LatencyMilliseconds = 300, Methods = ["starknet_blockNumber"] }));
        await node.Client.ChainIdAsync(); // warm up the connection

        var clock = Stopwatch.StartNew();
        await node.Client.ChainIdAsync();
        var fast = clock.Elapsed;
        clock.Restart();
        await node.Client.BlockNumberAsync();
        var slow = clock.Elapsed;

        Assert.True(slow >= TimeSpan.FromMilliseconds(290), $"blockNumber took {slow}");
        Assert.True(fast < TimeSpan.FromMilliseconds(290), $"chainId took {fast}");
    }

    [Fact]
    public async Task DropSubmissionRate_One_ReturnsAHashThatNeverLands()
    {
        await using var node = await TestNode.StartAsync(options: Faults(new() { DropSubmissionRate = 1 }));
        var tx = TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, 0, [TestChain.GameCall("move")]));

        var hash = await node.Client.AddInvokeTransactionAsync(tx);

        Assert.Equal(tx.ComputeHash(), hash);
        await Assert.ThrowsAsync<TransactionHashNotFoundException>(() => node.Client.GetTransactionStatusAsync(hash));
        Assert.Equal(Felt.Zero, await node.Client.GetNonceAsync(TestChain.Account, BlockId.PreConfirmed));
        // The same transaction can be sent again; it is not a duplicate.
        Assert.Equal(hash, await node.Client.AddInvokeTransactionAsync(tx));
    }

    [Fact]
    public async Task ForcedRevertRate_One_RevertsButChargesAndUsesTheNonce()
    {
        await using var node = await TestNode.StartAsync(options: Faults(new() { ForcedRevertRate = 1 }));
        var before = node.State.GetBalance(TestChain.Account);

        var receipt = await node.SubmitAsync(TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, 0, [TestChain.GameCall("move")])));

        Assert.Equal(TransactionExecutionStatus.Reverted, receipt.ExecutionStatus);
        Assert.Equal("devnet/forced-revert", receipt.RevertReason);
        Assert.Empty(node.State.GetGameActions());
        Assert.Equal(1UL, node.State.GetNonce(TestChain.Account));
        Assert.True(node.State.GetBalance(TestChain.Account) < before);
    }

    [Fact]
    public async Task NonceRaceRate_One_BumpsTheNonceBehindTheClientsBack()
    {
        await using var node = await TestNode.StartAsync(options: Faults(new() { NonceRaceRate = 1 }));
        var nonce = await node.Client.GetNonceAsync(TestChain.Account, BlockId.PreConfirmed);

        await Assert.ThrowsAsync<InvalidTransactionNonceException>(() =>
            node.Client.AddInvokeTransactionAsync(TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, nonce, [TestChain.GameCall("move")]))));

        Assert.Equal(nonce + 1, await node.Client.GetNonceAsync(TestChain.Account, BlockId.PreConfirmed));
    }

    [Fact]
    public async Task BumpNonce_FromATest_MakesTheNextSubmissionStale()
    {
        await using var node = await TestNode.StartAsync();
        node.State.BumpNonce(TestChain.Account);

        await Assert.ThrowsAsync<InvalidTransactionNonceException>(() =>
            node.Client.AddInvokeTransactionAsync(TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, 0, [TestChain.GameCall("move")]))));
        var receipt = await node.SubmitAsync(TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, 1, [TestChain.GameCall("move")])));
        Assert.Equal(TransactionExecutionStatus.Succeeded, receipt.ExecutionStatus);
    }

    [Fact]
    public async Task Seed_Same_GivesTheSameFaultSequence()
    {
        var first = await Outcomes(seed: 42);
        var second = await Outcomes(seed: 42);
        var other = await Outcomes(seed: 7);

        Assert.Equal(first, second);
        Assert.Contains(true, first);
        Assert.Contains(false, first);
        Assert.NotEqual(first, other);

        static async Task<bool[]> Outcomes(int seed)
        {
            await using var node = await TestNode.StartAsync(options: Faults(new() { Seed = seed, TransientErrorRate = 0.5 }));
            var outcomes = new bool[24];
            for (var i = 0; i < outcomes.Length; i++)
            {
                try
                {
                    await node.Client.ChainIdAsync();
                    outcomes[i] = true;
                }
                catch (StarknetRpcTransportException)
                {
                    outcomes[i] = false;
                }
            }
            return outcomes;
        }
    }

    [Fact]
    public async Task Faults_Default_AreOff()
    {
        await using var node = await TestNode.StartAsync();

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(TestChain.ChainId, await node.Client.ChainIdAsync());
        }
        Assert.False(new FaultInjectionOptions().IsEnabled);
    }

    private static DevnetOptions Faults(FaultInjectionOptions faults) => new() { Faults = faults };

    private static StarknetRpcOptions FastRetries(Uri endpoint, int maxRetries) => new()
    {
        Endpoint = endpoint,
        MaxRetries = maxRetries,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(5),
        UseJitter = false,
        Timeout = TimeSpan.FromSeconds(10),
    };
}
