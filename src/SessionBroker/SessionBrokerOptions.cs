using Microsoft.Extensions.Options;

namespace SessionBroker;

/// <summary>Settings of the broker (configuration section <c>SessionBroker</c>).</summary>
internal sealed record SessionBrokerOptions
{
    public const string SectionName = "SessionBroker";

    /// <summary>The Starknet node's JSON-RPC URL (<c>SessionBroker:NodeUrl</c>), e.g. <c>http://127.0.0.1:5050/rpc</c>.</summary>
    public Uri? NodeUrl { get; init; }

    /// <summary>The GuardianSigner's gRPC address (<c>SessionBroker:GuardianUrl</c>), e.g. <c>http://guardian:8080</c>.</summary>
    public Uri? GuardianUrl { get; init; }

    /// <summary>The TxRelayer's gRPC address (<c>SessionBroker:RelayerUrl</c>), e.g. <c>http://127.0.0.1:5301</c>.</summary>
    public Uri? RelayerUrl { get; init; }

    /// <summary>The longest session the broker prepares or registers, counted from now. Default 30 days.</summary>
    public TimeSpan MaxSessionLifetime { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Time allowed for one call to the node, per attempt. Default 10 s.</summary>
    public TimeSpan NodeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// For sessions registered with authorization caching: how often the broker asks the account whether it has cached
    /// the authorization yet, while it does not know (<c>SessionBroker:AuthorizationCacheCheckInterval</c>). Asked only
    /// when the session has a transaction. Default 2 s.
    /// </summary>
    public TimeSpan AuthorizationCacheCheckInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The on-chain revocation watcher.</summary>
    public RevocationWatcherOptions RevocationWatcher { get; init; } = new();
}

/// <summary>Settings of the watcher that follows <c>SessionRevoked</c> events (<c>SessionBroker:RevocationWatcher</c>).</summary>
internal sealed record RevocationWatcherOptions
{
    /// <summary>False turns the watcher off (on-chain revocations are then only seen by the guardian's own checks). Default true.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Time between two polls of the node. Default 5 s.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Events asked for per <c>starknet_getEvents</c> page. Default 100.</summary>
    public int EventChunkSize { get; init; } = 100;

    /// <summary>
    /// The first block to scan when no checkpoint is stored yet; null starts at the latest block, which is enough for a
    /// new broker since it holds no session registered earlier.
    /// </summary>
    public ulong? StartBlock { get; init; }
}

/// <summary>Reports every problem of <see cref="SessionBrokerOptions"/> at once; the host does not start with any.</summary>
internal sealed class SessionBrokerOptionsValidator : IValidateOptions<SessionBrokerOptions>
{
    public ValidateOptionsResult Validate(string? name, SessionBrokerOptions options)
    {
        var failures = new List<string>();
        CheckUrl(failures, "NodeUrl", options.NodeUrl);
        CheckUrl(failures, "GuardianUrl", options.GuardianUrl);
        CheckUrl(failures, "RelayerUrl", options.RelayerUrl);
        if (options.MaxSessionLifetime < TimeSpan.FromMinutes(1) || options.MaxSessionLifetime > TimeSpan.FromDays(3650))
        {
            failures.Add($"{SessionBrokerOptions.SectionName}:MaxSessionLifetime must be between one minute and 3650 days; it is {options.MaxSessionLifetime}.");
        }
        if (options.NodeTimeout < TimeSpan.FromMilliseconds(10) || options.NodeTimeout > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{SessionBrokerOptions.SectionName}:NodeTimeout must be between 10 ms and 10 minutes; it is {options.NodeTimeout}.");
        }
        if (options.AuthorizationCacheCheckInterval < TimeSpan.FromMilliseconds(10) || options.AuthorizationCacheCheckInterval > TimeSpan.FromHours(1))
        {
            failures.Add($"{SessionBrokerOptions.SectionName}:AuthorizationCacheCheckInterval must be between 10 ms and one hour; it is {options.AuthorizationCacheCheckInterval}.");
        }
        var watcher = options.RevocationWatcher;
        if (watcher is null)
        {
            failures.Add($"{SessionBrokerOptions.SectionName}:RevocationWatcher must not be null.");
        }
        else
        {
            if (watcher.PollInterval < TimeSpan.FromMilliseconds(10) || watcher.PollInterval > TimeSpan.FromHours(1))
            {
                failures.Add($"{SessionBrokerOptions.SectionName}:RevocationWatcher:PollInterval must be between 10 ms and one hour; it is {watcher.PollInterval}.");
            }
            if (watcher.EventChunkSize is < 1 or > 1024)
            {
                failures.Add($"{SessionBrokerOptions.SectionName}:RevocationWatcher:EventChunkSize must be between 1 and 1024; it is {watcher.EventChunkSize}.");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckUrl(List<string> failures, string key, Uri? url)
    {
        if (url is null)
        {
            failures.Add($"{SessionBrokerOptions.SectionName}:{key} is required.");
        }
        else if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"{SessionBrokerOptions.SectionName}:{key} must be an absolute http or https URL; it is '{url}'.");
        }
    }
}
