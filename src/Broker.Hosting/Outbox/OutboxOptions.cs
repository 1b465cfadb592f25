using Microsoft.Extensions.Options;

namespace Broker.Hosting.Outbox;

/// <summary>Options of the transactional outbox (configuration section <c>Outbox</c>).</summary>
public sealed class OutboxOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Outbox";

    /// <summary>
    /// How long after the intent the relay keeps waiting for the markers of a transaction that may still commit.
    /// It must exceed the slowest commit; the pub/sub's redelivery (Dapr resiliency policy) must cover it. Default 30 s.
    /// </summary>
    public TimeSpan CommitWindow { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one delivery of an intent polls for missing markers before asking for a redelivery. Default 1 s.</summary>
    public TimeSpan PollFor { get; set; } = TimeSpan.FromSeconds(1);
}

internal sealed class OutboxOptionsValidator : IValidateOptions<OutboxOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboxOptions options)
    {
        var failures = new List<string>();
        if (options.CommitWindow < TimeSpan.FromSeconds(1) || options.CommitWindow > TimeSpan.FromHours(1))
        {
            failures.Add($"{OutboxOptions.SectionName}:CommitWindow must be between 1 s and 1 h; it is {options.CommitWindow}.");
        }
        if (options.PollFor < TimeSpan.Zero || options.PollFor > TimeSpan.FromSeconds(30))
        {
            failures.Add($"{OutboxOptions.SectionName}:PollFor must be between 0 and 30 s; it is {options.PollFor}.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
