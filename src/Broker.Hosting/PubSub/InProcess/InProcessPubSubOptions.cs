using Microsoft.Extensions.Options;

namespace Broker.Hosting.PubSub.InProcess;

/// <summary>Options of the in-process pub/sub (configuration section <c>PubSub:InProcess</c>).</summary>
public sealed class InProcessPubSubOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "PubSub:InProcess";

    /// <summary>Delivery attempts per event and subscription before it is dead-lettered (1 to 100). Default 5.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Pause before the first retry; it doubles each time up to <see cref="MaxBackoff"/>. Default 200 ms.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest pause between retries. Default 10 s.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Deliveries running at the same time (1 to 256). Default 8.</summary>
    public int MaxConcurrentDeliveries { get; set; } = 8;

    /// <summary>Most dead letters kept in memory; older ones are forgotten. Default 1000.</summary>
    public int DeadLetterCapacity { get; set; } = 1000;

    /// <summary>The <c>source</c> of published CloudEvents; default the application name.</summary>
    public string? Source { get; set; }
}

internal sealed class InProcessPubSubOptionsValidator : IValidateOptions<InProcessPubSubOptions>
{
    public ValidateOptionsResult Validate(string? name, InProcessPubSubOptions options)
    {
        const string S = InProcessPubSubOptions.SectionName;
        var failures = new List<string>();
        if (options.MaxAttempts is < 1 or > 100) failures.Add($"{S}:MaxAttempts must be between 1 and 100.");
        if (options.InitialBackoff < TimeSpan.Zero) failures.Add($"{S}:InitialBackoff must not be negative.");
        if (options.MaxBackoff < options.InitialBackoff) failures.Add($"{S}:MaxBackoff must be at least InitialBackoff.");
        if (options.MaxConcurrentDeliveries is < 1 or > 256) failures.Add($"{S}:MaxConcurrentDeliveries must be between 1 and 256.");
        if (options.DeadLetterCapacity < 0) failures.Add($"{S}:DeadLetterCapacity must not be negative.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
