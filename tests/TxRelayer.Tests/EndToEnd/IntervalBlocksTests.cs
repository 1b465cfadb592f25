using System.Diagnostics;
using Broker.Client;
using TxRelayer.Tests.Infrastructure;

namespace TxRelayer.Tests.EndToEnd;

/// <summary>
/// Both paths on the devnet stand-in with interval blocks (a block every 200 ms), watched through the broker: the
/// statuses move forward only and end ACCEPTED_ON_L2; and one trace spans broker, guardian and relayer.
/// </summary>
public sealed class IntervalBlocksTests : IAsyncLifetime
{
    private Stack _stack = null!;

    public async Task InitializeAsync() => _stack = await Stack.StartAsync(new StackOptions { BlockTimeMilliseconds = 200 });

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task BothPaths_WatchedToAcceptedOnL2_StatusesOnlyMoveForward()
    {
        var player = await TestSession.RegisterAsync(_stack);

        var outside = await _stack.Broker.ExecuteAsync(player.Session, player.Key, TestSession.Move(_stack, 601));
        var seen = await WatchAsync(outside.RequestId);
        var prepared = await _stack.Broker.PrepareInvokeAsync(player.Session, [new SessionCall(_stack.GameContract, "attack", [602])]);
        var invoke = await _stack.Broker.SubmitInvokeAsync(player.Session, player.Key, prepared);
        var seenInvoke = await WatchAsync(invoke.RequestId);

        foreach (var states in new[] { seen, seenInvoke })
        {
            Assert.Equal(TransactionState.AcceptedOnL2, states[^1].State);
            Assert.True(states.Zip(states.Skip(1)).All(p => p.First.State < p.Second.State), string.Join(" → ", states.Select(s => s.State)));
            Assert.Contains(states, s => s.State == TransactionState.PreConfirmed);
            Assert.NotNull(states[^1].BlockNumber);
        }
        Assert.Single(_stack.Devnet.State.GetGameActions(_stack.GameContract), a => a.TransactionHash == seenInvoke[^1].TransactionHash);
        Assert.Single(_stack.Devnet.State.GetGameActions(_stack.GameContract), a => a.TransactionHash == seen[^1].TransactionHash);
    }

    [Fact]
    public async Task Execute_OneTraceAcrossBrokerGuardianAndRelayer()
    {
        var player = await TestSession.RegisterAsync(_stack);
        var servers = new System.Collections.Concurrent.ConcurrentBag<Activity>();
        // Only the server spans and the root are listened to: the hosts record no spans without an exporter, and the
        // gRPC clients between them must carry the trace context all the same.
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or "TxRelayer.Tests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.Kind == ActivityKind.Server)
                {
                    servers.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        using var root = new ActivitySource("TxRelayer.Tests").StartActivity("game server move");
        Assert.NotNull(root);
        await _stack.Broker.ExecuteAsync(player.Session, player.Key, TestSession.Move(_stack, 603));
        root.Stop();

        // Server spans by the gRPC method gRPC tags them with (their display names depend on the tracer: OpenTelemetry's
        // instrumentation renames them, and these hosts record no spans of their own without an exporter).
        var inTrace = servers.Where(a => a.TraceId == root.TraceId).Select(a => a.GetTagItem("grpc.method") as string ?? a.DisplayName).ToList();
        Assert.Contains("/broker.session.v1.SessionBroker/Execute", inTrace);
        Assert.Contains("/broker.guardian.v1.GuardianSigner/CosignOutsideExecution", inTrace);
        Assert.Contains("/broker.relayer.v1.TxRelayer/SubmitOutsideExecution", inTrace);
    }

    private async Task<List<TransactionResult>> WatchAsync(string requestId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var states = new List<TransactionResult>();
        await foreach (var state in _stack.Broker.WatchAsync(requestId, timeout.Token))
        {
            states.Add(state);
        }
        return states;
    }
}
