using Broker.Client;
using Starknet;

namespace TxRelayer.Tests.Infrastructure;

/// <summary>Sends numbered moves through the broker and waits for their final states.</summary>
internal static class Moves
{
    /// <summary>
    /// Executes <paramref name="count"/> outside executions, <c>move(tag, i)</c>, at most <paramref name="concurrency"/>
    /// at a time, and returns each one's final state.
    /// </summary>
    public static Task<TransactionResult[]> ExecuteAllAsync(Stack stack, TestSession player, int count, int concurrency, ulong tag) =>
        ExecuteAllAsync(stack, [player], count, concurrency, tag);

    /// <summary>As above, move <c>i</c> played by <c>players[i % players.Count]</c>.</summary>
    public static async Task<TransactionResult[]> ExecuteAllAsync(Stack stack, IReadOnlyList<TestSession> players, int count, int concurrency, ulong tag)
    {
        var accepted = new TransactionResult[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
        {
            var player = players[i % players.Count];
            accepted[i] = await stack.Broker.ExecuteAsync(player.Session, player.Key, TestSession.Move(stack, tag, (ulong)i), $"move-{tag}-{i}", ct);
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await Task.WhenAll(accepted.Select(a => stack.Broker.WaitForFinalAsync(a.RequestId, timeout.Token)));
    }

    /// <summary>How many times the game contract recorded <c>move(tag, i)</c>.</summary>
    public static int TimesOnChain(Stack stack, ulong tag, int i) =>
        stack.Devnet.State.GetGameActions(stack.GameContract).Count(a => a.EntryPoint == "move" && a.Arguments.SequenceEqual([(Felt)tag, (Felt)(ulong)i]));

    /// <summary>Every move is final ACCEPTED_ON_L2 and ran exactly once on the chain.</summary>
    public static void AssertExactlyOnce(Stack stack, TransactionResult[] results, ulong tag)
    {
        for (var i = 0; i < results.Length; i++)
        {
            Assert.True(results[i].State == TransactionState.AcceptedOnL2, $"move {i}: {results[i].State} {results[i].Reason}\n{TestLog.Dump()}");
            Assert.Equal(1, TimesOnChain(stack, tag, i));
        }
    }
}
