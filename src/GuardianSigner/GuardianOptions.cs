using Microsoft.Extensions.Options;

namespace GuardianSigner;

/// <summary>
/// Where the guardian key comes from (configuration section <c>Guardian</c>; environment variables
/// <c>Guardian__KeystorePath</c>, <c>Guardian__KeystorePassword</c>, …).
/// </summary>
internal sealed class GuardianOptions
{
    public const string SectionName = "Guardian";

    /// <summary>The encrypted keystore file (see <c>keystore create</c>). Relative to the content root.</summary>
    public string? KeystorePath { get; set; }

    /// <summary>The keystore password. Prefer <see cref="KeystorePasswordFile"/> or an environment variable.</summary>
    public string? KeystorePassword { get; set; }

    /// <summary>A file whose content (trailing newline ignored) is the keystore password, e.g. a Docker secret.</summary>
    public string? KeystorePasswordFile { get; set; }

    /// <summary>
    /// The private key in plain text (0x-hex). Development only: refused outside the Development and Testing
    /// environments, and it wins over <see cref="KeystorePath"/> when both are set.
    /// </summary>
    public string? PrivateKey { get; set; }
}

internal sealed class GuardianOptionsValidator(IHostEnvironment environment) : IValidateOptions<GuardianOptions>
{
    public ValidateOptionsResult Validate(string? name, GuardianOptions options)
    {
        const string S = GuardianOptions.SectionName;
        var failures = new List<string>();
        if (!string.IsNullOrEmpty(options.PrivateKey))
        {
            if (!IsDevelopmentLike(environment))
            {
                failures.Add($"{S}:PrivateKey is only allowed in the Development or Testing environment; use {S}:KeystorePath.");
            }
            // The value itself is never echoed in messages.
            if (!Starknet.Felt.TryParse(options.PrivateKey, out var key) || !Starknet.Ecdsa.IsValidPrivateKey(key))
            {
                failures.Add($"{S}:PrivateKey is not a STARK private key (0x-hex in [1, n)).");
            }
        }
        else if (string.IsNullOrWhiteSpace(options.KeystorePath))
        {
            failures.Add($"{S}:KeystorePath is required (create one with `keystore create --out <file>`).");
        }
        else if (string.IsNullOrEmpty(options.KeystorePassword) && string.IsNullOrWhiteSpace(options.KeystorePasswordFile))
        {
            failures.Add($"{S}:KeystorePassword or {S}:KeystorePasswordFile is required to unlock {options.KeystorePath}.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static bool IsDevelopmentLike(IHostEnvironment environment) =>
        environment.IsDevelopment() || environment.IsEnvironment("Testing");
}
