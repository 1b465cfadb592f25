using TxRelayer.Internal;

namespace TxRelayer.Tests.Unit;

/// <summary>Batch-filling routing of outside executions for any caller (<see cref="RelayerPool.ChooseFillingLane"/>).</summary>
public sealed class RelayerRoutingTests
{
    [Fact]
    public void AllIdle_FirstIdleFromTheStart_SentAtOnce()
    {
        Assert.Equal(2, RelayerPool.ChooseFillingLane([(false, 0), (false, 0), (false, 0)], start: 2, maxBatchSize: 8));
    }

    [Fact]
    public void OneLaneBusy_ItsNextBatchFillsBeforeAnIdleLaneIsWoken()
    {
        Assert.Equal(1, RelayerPool.ChooseFillingLane([(false, 0), (true, 0), (false, 0)], start: 0, maxBatchSize: 8));
        Assert.Equal(1, RelayerPool.ChooseFillingLane([(false, 0), (true, 5), (false, 0)], start: 0, maxBatchSize: 8));
    }

    [Fact]
    public void SeveralBusy_TheFullestThatStillHasRoom()
    {
        Assert.Equal(2, RelayerPool.ChooseFillingLane([(true, 3), (true, 8), (true, 6), (false, 0)], start: 0, maxBatchSize: 8));
    }

    [Fact]
    public void BusyLanesFull_AnIdleLaneTakesIt()
    {
        Assert.Equal(2, RelayerPool.ChooseFillingLane([(true, 8), (true, 9), (false, 0)], start: 0, maxBatchSize: 8));
    }

    [Fact]
    public void NoRoomAndNoIdleLane_NoneChosen_TheShortestQueueDecides()
    {
        Assert.Equal(-1, RelayerPool.ChooseFillingLane([(true, 8), (false, 2)], start: 0, maxBatchSize: 8));
    }
}
