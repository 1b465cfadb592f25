using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Options;
using Starknet;

namespace TxRelayer;

/// <summary>Settings of the relayer (configuration section <c>Relayer</c>; environment variables <c>Relayer__NodeUrl</c>, …).</summary>
internal sealed record RelayerOptions
{
    public const string SectionName = "Relayer";

    /// <summary>The Starknet node's JSON-RPC URL, e.g. <c>http://127.0.0.1:5050/rpc</c>.</summary>
    public Uri? NodeUrl { get; init; }

    /// <summary>Time allowed for one call to the node, per attempt (the RPC client retries transient failures). Default 10 s.</summary>
    public TimeSpan NodeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Transient-failure retries of each node call. Default 3.</summary>
    public int NodeRetries { get; init; } = 3;

    /// <summary>The chain id the relayer expects (short string such as <c>SN_SEPOLIA</c> or a 0x felt); null takes the node's.</summary>
    public string? ChainId { get; init; }

    /// <summary>The relayer accounts that send and pay for outside executions (at least one).</summary>
    public IReadOnlyList<RelayerAccountOptions> Accounts { get; init; } = [];

    public FeeOptions Fees { get; init; } = new();

    public BatchingOptions Batching { get; init; } = new();

    public TrackingOptions Tracking { get; init; } = new();
}

/// <summary>
/// One relayer account: a plain account (signature <c>[r, s]</c> over the transaction hash) and where its key comes
/// from. The key is never logged and never leaves the process.
/// </summary>
internal sealed record RelayerAccountOptions
{
    /// <summary>The account address (felt).</summary>
    public string? Address { get; init; }

    /// <summary>An encrypted keystore file (the GuardianSigner's format, <c>keystore create --out FILE</c>), relative to the content root.</summary>
    public string? KeystorePath { get; init; }

    /// <summary>The keystore password. Prefer <see cref="KeystorePasswordFile"/> or an environment variable.</summary>
    public string? KeystorePassword { get; init; }

    /// <summary>A file whose content (trailing newline ignored) is the keystore password, e.g. a Docker secret.</summary>
    public string? KeystorePasswordFile { get; init; }

    /// <summary>The private key in plain text (0x-hex). Development and Testing environments only.</summary>
    public string? PrivateKey { get; init; }
}

/// <summary>How resource bounds are set from an estimate (<c>Relayer:Fees</c>).</summary>
internal sealed record FeeOptions
{
    /// <summary>Multiplier applied to each estimated gas amount (starknet.js uses 1.5). Default 1.5.</summary>
    public double AmountOverhead { get; init; } = 1.5;

    /// <summary>Multiplier applied to each estimated gas price. Default 1.5.</summary>
    public double PriceOverhead { get; init; } = 1.5;

    /// <summary>
    /// Hard cap on the maximal fee (Σ max_amount · max_price) of one transaction, decimal FRI. When the bounds with
    /// overhead exceed it the plain estimate is used; when the estimate itself does, the transaction is refused.
    /// Default 50 STRK.
    /// </summary>
    public string MaxFeePerTransaction { get; init; } = "50000000000000000000";

    internal BigInteger MaxFeeValue => BigInteger.Parse(MaxFeePerTransaction, NumberStyles.None, CultureInfo.InvariantCulture);
}

/// <summary>Packing of waiting outside executions into one multicall transaction (<c>Relayer:Batching</c>).</summary>
internal sealed record BatchingOptions
{
    /// <summary>On by default.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>The most outside executions in one transaction (1 to 64). Default 8.</summary>
    public int MaxBatchSize { get; init; } = 8;

    /// <summary>
    /// How long a relayer account waits for more outside executions after the first before it sends (0: only what is
    /// already waiting is packed). Default 0.
    /// </summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.Zero;
}

/// <summary>Status tracking and resubmission (<c>Relayer:Tracking</c>).</summary>
internal sealed record TrackingOptions
{
    /// <summary>Time between two status polls of the transactions not yet final. Default 1 s.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a submitted transaction may be unknown to the node (TXN_HASH_NOT_FOUND) before it counts as dropped
    /// and is sent again (the same signed transaction, same hash) or replaced. Default 10 s.
    /// </summary>
    public TimeSpan DroppedAfter { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a submission call waits for the transaction to reach the node before answering ACCEPTED. Default 10 s.</summary>
    public TimeSpan AcknowledgeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a submission with <c>wait_for_final</c> waits for the final status (the call's deadline, less a margin,
    /// still comes first); then it answers with the state at that moment. Default 60 s.
    /// </summary>
    public TimeSpan FinalWaitTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Transactions signed for one request (replacements after drops, nonce races, reverted batches) before it is REJECTED. Default 10.</summary>
    public int MaxSubmissionAttempts { get; init; } = 10;
}

/// <summary>Reports every problem of <see cref="RelayerOptions"/> at once; the host does not start with any.</summary>
internal sealed class RelayerOptionsValidator(IHostEnvironment environment) : IValidateOptions<RelayerOptions>
{
    private const string S = RelayerOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, RelayerOptions options)
    {
        var failures = new List<string>();
        if (options.NodeUrl is null)
        {
            failures.Add($"{S}:NodeUrl is required.");
        }
        else if (!options.NodeUrl.IsAbsoluteUri || (options.NodeUrl.Scheme != Uri.UriSchemeHttp && options.NodeUrl.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"{S}:NodeUrl must be an absolute http or https URL; it is '{options.NodeUrl}'.");
        }
        Range(failures, "NodeTimeout", options.NodeTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10));
        if (options.NodeRetries is < 0 or > 20)
        {
            failures.Add($"{S}:NodeRetries must be between 0 and 20; it is {options.NodeRetries}.");
        }
        if (options.ChainId is { } chain && !ChainIds.TryParse(chain, out _))
        {
            failures.Add($"{S}:ChainId must be a short string such as SN_SEPOLIA or a 0x felt.");
        }
        ValidateAccounts(failures, options.Accounts);
        ValidateFees(failures, options.Fees);
        var batching = options.Batching ?? new BatchingOptions();
        if (batching.MaxBatchSize is < 1 or > 64)
        {
            failures.Add($"{S}:Batching:MaxBatchSize must be between 1 and 64; it is {batching.MaxBatchSize}.");
        }
        Range(failures, "Batching:MaxWait", batching.MaxWait, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        var tracking = options.Tracking ?? new TrackingOptions();
        Range(failures, "Tracking:PollInterval", tracking.PollInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10));
        Range(failures, "Tracking:DroppedAfter", tracking.DroppedAfter, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
        Range(failures, "Tracking:AcknowledgeTimeout", tracking.AcknowledgeTimeout, TimeSpan.Zero, TimeSpan.FromMinutes(5));
        Range(failures, "Tracking:FinalWaitTimeout", tracking.FinalWaitTimeout, TimeSpan.Zero, TimeSpan.FromMinutes(10));
        if (tracking.MaxSubmissionAttempts is < 1 or > 100)
        {
            failures.Add($"{S}:Tracking:MaxSubmissionAttempts must be between 1 and 100; it is {tracking.MaxSubmissionAttempts}.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void ValidateAccounts(List<string> failures, IReadOnlyList<RelayerAccountOptions>? accounts)
    {
        if (accounts is null || accounts.Count == 0)
        {
            failures.Add($"{S}:Accounts needs at least one relayer account (Address and KeystorePath, or PrivateKey in Development).");
            return;
        }
        var seen = new HashSet<Felt>();
        for (var i = 0; i < accounts.Count; i++)
        {
            var a = accounts[i];
            var prefix = $"{S}:Accounts:{i}";
            if (!Felt.TryParse(a.Address, out var address) || address.IsZero)
            {
                failures.Add($"{prefix}:Address must be a non-zero felt (0x-hex).");
            }
            else if (!seen.Add(address))
            {
                failures.Add($"{prefix}:Address repeats another account.");
            }
            if (!string.IsNullOrEmpty(a.PrivateKey))
            {
                if (!environment.IsDevelopment() && !environment.IsEnvironment("Testing"))
                {
                    failures.Add($"{prefix}:PrivateKey is only allowed in the Development or Testing environment; use {prefix}:KeystorePath.");
                }
                // The value itself is never echoed.
                if (!Felt.TryParse(a.PrivateKey, out var key) || !Ecdsa.IsValidPrivateKey(key))
                {
                    failures.Add($"{prefix}:PrivateKey is not a STARK private key (0x-hex in [1, n)).");
                }
            }
            else if (string.IsNullOrWhiteSpace(a.KeystorePath))
            {
                failures.Add($"{prefix} needs KeystorePath (or PrivateKey in Development).");
            }
            else if (string.IsNullOrEmpty(a.KeystorePassword) && string.IsNullOrWhiteSpace(a.KeystorePasswordFile))
            {
                failures.Add($"{prefix}:KeystorePassword or KeystorePasswordFile is required to unlock {a.KeystorePath}.");
            }
        }
    }

    private static void ValidateFees(List<string> failures, FeeOptions? fees)
    {
        fees ??= new FeeOptions();
        if (double.IsNaN(fees.AmountOverhead) || fees.AmountOverhead is < 1 or > 10)
        {
            failures.Add($"{S}:Fees:AmountOverhead must be between 1 and 10; it is {fees.AmountOverhead}.");
        }
        if (double.IsNaN(fees.PriceOverhead) || fees.PriceOverhead is < 1 or > 10)
        {
            failures.Add($"{S}:Fees:PriceOverhead must be between 1 and 10; it is {fees.PriceOverhead}.");
        }
        if (string.IsNullOrEmpty(fees.MaxFeePerTransaction) || !fees.MaxFeePerTransaction.All(char.IsAsciiDigit)
            || fees.MaxFeePerTransaction.Length > 39 || fees.MaxFeeValue <= 0)
        {
            failures.Add($"{S}:Fees:MaxFeePerTransaction must be a positive decimal amount of FRI below 2^128.");
        }
    }

    private static void Range(List<string> failures, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{S}:{key} must be between {min} and {max}; it is {value}.");
        }
    }
}

/// <summary>Chain ids written as short strings (<c>SN_SEPOLIA</c>) or felts.</summary>
internal static class ChainIds
{
    public static bool TryParse(string text, out Felt chainId)
    {
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return Felt.TryParse(text, out chainId);
        }
        chainId = default;
        if (text.Length is 0 or > 31 || text.Any(c => c is < ' ' or > '~'))
        {
            return false;
        }
        chainId = CairoShortString.Encode(text);
        return true;
    }
}
