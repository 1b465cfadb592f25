using System.Diagnostics;
using System.Diagnostics.Metrics;
using Broker.Hosting.PubSub;

namespace Broker.Hosting;

/// <summary>The ActivitySource and Meter names <see cref="ServiceDefaultsExtensions.AddServiceDefaults"/> registers.</summary>
public static class HostingTelemetry
{
    /// <summary>Spans of Broker.Hosting itself (event publication and delivery, the outbox relay).</summary>
    public const string ActivitySourceName = "Broker.Hosting";

    /// <summary>Spans of the Starknet JSON-RPC client in src/Starknet.</summary>
    public const string StarknetRpcActivitySourceName = "Starknet.Rpc";

    /// <summary>Metrics of Broker.Hosting (<c>broker.events.*</c>).</summary>
    public const string MeterName = "Broker.Hosting";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    private static readonly Meter s_meter = new(MeterName);
    private static readonly Counter<long> s_published = s_meter.CreateCounter<long>(
        "broker.events.published", "{event}", "Events published, by topic and messaging system.");
    private static readonly Counter<long> s_processed = s_meter.CreateCounter<long>(
        "broker.events.processed", "{delivery}", "Event deliveries handled, by topic and outcome (success, retry, drop).");
    private static readonly Histogram<double> s_processDuration = s_meter.CreateHistogram<double>(
        "broker.events.process.duration", "s", "Time a handler took for one delivery.");
    private static readonly Counter<long> s_deadLettered = s_meter.CreateCounter<long>(
        "broker.events.dead_lettered", "{event}", "Events that exhausted their delivery attempts.");

    /// <summary>
    /// Starts the producer span of a publication; its context goes into the CloudEvent's <c>traceparent</c>, so the
    /// consumer's span joins the same trace.
    /// </summary>
    internal static Activity? StartPublish(string topic, string system)
    {
        var activity = ActivitySource.StartActivity($"{topic} publish", ActivityKind.Producer);
        activity?.SetTag("messaging.system", system);
        activity?.SetTag("messaging.operation.type", "publish");
        activity?.SetTag("messaging.destination.name", topic);
        return activity;
    }

    /// <summary>The W3C trace context to put in a CloudEvent, from the current span.</summary>
    internal static (string? TraceParent, string? TraceState) CurrentTraceContext()
    {
        var activity = Activity.Current;
        return activity is not null && activity.IdFormat == ActivityIdFormat.W3C
            ? (activity.Id, activity.TraceStateString)
            : (null, null);
    }

    internal static void Published(string topic, string system) =>
        s_published.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", topic), new KeyValuePair<string, object?>("messaging.system", system));

    /// <summary>
    /// Starts the consumer span of one delivery with the publisher's span (the CloudEvent's <c>traceparent</c>) as
    /// its parent, whatever span is current (the HTTP request of the sidecar's delivery, or none in process).
    /// </summary>
    internal static Activity? StartProcess(CloudEvent cloudEvent, string topic, string system, string consumer)
    {
        var activity = ActivitySource.StartActivity($"{topic} process", ActivityKind.Consumer, ParentContext(cloudEvent));
        activity?.SetTag("messaging.system", system);
        activity?.SetTag("messaging.operation.type", "process");
        activity?.SetTag("messaging.destination.name", topic);
        activity?.SetTag("messaging.message.id", cloudEvent.Id);
        activity?.SetTag("messaging.consumer.group.name", consumer);
        return activity;
    }

    internal static void Processed(string topic, EventHandlingResult result, TimeSpan elapsed)
    {
        var outcome = result switch
        {
            EventHandlingResult.Success => "success",
            EventHandlingResult.Retry => "retry",
            _ => "drop",
        };
        KeyValuePair<string, object?>[] tags = [new("messaging.destination.name", topic), new("outcome", outcome)];
        s_processed.Add(1, tags);
        s_processDuration.Record(elapsed.TotalSeconds, tags);
    }

    internal static void DeadLettered(string topic) =>
        s_deadLettered.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", topic));

    internal static ActivityContext ParentContext(CloudEvent cloudEvent) =>
        cloudEvent.TraceParent is { Length: > 0 } traceParent && ActivityContext.TryParse(traceParent, cloudEvent.TraceState, isRemote: true, out var context)
            ? context
            : default;
}
