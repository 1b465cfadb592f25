using Microsoft.Extensions.Options;

namespace Broker.Hosting.Components;

/// <summary>Which adapters back the state and pub/sub ports.</summary>
public enum ComponentsMode
{
    /// <summary>SQLite state and in-process pub/sub inside the service (the one-command run; no sidecar).</summary>
    Embedded,

    /// <summary>State and pub/sub through the Dapr sidecar next to the service (docker-compose).</summary>
    Dapr,
}

/// <summary>Configuration section <c>Components</c>: the mode and, in Dapr mode, how to reach the sidecar.</summary>
public sealed class ComponentsOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Components";

    /// <summary><c>Components:Mode</c>: <c>Embedded</c> (default) or <c>Dapr</c>.</summary>
    public ComponentsMode Mode { get; set; } = ComponentsMode.Embedded;

    /// <summary><c>Components:Dapr</c>: used only in Dapr mode.</summary>
    public DaprComponentsOptions Dapr { get; set; } = new();
}

/// <summary>
/// Configuration section <c>Components:Dapr</c>. Endpoints left empty fall back to what <c>Dapr.Client</c> reads
/// itself: <c>DAPR_GRPC_ENDPOINT</c> / <c>DAPR_HTTP_ENDPOINT</c>, else <c>DAPR_GRPC_PORT</c> / <c>DAPR_HTTP_PORT</c>
/// on localhost (50001 / 3500), the sidecar sharing the service's network namespace.
/// </summary>
public sealed class DaprComponentsOptions
{
    /// <summary>
    /// The Dapr app id of this service (CloudEvents <c>source</c>, outbox topic, consumer names). Default: the
    /// application name in kebab case, which is what docker-compose passes to daprd (<c>SessionBroker</c> →
    /// <c>session-broker</c>, see <see cref="BrokerComponents.AppIds"/>).
    /// </summary>
    public string? AppId { get; set; }

    /// <summary>The sidecar's gRPC endpoint, e.g. <c>http://localhost:50001</c>; null: the Dapr.Client default.</summary>
    public string? GrpcEndpoint { get; set; }

    /// <summary>The sidecar's HTTP endpoint (health probe), e.g. <c>http://localhost:3500</c>; null: the Dapr.Client default.</summary>
    public string? HttpEndpoint { get; set; }

    /// <summary>The Dapr API token when the sidecar requires one (<c>DAPR_API_TOKEN</c> is read otherwise).</summary>
    public string? ApiToken { get; set; }

    /// <summary>
    /// The token the sidecar sends with its calls to this service (daprd's <c>APP_API_TOKEN</c>, sent as the
    /// <c>dapr-api-token</c> header); when set, the pub/sub routes refuse calls without it with 401. Null: the
    /// environment variable <c>APP_API_TOKEN</c>, else none (the routes are open, as on a private network).
    /// </summary>
    public string? AppApiToken { get; set; }

    /// <summary>Time allowed for one call to the sidecar. Default 10 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

internal sealed class ComponentsOptionsValidator : IValidateOptions<ComponentsOptions>
{
    public ValidateOptionsResult Validate(string? name, ComponentsOptions options)
    {
        const string S = ComponentsOptions.SectionName;
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Mode)) failures.Add($"{S}:Mode must be Embedded or Dapr.");
        var dapr = options.Dapr;
        if (dapr is null)
        {
            failures.Add($"{S}:Dapr must not be null.");
        }
        else
        {
            if (dapr.AppId is not null && !BrokerComponents.IsValidAppId(dapr.AppId))
            {
                failures.Add($"{S}:Dapr:AppId must be 1 to 64 lower-case letters, digits and dashes; it is '{dapr.AppId}'.");
            }
            CheckEndpoint(failures, $"{S}:Dapr:GrpcEndpoint", dapr.GrpcEndpoint);
            CheckEndpoint(failures, $"{S}:Dapr:HttpEndpoint", dapr.HttpEndpoint);
            if (dapr.Timeout <= TimeSpan.Zero || dapr.Timeout > TimeSpan.FromMinutes(5))
            {
                failures.Add($"{S}:Dapr:Timeout must be between 0 and 5 minutes; it is {dapr.Timeout}.");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckEndpoint(List<string> failures, string key, string? value)
    {
        if (value is null) return;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"{key} must be an absolute http or https URL; it is '{value}'.");
        }
    }
}
