using Microsoft.Extensions.Options;
using Starknet;

namespace GuardianSigner.Keys;

/// <summary>Loads the guardian key once at startup, from the keystore or (development) from configuration.</summary>
internal static class GuardianKeyLoader
{
    public static GuardianKey Load(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<GuardianOptions>>().Value;
        var environment = services.GetRequiredService<IHostEnvironment>();
        var logger = services.GetRequiredService<ILogger<GuardianKey>>();

        if (!string.IsNullOrEmpty(options.PrivateKey))
        {
            var key = new GuardianKey(Felt.Parse(options.PrivateKey));
            GuardianLog.PlainKeyInUse(logger, environment.EnvironmentName, key.PublicKey);
            return key;
        }

        var path = Path.GetFullPath(options.KeystorePath!, environment.ContentRootPath);
        if (!File.Exists(path))
        {
            throw new KeystoreException($"The keystore file '{path}' does not exist (create one with `keystore create --out <file>`).");
        }
        var password = options.KeystorePassword;
        if (string.IsNullOrEmpty(password))
        {
            var passwordPath = Path.GetFullPath(options.KeystorePasswordFile!, environment.ContentRootPath);
            password = File.ReadAllText(passwordPath).TrimEnd('\r', '\n');
        }
        var guardianKey = Keystore.Decrypt(File.ReadAllText(path), password);
        GuardianLog.KeystoreUnlocked(logger, path, guardianKey.PublicKey);
        return guardianKey;
    }
}
