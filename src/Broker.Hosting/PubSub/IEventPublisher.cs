using System.Text.Json;
using System.Text.Json.Serialization;

namespace Broker.Hosting.PubSub;

/// <summary>
/// Publishes events to a topic of the pub/sub component, shaped like Dapr's publish API
/// (<c>PublishEventAsync(pubsubName, topic, data)</c>). The data is serialized as JSON and wrapped in a
/// CloudEvents 1.0 envelope (<see cref="CloudEvent"/>) with a fresh id and the current trace context.
/// Delivery is at least once: handlers must be idempotent on <see cref="CloudEvent.Id"/>.
/// </summary>
public interface IEventPublisher
{
    /// <summary>The component name (<see cref="BrokerComponents.PubSub"/> by default).</summary>
    string Name { get; }

    /// <summary>Publishes <paramref name="data"/> to <paramref name="topic"/>.</summary>
    /// <returns>The envelope that was published (its id identifies the event for deduplication).</returns>
    Task<CloudEvent> PublishAsync<T>(string topic, T data, CancellationToken cancellationToken = default);
}

/// <summary>
/// A CloudEvents 1.0 envelope (JSON format) as Dapr builds it: <c>specversion</c>, <c>id</c>, <c>source</c>,
/// <c>type</c>, <c>time</c>, <c>datacontenttype</c>, <c>data</c>, plus Dapr's <c>topic</c>, <c>pubsubname</c>,
/// <c>traceparent</c> and <c>tracestate</c> extensions.
/// </summary>
public sealed record CloudEvent
{
    /// <summary>The <c>type</c> Dapr gives published events.</summary>
    public const string DaprEventType = "com.dapr.event.sent";

    /// <summary>Always "1.0".</summary>
    [JsonPropertyName("specversion")] public string SpecVersion { get; init; } = "1.0";

    /// <summary>Unique id of the event; at-least-once delivery may repeat it, so consumers deduplicate on it.</summary>
    [JsonPropertyName("id")] public required string Id { get; init; }

    /// <summary>The publishing application (Dapr: its app id).</summary>
    [JsonPropertyName("source")] public required string Source { get; init; }

    /// <summary>Event type; <see cref="DaprEventType"/> unless set otherwise.</summary>
    [JsonPropertyName("type")] public string Type { get; init; } = DaprEventType;

    /// <summary>When the event was published.</summary>
    [JsonPropertyName("time")] public DateTimeOffset Time { get; init; }

    /// <summary>Always "application/json" here.</summary>
    [JsonPropertyName("datacontenttype")] public string DataContentType { get; init; } = "application/json";

    /// <summary>The topic.</summary>
    [JsonPropertyName("topic")] public required string Topic { get; init; }

    /// <summary>The pub/sub component name.</summary>
    [JsonPropertyName("pubsubname")] public required string PubSubName { get; init; }

    /// <summary>W3C trace context of the publisher (from <c>Activity.Current</c>), or null.</summary>
    [JsonPropertyName("traceparent")] public string? TraceParent { get; init; }

    /// <summary>W3C trace state of the publisher, or null.</summary>
    [JsonPropertyName("tracestate")] public string? TraceState { get; init; }

    /// <summary>The payload as JSON.</summary>
    [JsonPropertyName("data")] public JsonElement Data { get; init; }

    /// <summary>Deserializes <see cref="Data"/> (System.Text.Json, web defaults).</summary>
    /// <exception cref="JsonException">The payload does not fit <typeparamref name="T"/>.</exception>
    public T GetData<T>() => Data.Deserialize<T>(EventJson.Options)
        ?? throw new JsonException($"Event {Id} on '{Topic}' carries null data.");
}

/// <summary>JSON settings shared by publishers and handlers.</summary>
public static class EventJson
{
    /// <summary>System.Text.Json web defaults (camelCase, case-insensitive reads).</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
