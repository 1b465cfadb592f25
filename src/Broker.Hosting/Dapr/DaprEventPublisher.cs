using System.Text.Json;
using System.Text.Json.Serialization;
using Broker.Hosting.PubSub;
using DaprException = Dapr.DaprException;
using Dapr.Client;

namespace Broker.Hosting.Dapr;

/// <summary>
/// <see cref="IEventPublisher"/> over the Dapr sidecar's publish API. The envelope is built here (so its id is
/// known before the call and the outbox can republish it unchanged) and sent as
/// <c>application/cloudevents+json</c>, which daprd passes on as it is except for <c>topic</c>, <c>pubsubname</c>
/// and the trace fields, which it sets from the call (its own span, a child of the <c>traceparent</c> the gRPC
/// call carries, so the consumer still joins the publisher's trace).
/// </summary>
public sealed class DaprEventPublisher : IEventPublisher, IEnvelopePublisher
{
    /// <summary>The content type that makes daprd keep our envelope instead of wrapping it in another.</summary>
    public const string CloudEventContentType = "application/cloudevents+json";

    private const string MessagingSystem = "dapr";

    private static readonly JsonSerializerOptions s_envelopeJson = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly DaprClient _dapr;
    private readonly string _source;
    private readonly TimeProvider _time;

    /// <summary>Publishes through <paramref name="dapr"/> with <paramref name="appId"/> as the events' source.</summary>
    public DaprEventPublisher(DaprClient dapr, string appId, TimeProvider timeProvider, string name = BrokerComponents.PubSub)
    {
        ArgumentNullException.ThrowIfNull(dapr);
        ArgumentException.ThrowIfNullOrEmpty(appId);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentException.ThrowIfNullOrEmpty(name);
        _dapr = dapr;
        _source = appId;
        _time = timeProvider;
        Name = name;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public async Task<CloudEvent> PublishAsync<T>(string topic, T data, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        using var activity = HostingTelemetry.StartPublish(topic, MessagingSystem);
        var (traceParent, traceState) = HostingTelemetry.CurrentTraceContext();
        var cloudEvent = new CloudEvent
        {
            Id = Guid.NewGuid().ToString(),
            Source = _source,
            Time = _time.GetUtcNow(),
            Topic = topic,
            PubSubName = Name,
            TraceParent = traceParent,
            TraceState = traceState,
            Data = JsonSerializer.SerializeToElement(data, EventJson.Options),
        };
        activity?.SetTag("messaging.message.id", cloudEvent.Id);
        await SendAsync(cloudEvent, cancellationToken).ConfigureAwait(false);
        return cloudEvent;
    }

    /// <inheritdoc />
    public async Task PublishEnvelopeAsync(CloudEvent cloudEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        using var activity = HostingTelemetry.StartPublish(cloudEvent.Topic, MessagingSystem);
        activity?.SetTag("messaging.message.id", cloudEvent.Id);
        await SendAsync(cloudEvent with { PubSubName = Name }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The JSON of an envelope as it goes to the sidecar.</summary>
    public static byte[] Serialize(CloudEvent cloudEvent) => JsonSerializer.SerializeToUtf8Bytes(cloudEvent, s_envelopeJson);

    private async Task SendAsync(CloudEvent cloudEvent, CancellationToken cancellationToken)
    {
        try
        {
            await _dapr.PublishByteEventAsync(Name, cloudEvent.Topic, Serialize(cloudEvent), CloudEventContentType, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (DaprException ex)
        {
            throw new ComponentUnavailableException(Name, $"PublishEvent {cloudEvent.Topic}", ex);
        }
        HostingTelemetry.Published(cloudEvent.Topic, MessagingSystem);
    }
}
