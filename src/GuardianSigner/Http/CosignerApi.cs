using System.Text.Json;
using Broker.Hosting.Grpc;
using GuardianSigner.Cosigning;

namespace GuardianSigner.Http;

/// <summary>
/// Argent's cosigner HTTP API (spec §14): <c>POST /cosigner/signSession</c> and <c>POST /cosigner/signSessionEFO</c>
/// with x-sessions' bodies. Success: <c>{"signature":{"publicKey":"0x…","r":"0x…","s":"0x…"}}</c> (r and s as
/// 0x-hex; x-sessions copies them into the token and starknet.js accepts hex or decimal). Refusals:
/// <c>{"error": message, "status": REASON, "field": path}</c> with 400 (bad body), 403 (policy), 404 (unknown
/// session), 409 (revoked, expired, wrong chain/account), 429 (rate limit).
/// </summary>
internal static class CosignerApi
{
    public const int MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapCosignerApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/cosigner");
        group.MapPost("/signSession", (HttpContext context, SessionCosigner cosigner, ILoggerFactory loggers) =>
            HandleAsync(context, cosigner, loggers, CosignerRequests.SignSession));
        group.MapPost("/signSessionEFO", (HttpContext context, SessionCosigner cosigner, ILoggerFactory loggers) =>
            HandleAsync(context, cosigner, loggers, CosignerRequests.SignSessionEfo));
        return endpoints;
    }

    private static async Task<IResult> HandleAsync(
        HttpContext context, SessionCosigner cosigner, ILoggerFactory loggers, Func<JsonElement, CosignTransaction> parse)
    {
        var logger = loggers.CreateLogger(typeof(CosignerApi));
        try
        {
            using var body = await ReadBodyAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
            var transaction = parse(body.RootElement);
            var result = await cosigner.CosignAsync(transaction, context.RequestAborted).ConfigureAwait(false);
            return Results.Json(new SignatureResponse(new SignatureBody(
                result.GuardianPublicKey.ToString(), result.Signature.R.ToString(), result.Signature.S.ToString())));
        }
        catch (BrokerRpcException ex)
        {
            GuardianLog.HttpRefused(logger, ex.HttpStatusCode, ex.Reason, ex.Field);
            return Results.Json(new ErrorResponse(ex.Message, ex.Reason, ex.Field), statusCode: ex.HttpStatusCode);
        }
        catch (Broker.Hosting.State.StateConcurrencyException)
        {
            return Results.Json(new ErrorResponse("concurrent update, retry the call", "STATE_CONFLICT", null), statusCode: StatusCodes.Status409Conflict);
        }
    }

    private static async Task<JsonDocument> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes) throw TooLarge();
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) throw TooLarge();
            buffer.Write(chunk, 0, read);
        }
        try
        {
            return JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException ex)
        {
            throw BrokerRpcException.InvalidArgument("body", $"not valid JSON: {ex.Message}");
        }
    }

    private static BrokerRpcException TooLarge() => new(global::Grpc.Core.StatusCode.InvalidArgument,
        $"body: larger than {MaxBodyBytes} bytes", "BODY_TOO_LARGE", [new FieldViolation("body", $"larger than {MaxBodyBytes} bytes")]);

    private sealed record SignatureResponse(SignatureBody Signature);

    private sealed record SignatureBody(string PublicKey, string R, string S);

    private sealed record ErrorResponse(string Error, string Status, string? Field);
}
