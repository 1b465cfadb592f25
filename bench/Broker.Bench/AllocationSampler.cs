using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace Broker.Bench;

/// <summary>
/// Which types a run allocates, from the runtime's <c>GCAllocationTick</c> events (one about every 100 KB allocated,
/// naming the type of the allocation that crossed the mark): a sampling allocation profile with no tool to install.
/// Types only, no stacks; enough to tell strings from buffers from felts.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly ConcurrentDictionary<string, long> _bytesByType = new(StringComparer.Ordinal);
    private volatile bool _sampling;

    /// <summary>Counts the ticks from now on.</summary>
    public void Start() => _sampling = true;

    /// <summary>Stops counting and prints the <paramref name="top"/> types by sampled bytes.</summary>
    public void StopAndPrint(string title, int top = 15)
    {
        _sampling = false;
        var total = _bytesByType.Values.Sum();
        Console.WriteLine($"allocations by type ({title}, sampled every ~100 KB):");
        foreach (var (type, bytes) in _bytesByType.OrderByDescending(p => p.Value).Take(top))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {100.0 * bytes / Math.Max(1, total),5:F1}%  {type}"));
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            // Keyword 0x1 (GC) at Verbose level carries GCAllocationTick.
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_sampling || eventData.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal)
            || eventData.Payload is not { } payload || eventData.PayloadNames is not { } names)
        {
            return;
        }
        var typeIndex = names.IndexOf("TypeName");
        var amountIndex = names.IndexOf("AllocationAmount64");
        var type = typeIndex >= 0 ? payload[typeIndex] as string ?? "?" : "?";
        var amount = amountIndex >= 0 ? Convert.ToInt64(payload[amountIndex], CultureInfo.InvariantCulture) : 100_000;
        _bytesByType.AddOrUpdate(type, amount, (_, sum) => sum + amount);
    }
}
