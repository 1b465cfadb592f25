namespace TxRelayer;

/// <summary>
/// Names this assembly for <c>WebApplicationFactory&lt;TxRelayerEntryPoint&gt;</c> in tests, so that test projects
/// hosting several services never need the ambiguous global <c>Program</c> type.
/// </summary>
public sealed class TxRelayerEntryPoint
{
    private TxRelayerEntryPoint()
    {
    }
}
