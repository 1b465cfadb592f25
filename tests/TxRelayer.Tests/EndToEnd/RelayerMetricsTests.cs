using System.Diagnostics.Metrics;
using Starknet;
using TxRelayer.Tests.Infrastructure;

namespace TxRelayer.Tests.EndToEnd;

/// <summary>
/// The relayer's metrics through the real hosts (devnet stand-in with instant blocks): the queue-depth gauge reports
/// every relayer account of the running relayer.
/// </summary>
[Collection(InstantStackDefinition.Name)]
public sealed class RelayerMetricsTests(InstantStackFixture fixture)
{
    private Stack S => fixture.Stack;

    [Fact]
    public void QueueDepth_RunningRelayer_ReportsEachAccount()
    {
        var seen = new List<(string Account, int Depth)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Broker.TxRelayer" && instrument.Name == "relayer.queue.depth")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "relayer.account")
                {
                    lock (seen)
                    {
                        seen.Add(((string)tag.Value!, value));
                    }
                }
            }
        });
        listener.Start();

        listener.RecordObservableInstruments();

        // Other test classes may run relayers for the same genesis accounts at the same time, so an account can be
        // reported by more than one pool.
        foreach (var account in S.RelayerAccounts)
        {
            var depths = seen.Where(m => Felt.Parse(m.Account) == account.Address).Select(m => m.Depth).ToList();
            Assert.NotEmpty(depths);
            Assert.All(depths, depth => Assert.True(depth >= 0, $"queue depth {depth}"));
        }
    }
}
