using Broker.Client;
using Starknet.Devnet;
using TxRelayer.Tests.Infrastructure;

namespace TxRelayer.Tests.EndToEnd;

/// <summary>
/// A relayer stopped mid-flight and started again on the same SQLite file (devnet stand-in with interval blocks and a
/// slow addInvokeTransaction, so that requests are queued, in flight and pending at the stop).
/// </summary>
public sealed class RestartTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("relayer-restart-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task RelayerRestartedMidFlight_ResumesWithoutLossOrDoubleSubmission()
    {
        await using var stack = await Stack.StartAsync(new StackOptions
        {
            BlockTimeMilliseconds = 300,
            Faults = new FaultInjectionOptions { LatencyMilliseconds = 150, Methods = ["starknet_addInvokeTransaction"] },
            RelayerDatabase = Path.Combine(_directory, "relayer.db"),
            Relayer = new Dictionary<string, string>
            {
                ["Batching:Enabled"] = "false",
                ["Tracking:AcknowledgeTimeout"] = "00:00:00.020",
            },
        });
        var player = await TestSession.RegisterAsync(stack);
        const ulong Tag = 201;
        const int Count = 8;

        var accepted = await Task.WhenAll(Enumerable.Range(0, Count).Select(i =>
            stack.Broker.ExecuteAsync(player.Session, player.Key, TestSession.Move(stack, Tag, (ulong)i), $"restart-{i}")));
        Assert.Contains(accepted, a => !a.IsFinal);
        await Task.Delay(250);
        await stack.StopRelayerAsync();
        var pendingAtStop = Enumerable.Range(0, Count).Count(i => Moves.TimesOnChain(stack, Tag, i) == 0);

        await stack.StartRelayerAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var results = await Task.WhenAll(accepted.Select(a => stack.Broker.WaitForFinalAsync(a.RequestId, timeout.Token)));

        Assert.True(pendingAtStop > 0, "some moves were still pending when the relayer stopped");
        Moves.AssertExactlyOnce(stack, results, Tag);
        // Retrying after the restart returns the stored answers.
        var again = await stack.Broker.GetTransactionAsync("restart-0");
        Assert.Equal(results[0].TransactionHash, again.TransactionHash);
    }
}
