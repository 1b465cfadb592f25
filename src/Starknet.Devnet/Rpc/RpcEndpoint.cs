using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Starknet.Devnet.Hosting;
using Starknet.Rpc;

namespace Starknet.Devnet.Rpc;

/// <summary>
/// The HTTP side of JSON-RPC 2.0: reads the body, applies the request faults, answers single and batch requests. Every
/// problem becomes a JSON-RPC error (-32700 for bad JSON, -32600 for a bad envelope, -32601 for an unknown method, -32602
/// naming the bad field, -32603 for a bug), never an HTTP 500.
/// </summary>
internal sealed class RpcEndpoint(DevnetNode node, ILogger logger)
{
    // JSON only (never HTML), so quotes and apostrophes in error texts can stay as they are.
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task HandleAsync(HttpContext http)
    {
        var cancellation = http.RequestAborted;
        byte[] body;
        try
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, cancellation).ConfigureAwait(false);
            body = buffer.ToArray();
        }
        catch (BadHttpRequestException ex)
        {
            await WriteAsync(http, ex.StatusCode, ErrorOnly(StarknetErrorCode.InvalidRequest, ex.Message), cancellation).ConfigureAwait(false);
            return;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            await WriteAsync(http, StatusCodes.Status200OK, ErrorOnly(StarknetErrorCode.ParseError, ex.Message), cancellation).ConfigureAwait(false);
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            var method = FirstMethod(root);
            var faults = node.Faults;
            if (faults.Options.IsEnabled && faults.AppliesTo(method))
            {
                if (faults.Options.LatencyMilliseconds > 0)
                {
                    await Task.Delay(faults.Options.LatencyMilliseconds, cancellation).ConfigureAwait(false);
                }
                switch (faults.NextRequestFault())
                {
                    case RequestFault.TransientError:
                        Log.RequestFaultInjected(logger, method, "HTTP 503");
                        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                        http.Response.ContentType = "text/plain";
                        await http.Response.WriteAsync("devnet fault injection: transient error", cancellation).ConfigureAwait(false);
                        return;
                    case RequestFault.Timeout:
                        Log.RequestFaultInjected(logger, method, "a timeout");
                        try
                        {
                            await Task.Delay(faults.Options.TimeoutMilliseconds, cancellation).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException)
                        {
                        }
                        http.Abort();
                        return;
                }
            }

            var output = new ArrayBufferWriter<byte>(512);
            using (var writer = new Utf8JsonWriter(output, s_writerOptions))
            {
                if (root.ValueKind == JsonValueKind.Array)
                {
                    if (root.GetArrayLength() == 0)
                    {
                        WriteError(writer, null, StarknetErrorCode.InvalidRequest, "an empty batch");
                    }
                    else
                    {
                        writer.WriteStartArray();
                        foreach (var request in root.EnumerateArray())
                        {
                            Process(request, writer);
                        }
                        writer.WriteEndArray();
                    }
                }
                else
                {
                    Process(root, writer);
                }
            }
            if (output.WrittenCount == 0 || output.WrittenSpan.SequenceEqual("[]"u8))
            {
                // Only notifications: JSON-RPC sends nothing back.
                http.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            }
            await WriteAsync(http, StatusCodes.Status200OK, output.WrittenMemory, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>Answers one request object into <paramref name="writer"/>; a notification (no <c>id</c>) writes nothing.</summary>
    private void Process(JsonElement request, Utf8JsonWriter writer)
    {
        if (request.ValueKind != JsonValueKind.Object)
        {
            WriteError(writer, null, StarknetErrorCode.InvalidRequest, "a request must be a JSON object");
            return;
        }
        var hasId = request.TryGetProperty("id", out var id);
        if (hasId && id.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.Null))
        {
            WriteError(writer, null, StarknetErrorCode.InvalidRequest, "id must be a string, a number or null");
            return;
        }
        JsonElement? idValue = hasId ? id : null;
        if (!request.TryGetProperty("jsonrpc", out var version) || version.ValueKind != JsonValueKind.String || version.GetString() != "2.0")
        {
            WriteError(writer, idValue, StarknetErrorCode.InvalidRequest, "jsonrpc must be \"2.0\"");
            return;
        }
        if (!request.TryGetProperty("method", out var methodElement) || methodElement.ValueKind != JsonValueKind.String)
        {
            WriteError(writer, idValue, StarknetErrorCode.InvalidRequest, "method must be a string");
            return;
        }
        var methodName = methodElement.GetString()!;
        if (!RpcMethods.All.TryGetValue(methodName, out var method))
        {
            WriteError(writer, idValue, StarknetErrorCode.MethodNotFound, $"{methodName} is not served by this devnet");
            return;
        }
        var parameters = request.TryGetProperty("params", out var p) ? p : default;
        if (parameters.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.Object or JsonValueKind.Array))
        {
            WriteError(writer, idValue, StarknetErrorCode.InvalidParams, "params must be an object or an array");
            return;
        }

        var result = new ArrayBufferWriter<byte>(256);
        try
        {
            using (var resultWriter = new Utf8JsonWriter(result, s_writerOptions))
            {
                var rpcParams = new RpcParams(parameters, method.Parameters);
                rpcParams.CheckArity();
                method.Handler(node.State, rpcParams, resultWriter);
            }
        }
        catch (RpcErrorException ex)
        {
            if (hasId)
            {
                WriteError(writer, idValue, ex.Code, ex.Message, ex.ErrorData);
            }
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.MethodFailed(logger, methodName, ex);
            if (hasId)
            {
                WriteError(writer, idValue, StarknetErrorCode.InternalError, ex.Message);
            }
            return;
        }
        if (!hasId)
        {
            return;
        }
        writer.WriteStartObject();
        writer.WriteString("jsonrpc", "2.0");
        writer.WritePropertyName("id");
        id.WriteTo(writer);
        writer.WritePropertyName("result");
        writer.WriteRawValue(result.WrittenSpan, skipInputValidation: true);
        writer.WriteEndObject();
    }

    private static string FirstMethod(JsonElement root)
    {
        var request = root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0 ? root[0] : root;
        return request.ValueKind == JsonValueKind.Object && request.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String
            ? m.GetString()!
            : string.Empty;
    }

    private static void WriteError(Utf8JsonWriter writer, JsonElement? id, StarknetErrorCode code, string data) =>
        WriteError(writer, id, (int)code, RpcErrorException.StandardMessage(code), JsonValue.Create(data));

    private static void WriteError(Utf8JsonWriter writer, JsonElement? id, int code, string message, JsonNode? data)
    {
        writer.WriteStartObject();
        writer.WriteString("jsonrpc", "2.0");
        writer.WritePropertyName("id");
        if (id is { } value)
        {
            value.WriteTo(writer);
        }
        else
        {
            writer.WriteNullValue();
        }
        writer.WriteStartObject("error");
        writer.WriteNumber("code", code);
        writer.WriteString("message", message);
        if (data is not null)
        {
            writer.WritePropertyName("data");
            data.WriteTo(writer);
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static ReadOnlyMemory<byte> ErrorOnly(StarknetErrorCode code, string data)
    {
        var output = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(output, s_writerOptions))
        {
            WriteError(writer, null, code, data);
        }
        return output.WrittenMemory;
    }

    private static async Task WriteAsync(HttpContext http, int status, ReadOnlyMemory<byte> body, CancellationToken cancellation)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = body.Length;
        await http.Response.Body.WriteAsync(body, cancellation).ConfigureAwait(false);
    }
}
