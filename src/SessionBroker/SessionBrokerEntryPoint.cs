namespace SessionBroker;

/// <summary>
/// Names this assembly for <c>WebApplicationFactory&lt;SessionBrokerEntryPoint&gt;</c> in tests, so that test projects
/// hosting several services never need the ambiguous global <c>Program</c> type.
/// </summary>
public sealed class SessionBrokerEntryPoint
{
    private SessionBrokerEntryPoint()
    {
    }
}
