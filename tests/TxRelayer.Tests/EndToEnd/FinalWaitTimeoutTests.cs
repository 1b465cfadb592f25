using Broker.Client;
using Grpc.Core.Interceptors;
using TxRelayer.Tests.Infrastructure;
using SessionBrokerContracts = Broker.Contracts.Session.V1;

namespace TxRelayer.Tests.EndToEnd;

/// <summary>
/// wait_for_final when the final status takes longer than the relayer waits (Tracking:FinalWaitTimeout 50 ms, a block
/// every 800 ms on the devnet stand-in): the broker answers with the state of the moment and the SDK's
/// ExecuteAndWaitAsync goes on watching until the transaction is final.
/// </summary>
public sealed class FinalWaitTimeoutTests : IAsyncLifetime
{
    private Stack _stack = null!;

    public async Task InitializeAsync() => _stack = await Stack.StartAsync(new StackOptions
    {
        BlockTimeMilliseconds = 800,
        Relayer = new Dictionary<string, string> { ["Tracking:FinalWaitTimeout"] = "00:00:00.050" },
    });

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task ExecuteAndWait_FinalStatusLaterThanTheRelayerWaits_AnswerNotFinalThenWatchedToAcceptedOnL2()
    {
        var player = await TestSession.RegisterAsync(_stack);
        var methods = new MethodRecorder();
        var broker = new BrokerClient(new SessionBrokerContracts.SessionBroker.SessionBrokerClient(_stack.BrokerChannel.Intercept(methods)), TimeSpan.FromSeconds(30));

        var final = await broker.ExecuteAndWaitAsync(player.Session, player.Key, TestSession.Move(_stack, 701));

        Assert.True(final.State == TransactionState.AcceptedOnL2, $"{final.State} {final.Reason}\n{TestLog.Dump()}");
        Assert.Equal(["Execute", "WatchTransaction"], methods.Methods);
        Assert.Single(_stack.Devnet.State.GetGameActions(_stack.GameContract), a => a.TransactionHash == final.TransactionHash);
    }
}
