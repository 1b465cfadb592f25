using Microsoft.Extensions.Options;
using Starknet;

namespace GuardianSigner.Policy;

/// <summary>
/// Off-chain cosigning policy (configuration section <c>Policy</c>): a default plus per-dapp overrides, keyed by
/// the session's dapp id (the gRPC <c>dapp_id</c>, or the metadata's <c>projectID</c> when that is empty).
/// </summary>
internal sealed class PolicyOptions
{
    public const string SectionName = "Policy";

    /// <summary>When false, sessions of dapps not listed in <see cref="Dapps"/> are refused at registration.</summary>
    public bool AllowUnknownDapps { get; set; } = true;

    /// <summary>The policy of dapps not listed in <see cref="Dapps"/>.</summary>
    public DappPolicyOptions Default { get; set; } = new();

    /// <summary>Per-dapp policies by dapp id.</summary>
    public Dictionary<string, DappPolicyOptions> Dapps { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>The policy of one dapp.</summary>
internal sealed class DappPolicyOptions
{
    /// <summary>Contracts (0x-hex) the dapp's sessions may call; empty allows any contract.</summary>
    public List<string> AllowedContracts { get; set; } = [];

    /// <summary>
    /// Longest session accepted at registration: <c>expires_at − now</c>. Default 30 days;
    /// <c>10675199.02:48:05.4775807</c> (TimeSpan.MaxValue) means no limit.
    /// </summary>
    public TimeSpan MaxSessionDuration { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Cosigned transactions per session in any 60-second window; 0 means no limit. Default 60.</summary>
    public int TransactionsPerMinute { get; set; } = 60;

    /// <summary>
    /// Enforce the metadata's <c>txFees</c> allowance (cumulative max fees per token). When on, a session whose
    /// metadata has no allowance for the fee token gets no fee-paying transaction cosigned. Default on.
    /// </summary>
    public bool EnforceTxFees { get; set; } = true;
}

/// <summary>A dapp policy with its contract list parsed.</summary>
internal sealed record DappPolicy(string DappId, IReadOnlySet<Felt> AllowedContracts, TimeSpan MaxSessionDuration, int TransactionsPerMinute, bool EnforceTxFees)
{
    public bool AllowsContract(Felt contract) => AllowedContracts.Count == 0 || AllowedContracts.Contains(contract);
}

/// <summary>Looks up the policy of a dapp.</summary>
internal sealed class DappPolicies
{
    private readonly Dictionary<string, DappPolicy> _dapps;
    private readonly DappPolicy _default;

    public DappPolicies(IOptions<PolicyOptions> options)
    {
        var value = options.Value;
        AllowUnknownDapps = value.AllowUnknownDapps;
        _default = Resolve("", value.Default);
        _dapps = value.Dapps.ToDictionary(p => p.Key, p => Resolve(p.Key, p.Value), StringComparer.Ordinal);
    }

    public bool AllowUnknownDapps { get; }

    public bool IsKnown(string dappId) => _dapps.ContainsKey(dappId);

    public DappPolicy For(string dappId) => _dapps.TryGetValue(dappId, out var policy) ? policy : _default with { DappId = dappId };

    private static DappPolicy Resolve(string dappId, DappPolicyOptions options) => new(
        dappId,
        options.AllowedContracts.Select(Felt.Parse).ToHashSet(),
        options.MaxSessionDuration,
        options.TransactionsPerMinute,
        options.EnforceTxFees);
}

internal sealed class PolicyOptionsValidator : IValidateOptions<PolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, PolicyOptions options)
    {
        var failures = new List<string>();
        Check($"{PolicyOptions.SectionName}:Default", options.Default, failures);
        foreach (var (dappId, policy) in options.Dapps)
        {
            if (string.IsNullOrWhiteSpace(dappId) || dappId.Length > 128)
            {
                failures.Add($"{PolicyOptions.SectionName}:Dapps has a blank or over-long (> 128) dapp id.");
            }
            Check($"{PolicyOptions.SectionName}:Dapps:{dappId}", policy, failures);
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(string path, DappPolicyOptions? policy, List<string> failures)
    {
        if (policy is null)
        {
            failures.Add($"{path} is empty.");
            return;
        }
        for (var i = 0; i < policy.AllowedContracts.Count; i++)
        {
            if (!Felt.TryParse(policy.AllowedContracts[i], out _))
            {
                failures.Add($"{path}:AllowedContracts:{i} is not a felt.");
            }
        }
        if (policy.MaxSessionDuration <= TimeSpan.Zero)
        {
            failures.Add($"{path}:MaxSessionDuration must be positive.");
        }
        if (policy.TransactionsPerMinute is < 0 or > 100_000)
        {
            failures.Add($"{path}:TransactionsPerMinute must be between 0 (no limit) and 100000.");
        }
    }
}
