using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapr.Client.Autogen.Grpc.v1;

namespace Broker.DaprStandIn;

/// <summary>
/// The envelopes daprd builds on publish (components-contrib <c>pubsub/envelope.go</c>): data is wrapped in a
/// CloudEvents 1.0 envelope; data already in <c>application/cloudevents+json</c> is kept, except that <c>topic</c>,
/// <c>pubsubname</c> and the trace fields are set from the call. daprd puts its own span there, a child of the
/// <c>traceparent</c> the gRPC call carried; the stand-in traces nothing and passes the caller's context on.
/// </summary>
public static class CloudEvents
{
    /// <summary>The CloudEvents JSON content type.</summary>
    public const string ContentType = "application/cloudevents+json";

    /// <summary>The envelope daprd would publish for <paramref name="request"/>.</summary>
    public static byte[] Envelope(PublishEventRequest request, string appId, string traceParent, string traceState)
    {
        ArgumentNullException.ThrowIfNull(request);
        JsonObject envelope;
        var contentType = request.DataContentType ?? "";
        if (contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
        {
            envelope = JsonNode.Parse(request.Data.Span) as JsonObject
                ?? throw new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.InvalidArgument, "the CloudEvent is not a JSON object"));
            envelope["source"] ??= "Dapr";
            envelope["type"] ??= "com.dapr.event.sent";
            envelope["specversion"] ??= "1.0";
        }
        else
        {
            if (contentType.Length == 0) contentType = "text/plain";
            envelope = new JsonObject
            {
                ["id"] = Guid.NewGuid().ToString(),
                ["specversion"] = "1.0",
                ["datacontenttype"] = contentType,
                ["source"] = appId,
                ["type"] = "com.dapr.event.sent",
                ["time"] = DateTimeOffset.UtcNow.ToString("O"),
            };
            if (contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
            {
                envelope["data"] = JsonNode.Parse(request.Data.Span);
            }
            else if (contentType.StartsWith("text/", StringComparison.OrdinalIgnoreCase))
            {
                envelope["data"] = Encoding.UTF8.GetString(request.Data.Span);
            }
            else
            {
                envelope["data_base64"] = Convert.ToBase64String(request.Data.Span);
            }
        }
        envelope["topic"] = request.Topic;
        envelope["pubsubname"] = request.PubsubName;
        envelope["traceid"] = traceParent;
        envelope["traceparent"] = traceParent;
        envelope["tracestate"] = traceState;
        return JsonSerializer.SerializeToUtf8Bytes(envelope);
    }

    /// <summary>The same envelope for another topic (daprd re-publishes a dead letter this way).</summary>
    public static byte[] WithTopic(byte[] envelope, string topic)
    {
        var json = (JsonObject)JsonNode.Parse(envelope)!;
        json["topic"] = topic;
        return JsonSerializer.SerializeToUtf8Bytes(json);
    }

    /// <summary>Reads a string field of an envelope, or null.</summary>
    public static string? Field(byte[] envelope, string name)
    {
        using var document = JsonDocument.Parse(envelope);
        return document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
