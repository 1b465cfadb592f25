namespace Starknet.Devnet.Hosting;

/// <summary>What the fault injector does to one HTTP request.</summary>
internal enum RequestFault
{
    None,
    TransientError,
    Timeout,
}

/// <summary>
/// Draws the faults of <see cref="FaultInjectionOptions"/> from one seeded generator, in call order. A rate of 0 never
/// draws, so turning one fault on does not shift the others' sequence.
/// </summary>
internal sealed class FaultInjector(FaultInjectionOptions options)
{
    private readonly Random _random = new(options.Seed);
    private readonly Lock _lock = new();
    private readonly HashSet<string> _methods = [.. options.Methods];

    public FaultInjectionOptions Options { get; } = options;

    /// <summary>Whether latency, transient errors and timeouts apply to <paramref name="method"/>.</summary>
    public bool AppliesTo(string method) => _methods.Count == 0 || _methods.Contains(method);

    public RequestFault NextRequestFault()
    {
        var total = Options.TransientErrorRate + Options.TimeoutRate;
        if (total <= 0)
        {
            return RequestFault.None;
        }
        double draw;
        lock (_lock)
        {
            draw = _random.NextDouble();
        }
        return draw < Options.TransientErrorRate ? RequestFault.TransientError
            : draw < total ? RequestFault.Timeout
            : RequestFault.None;
    }

    public bool DropSubmission() => Draw(Options.DropSubmissionRate);

    public bool ForceRevert() => Draw(Options.ForcedRevertRate);

    public bool NonceRace() => Draw(Options.NonceRaceRate);

    private bool Draw(double rate)
    {
        if (rate <= 0)
        {
            return false;
        }
        lock (_lock)
        {
            return _random.NextDouble() < rate;
        }
    }
}
