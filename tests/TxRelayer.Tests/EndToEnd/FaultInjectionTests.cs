using Broker.Client;
using Starknet.Devnet;
using TxRelayer.Tests.Infrastructure;

namespace TxRelayer.Tests.EndToEnd;

/// <summary>
/// The devnet stand-in's fault injection (its own seeded faults, not a real node's behaviour): each move still ends
/// ACCEPTED_ON_L2 and runs exactly once.
/// </summary>
public sealed class FaultInjectionTests
{
    private static readonly string[] s_relayerMethods =
        ["starknet_addInvokeTransaction", "starknet_estimateFee", "starknet_getNonce", "starknet_getTransactionStatus", "starknet_getTransactionReceipt"];

    [Fact]
    public async Task TransientRpcErrors_EveryMoveAcceptedOnce()
    {
        await using var stack = await Stack.StartAsync(new StackOptions
        {
            Faults = new FaultInjectionOptions { Seed = 7, TransientErrorRate = 0.2, Methods = s_relayerMethods },
        });
        var player = await TestSession.RegisterAsync(stack);

        var results = await Moves.ExecuteAllAsync(stack, player, count: 12, concurrency: 4, tag: 101);

        Moves.AssertExactlyOnce(stack, results, 101);
    }

    [Fact]
    public async Task DroppedSubmissions_BothPaths_SentAgainAndAcceptedOnce()
    {
        await using var stack = await Stack.StartAsync(new StackOptions
        {
            Faults = new FaultInjectionOptions { Seed = 3, DropSubmissionRate = 0.3 },
        });
        var player = await TestSession.RegisterAsync(stack);

        var results = await Moves.ExecuteAllAsync(stack, player, count: 10, concurrency: 3, tag: 102);
        Moves.AssertExactlyOnce(stack, results, 102);
        Assert.Contains(results, r => r.PreviousTransactionHashes.Count > 0 || r.State == TransactionState.AcceptedOnL2);

        // The account-paid path: the very same transaction is sent again until the node keeps it.
        for (var i = 0; i < 3; i++)
        {
            var prepared = await stack.Broker.PrepareInvokeAsync(player.Session, [new SessionCall(stack.GameContract, "attack", [103, (ulong)i])]);
            var submitted = await stack.Broker.SubmitInvokeAsync(player.Session, player.Key, prepared);
            var final = await stack.Broker.WaitForFinalAsync(submitted.RequestId);
            Assert.True(final.State == TransactionState.AcceptedOnL2, $"{final.State} {final.Reason}\n{TestLog.Dump()}");
            Assert.Single(stack.Devnet.State.GetGameActions(stack.GameContract), a => a.TransactionHash == prepared.TransactionHash);
        }
    }

    [Fact]
    public async Task NonceRaces_RelayerResynchronises_EveryMoveAcceptedOnce()
    {
        await using var stack = await Stack.StartAsync(new StackOptions
        {
            Faults = new FaultInjectionOptions { Seed = 11, NonceRaceRate = 0.3 },
            Relayer = new Dictionary<string, string> { ["Batching:Enabled"] = "false" },
        });
        var player = await TestSession.RegisterAsync(stack);

        var results = await Moves.ExecuteAllAsync(stack, player, count: 12, concurrency: 4, tag: 104);

        Moves.AssertExactlyOnce(stack, results, 104);
    }
}
