namespace GuardianSigner;

/// <summary>
/// Names this assembly for <c>WebApplicationFactory&lt;GuardianSignerEntryPoint&gt;</c> in tests, so that test
/// projects hosting several services never need the ambiguous global <c>Program</c> type.
/// </summary>
public sealed class GuardianSignerEntryPoint
{
    private GuardianSignerEntryPoint()
    {
    }
}
