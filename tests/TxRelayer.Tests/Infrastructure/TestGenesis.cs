using Starknet;
using Starknet.Devnet;

namespace TxRelayer.Tests.Infrastructure;

/// <summary>
/// The devnet's sample genesis (src/Starknet.Devnet/genesis.sample.json, public test keys) plus extra relayer accounts
/// with made-up keys, for pool tests.
/// </summary>
internal static class TestGenesis
{
    private static readonly Lazy<DevnetGenesis> s_sample = new(() => DevnetGenesis.Load(FindGenesis()));

    public static DevnetGenesis Create(int relayerAccounts)
    {
        var sample = s_sample.Value;
        var relayers = new List<GenesisRelayerAccount>(sample.RelayerAccounts);
        for (var i = relayers.Count; i < relayerAccounts; i++)
        {
            var key = Felt.Parse($"0x7e1a7e{i:x4}5eed5eed5eed5eed5eed");
            relayers.Add(new GenesisRelayerAccount
            {
                Address = Felt.Parse($"0x7e1a7e{i:x4}"),
                PublicKey = Ecdsa.GetPublicKey(key),
                PrivateKey = key,
                Balance = UInt128.Parse("5000000000000000000000", System.Globalization.CultureInfo.InvariantCulture),
            });
        }
        return sample with { RelayerAccounts = relayers.Take(Math.Max(1, relayerAccounts)).ToList() };
    }

    private static string FindGenesis()
    {
        var copied = Path.Combine(AppContext.BaseDirectory, "genesis.sample.json");
        if (File.Exists(copied))
        {
            return copied;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "Starknet.Devnet", "genesis.sample.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException("genesis.sample.json of src/Starknet.Devnet not found.");
    }
}
