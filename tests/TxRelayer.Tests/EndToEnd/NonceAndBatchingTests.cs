using System.Diagnostics;
using Broker.Hosting.State;
using Microsoft.Extensions.DependencyInjection;
using Starknet;
using Starknet.Rpc;
using TxRelayer.Internal;
using TxRelayer.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TxRelayer.Tests.EndToEnd;

/// <summary>Nonce allocation and batching under concurrency, on the devnet stand-in with instant blocks.</summary>
public sealed class NonceAndBatchingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ConcurrentMoves_TwoRelayerAccounts_EveryNonceUsedOnceWithoutGaps()
    {
        await using var stack = await Stack.StartAsync(new StackOptions
        {
            RelayerAccounts = 2,
            Relayer = new Dictionary<string, string> { ["Batching:Enabled"] = "false" },
        });
        var player = await TestSession.RegisterAsync(stack);

        var results = await Moves.ExecuteAllAsync(stack, player, count: 30, concurrency: 12, tag: 301);

        Moves.AssertExactlyOnce(stack, results, 301);
        var store = stack.RelayerServices.GetRequiredService<IStateStore>();
        foreach (var relayer in stack.RelayerAccounts)
        {
            var hashes = results.Where(r => r.RelayerAddress == relayer.Address).Select(r => r.TransactionHash!.Value.ToString()).Distinct().ToList();
            var nonces = new List<ulong>();
            foreach (var hash in hashes)
            {
                nonces.Add((await store.GetAsync<RelayerTransaction>(RelayStore.TransactionKey(hash))).Value!.Nonce);
            }
            nonces.Sort();
            Assert.Equal(Enumerable.Range(0, hashes.Count).Select(n => (ulong)n), nonces);
            Assert.Equal((Felt)(ulong)hashes.Count, await stack.Rpc.GetNonceAsync(relayer.Address, BlockId.Latest));
        }
        Assert.All(stack.RelayerAccounts, r => Assert.Contains(results, m => m.RelayerAddress == r.Address));
    }

    [Fact]
    public async Task WaitingOutsideExecutions_PackedIntoOneMulticall()
    {
        await using var stack = await Stack.StartAsync(new StackOptions
        {
            // The batch leaves as soon as it holds 8, so a long wait costs nothing when the moves arrive together; 300 ms
            // split them into two batches on a loaded machine.
            Relayer = new Dictionary<string, string> { ["Batching:MaxWait"] = "00:00:03", ["Batching:MaxBatchSize"] = "8" },
        });
        var player = await TestSession.RegisterAsync(stack);

        var results = await Moves.ExecuteAllAsync(stack, player, count: 8, concurrency: 8, tag: 401);

        Moves.AssertExactlyOnce(stack, results, 401);
        var hash = Assert.Single(results.Select(r => r.TransactionHash).Distinct());
        Assert.All(results, r => Assert.Equal(8, r.BatchSize));
        Assert.Equal(8, stack.Devnet.State.GetGameActions(stack.GameContract).Count(a => a.TransactionHash == hash));
    }

    [Fact]
    public async Task Batching_OnAndOff_MeasuredOnTheSameLoad()
    {
        const int Count = 48;
        var measured = new List<string>();
        foreach (var batching in new[] { false, true })
        {
            await using var stack = await Stack.StartAsync(new StackOptions
            {
                Relayer = new Dictionary<string, string> { ["Batching:Enabled"] = batching ? "true" : "false", ["Batching:MaxBatchSize"] = "16" },
            });
            // One session per player, as a game has: the guardian serializes the cosignatures of one session.
            var players = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => TestSession.RegisterAsync(stack)));
            await Moves.ExecuteAllAsync(stack, players[0], count: 4, concurrency: 4, tag: 500); // warm-up

            var clock = Stopwatch.StartNew();
            var results = await Moves.ExecuteAllAsync(stack, players, count: Count, concurrency: 16, tag: batching ? 502UL : 501UL);
            clock.Stop();

            Moves.AssertExactlyOnce(stack, results, batching ? 502UL : 501UL);
            var transactions = results.Select(r => r.TransactionHash).Distinct().Count();
            if (batching)
            {
                Assert.True(transactions < Count, "batching packed some outside executions together");
            }
            else
            {
                Assert.Equal(Count, transactions);
            }
            measured.Add($"batching {(batching ? "on " : "off")}: {Count} moves in {transactions} relayer transactions, {clock.Elapsed.TotalMilliseconds:0} ms, {Count / clock.Elapsed.TotalSeconds:0.0} moves/s to ACCEPTED_ON_L2");
        }
        foreach (var line in measured)
        {
            output.WriteLine(line);
        }
    }
}
