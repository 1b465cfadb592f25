using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Broker.Hosting.Grpc;

/// <summary>
/// Who may call a service's gRPC API, and what it sends when it calls another service (configuration section
/// <c>Auth</c>). With no accepted token the API is open, for loopback and private networks only: the broker's
/// <c>RevokeSession</c> and the guardian's need nothing but a session hash, which anyone can compute from the session's
/// on-chain transactions.
/// </summary>
/// <remarks>
/// Tokens are secrets: they are never logged or returned, and calls are checked against their SHA-256 digests in
/// fixed time. Blank entries are ignored, so an unset environment variable in a compose file leaves a slot
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

/// <summary>
/// Reports every problem of the <c>Auth</c> section at once, by configuration key and never by token value: a bad
/// token, a list or map given as one value (<c>Auth:ApiTokens=x</c> would otherwise bind to nothing and leave the API
/// open), an unknown key (a typo such as <c>Auth:ApiToken:0</c> would do the same). The host does not start with any.
/// </summary>
internal sealed class ApiAuthOptionsValidator(IConfiguration configuration) : IValidateOptions<ApiAuthOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiAuthOptions options)
    {
        var failures = new List<string>();
        var section = configuration.GetSection(ApiAuthOptions.SectionName);
        foreach (var child in section.GetChildren())
        {
            if (!child.Key.Equals(nameof(ApiAuthOptions.ApiTokens), StringComparison.OrdinalIgnoreCase)
                && !child.Key.Equals(nameof(ApiAuthOptions.CallTokens), StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"{child.Path} is not a setting; the section has ApiTokens:N and CallTokens:<Service>.");
            }
        }
        var accepted = section.GetSection(nameof(ApiAuthOptions.ApiTokens));
        if (!string.IsNullOrWhiteSpace(accepted.Value))
        {
            failures.Add($"{accepted.Path} is a list: set {accepted.Path}:0 (env {ApiAuthOptions.SectionName}__ApiTokens__0), {accepted.Path}:1 and so on.");
        }
        var calls = section.GetSection(nameof(ApiAuthOptions.CallTokens));
        if (!string.IsNullOrWhiteSpace(calls.Value))
        {
            failures.Add($"{calls.Path} is a map: set {calls.Path}:<Service>, e.g. {calls.Path}:Guardian.");
        }
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var child in accepted.GetChildren().Concat(calls.GetChildren()))
        {
            if (!string.IsNullOrWhiteSpace(child.Value) && ApiAuthOptions.Problem(child.Value) is { } problem)
            {
                failures.Add($"{child.Path} {problem}.");
                reported.Add(child.Value);
            }
        }
        // Values set in code rather than in configuration.
        foreach (var token in options.AcceptedTokens.Concat(options.CallTokens.Values.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t!)))
        {
            if (!reported.Contains(token) && ApiAuthOptions.Problem(token) is { } problem)
            {
                failures.Add($"a token of {ApiAuthOptions.SectionName} set in code {problem}.");
                reported.Add(token);
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Says once, at start, whether the gRPC API needs a token: a warning outside Development when it does not.</summary>
internal sealed partial class ApiAuthStartupLog(IOptions<ApiAuthOptions> options, IHostEnvironment environment, ILogger<ApiAuthStartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var count = options.Value.AcceptedTokens.Count();
        if (count > 0)
        {
            LogClosed(logger, count);
        }
        else if (environment.IsDevelopment())
        {
            LogOpenDevelopment(logger);
        }
        else
        {
            LogOpen(logger);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1310, Level = LogLevel.Information, Message = "gRPC API: calls need a bearer token ({Count} accepted, Auth:ApiTokens).")]
    private static partial void LogClosed(ILogger logger, int count);

    [LoggerMessage(EventId = 1311, Level = LogLevel.Information, Message = "gRPC API: open (no Auth:ApiTokens).")]
    private static partial void LogOpenDevelopment(ILogger logger);

    [LoggerMessage(EventId = 1312, Level = LogLevel.Warning, Message = "gRPC API: open, no Auth:ApiTokens configured; keep its port on loopback or a private network, or set tokens (README, \"API tokens\").")]
    private static partial void LogOpen(ILogger logger);
}
