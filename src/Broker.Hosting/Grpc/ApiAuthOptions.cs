using Microsoft.Extensions.Options;

namespace Broker.Hosting.Grpc;

/// <summary>
/// Who may call a service's gRPC API, and what it sends when it calls another service (configuration section
/// <c>Auth</c>). With no accepted token the API is open, for loopback and private networks only: the broker's
/// <c>RevokeSession</c> and the guardian's need nothing but a session hash, which anyone can compute from the session's
/// on-chain transactions.
/// </summary>
/// <remarks>
/// Tokens are secrets: they are never logged or returned, and only their SHA-256 digests stay in memory once the
/// interceptor is built. Blank entries are ignored, so an unset environment variable in a compose file leaves a slot
/// empty instead of failing the start.
/// </remarks>
public sealed class ApiAuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Auth";

    /// <summary>The shortest token accepted in configuration.</summary>
    public const int MinimumTokenLength = 16;

    /// <summary>
    /// Bearer tokens this service accepts on its gRPC API (<c>Auth:ApiTokens:N</c>, env <c>Auth__ApiTokens__N</c>); a
    /// call must send the metadata <c>authorization: Bearer &lt;token&gt;</c> with one of them. Several tokens allow one
    /// per caller, and a new one to be rolled out before the old one is removed. The gRPC health and reflection
    /// services stay open.
    /// </summary>
    public List<string?> ApiTokens { get; } = [];

    /// <summary>
    /// The token this service sends when it calls another service, by that service's name
    /// (<c>Auth:CallTokens:Guardian</c>, <c>Auth:CallTokens:Relayer</c>); none sends no token.
    /// </summary>
    public Dictionary<string, string?> CallTokens { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The accepted tokens, blank entries left out.</summary>
    public IEnumerable<string> AcceptedTokens => ApiTokens.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t!);

    /// <summary>The token to send to <paramref name="service"/>, or null.</summary>
    /// <param name="service">The called service's name, e.g. <c>Guardian</c>.</param>
    public string? CallToken(string service) =>
        CallTokens.TryGetValue(service, out var token) && !string.IsNullOrWhiteSpace(token) ? token : null;

    /// <summary>Why <paramref name="token"/> cannot be a token, or null when it can.</summary>
    internal static string? Problem(string token)
    {
        if (token.Length < MinimumTokenLength)
        {
            return $"is {token.Length} characters long; a token needs at least {MinimumTokenLength}";
        }
        // It travels as an HTTP/2 header value after "Bearer ": visible ASCII only.
        foreach (var c in token)
        {
            if (c is < '!' or > '~')
            {
                return "must be visible ASCII characters only (no spaces)";
            }
        }
        return null;
    }
}

/// <summary>Reports every bad token at once (by its configuration key, never its value); the host does not start with any.</summary>
internal sealed class ApiAuthOptionsValidator : IValidateOptions<ApiAuthOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiAuthOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.ApiTokens.Count; i++)
        {
            if (options.ApiTokens[i] is { } token && !string.IsNullOrWhiteSpace(token) && ApiAuthOptions.Problem(token) is { } problem)
            {
                failures.Add($"{ApiAuthOptions.SectionName}:ApiTokens:{i} {problem}.");
            }
        }
        foreach (var (service, token) in options.CallTokens)
        {
            if (!string.IsNullOrWhiteSpace(token) && ApiAuthOptions.Problem(token) is { } problem)
            {
                failures.Add($"{ApiAuthOptions.SectionName}:CallTokens:{service} {problem}.");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
