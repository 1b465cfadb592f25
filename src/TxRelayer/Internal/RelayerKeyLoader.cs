using Microsoft.Extensions.Options;
using Starknet;
using Starknet.Keys;

namespace TxRelayer.Internal;

/// <summary>Loads the relayer accounts' keys once at startup, from keystores or (development) from configuration.</summary>
internal static class RelayerKeyLoader
{
    public static IReadOnlyList<RelayerKey> Load(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<RelayerOptions>>().Value;
        var environment = services.GetRequiredService<IHostEnvironment>();
        var logger = services.GetRequiredService<ILogger<RelayerKey>>();
        var keys = new List<RelayerKey>(options.Accounts.Count);
        foreach (var account in options.Accounts)
        {
            var address = Felt.Parse(account.Address!);
            if (!string.IsNullOrEmpty(account.PrivateKey))
            {
                var key = new RelayerKey(address, Felt.Parse(account.PrivateKey));
                logger.PlainKeyInUse(address, environment.EnvironmentName, key.PublicKey);
                keys.Add(key);
                continue;
            }
            var path = Path.GetFullPath(account.KeystorePath!, environment.ContentRootPath);
            if (!File.Exists(path))
            {
                throw new StarkKeystoreException($"The keystore file '{path}' of relayer account {address} does not exist.");
            }
            var password = account.KeystorePassword;
            if (string.IsNullOrEmpty(password))
            {
                password = File.ReadAllText(Path.GetFullPath(account.KeystorePasswordFile!, environment.ContentRootPath)).TrimEnd('\r', '\n');
            }
            var privateKey = StarkKeystore.Decrypt(File.ReadAllText(path), password);
            var relayerKey = new RelayerKey(address, privateKey);
            logger.KeystoreUnlocked(address, path, relayerKey.PublicKey);
            keys.Add(relayerKey);
        }
        return keys;
    }
}
