using System.Globalization;
using System.Text.Json;

namespace Starknet.Devnet;

/// <summary>Reads the genesis JSON of <see cref="DevnetGenesis"/> by hand, naming the member of every error.</summary>
internal static class GenesisReader
{
    private static readonly JsonDocumentOptions s_options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static DevnetGenesis Parse(string json, string source)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, s_options);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{source}: not valid JSON ({ex.Message}).", ex);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"{source}: the genesis must be a JSON object.");
            }
            var genesis = new DevnetGenesis();
            foreach (var member in root.EnumerateObject())
            {
                var path = member.Name;
                var v = member.Value;
                genesis = member.Name switch
                {
                    "chain_id" => genesis with { ChainId = ChainId(v, path) },
                    "block_time_ms" => genesis with { BlockTimeMilliseconds = checked((int)UInt(v, path, int.MaxValue)) },
                    "sequencer_address" => genesis with { SequencerAddress = Felt(v, path) },
                    "gas_prices" => genesis with { GasPrices = Prices(v, path) },
                    "fee_token" => genesis with { FeeTokenAddress = FeeToken(v, path) },
                    "argent_accounts" => genesis with { ArgentAccounts = Array(v, path, ArgentAccount) },
                    "relayer_accounts" => genesis with { RelayerAccounts = Array(v, path, RelayerAccount) },
                    "balances" => genesis with { Balances = Balances(v, path) },
                    "game_contracts" => genesis with { GameContracts = Array(v, path, Felt) },
                    _ when IsComment(member.Name) => genesis,
                    _ => throw Error(path, "is not a genesis member"),
                };
            }
            return genesis;
        }
    }

    private static bool IsComment(string name) => name.StartsWith('_') || name.StartsWith('$');

    private static FormatException Error(string path, string problem) => new($"genesis: '{path}' {problem}.");

    private static Felt ChainId(JsonElement v, string path)
    {
        if (v.ValueKind != JsonValueKind.String)
        {
            throw Error(path, "must be a string: a short string such as \"SN_DEVNET\" or a 0x felt");
        }
        var text = v.GetString()!;
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return Felt(v, path);
        }
        return CairoShortString.TryEncode(text, out var felt) && text.Length > 0
            ? felt
            : throw Error(path, "is not a short string (1 to 31 ASCII characters) nor a 0x felt");
    }

    internal static Felt Felt(JsonElement v, string path)
    {
        if (v.ValueKind == JsonValueKind.Number && v.TryGetUInt64(out var n))
        {
            return n;
        }
        if (v.ValueKind != JsonValueKind.String)
        {
            throw Error(path, $"must be a felt string, not {v.ValueKind}");
        }
        return Starknet.Felt.TryParse(v.GetString(), out var felt)
            ? felt
            : throw Error(path, $"= '{v.GetString()}' is not a felt (0x hex or decimal below p)");
    }

    private static UInt128 Amount(JsonElement v, string path)
    {
        var text = v.ValueKind switch
        {
            JsonValueKind.Number => v.GetRawText(),
            JsonValueKind.String => v.GetString()!,
            _ => throw Error(path, $"must be an amount (a decimal or 0x hex string, or an integer), not {v.ValueKind}"),
        };
        var ok = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? UInt128.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value) && text.Length > 2
            : UInt128.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        return ok ? value : throw Error(path, $"= '{text}' is not an unsigned 128-bit amount");
    }

    private static ulong UInt(JsonElement v, string path, ulong max)
    {
        var value = Amount(v, path);
        return value <= max ? (ulong)value : throw Error(path, $"must be at most {max}");
    }

    private static GasPrices Prices(JsonElement v, string path)
    {
        RequireObject(v, path);
        var prices = GasPrices.Default;
        foreach (var member in v.EnumerateObject())
        {
            var p = $"{path}.{member.Name}";
            prices = member.Name switch
            {
                "l1_gas" => prices with { L1Gas = Amount(member.Value, p) },
                "l1_data_gas" => prices with { L1DataGas = Amount(member.Value, p) },
                "l2_gas" => prices with { L2Gas = Amount(member.Value, p) },
                _ when IsComment(member.Name) => prices,
                _ => throw Error(p, "is not a gas price (l1_gas, l1_data_gas, l2_gas)"),
            };
        }
        return prices;
    }

    private static Felt FeeToken(JsonElement v, string path)
    {
        RequireObject(v, path);
        var address = DevnetGenesis.DefaultFeeTokenAddress;
        foreach (var member in v.EnumerateObject())
        {
            var p = $"{path}.{member.Name}";
            address = member.Name switch
            {
                "address" => Felt(member.Value, p),
                "symbol" when member.Value.ValueKind == JsonValueKind.String && member.Value.GetString() == "STRK" => address,
                "symbol" => throw Error(p, "must be \"STRK\": fees are paid in STRK (FRI)"),
                _ when IsComment(member.Name) => address,
                _ => throw Error(p, "is not a fee token member (address, symbol)"),
            };
        }
        return address;
    }

    private static GenesisArgentAccount ArgentAccount(JsonElement v, string path)
    {
        RequireObject(v, path);
        Felt? address = null, ownerPrivate = null, ownerPublic = null, guardianPrivate = null, guardianPublic = null;
        ulong nonce = 0;
        UInt128 balance = 0;
        foreach (var member in v.EnumerateObject())
        {
            var p = $"{path}.{member.Name}";
            switch (member.Name)
            {
                case "address": address = Felt(member.Value, p); break;
                case "owner_private_key": ownerPrivate = PrivateKey(member.Value, p); break;
                case "owner_public_key": ownerPublic = Felt(member.Value, p); break;
                case "guardian_private_key": guardianPrivate = PrivateKey(member.Value, p); break;
                case "guardian_public_key": guardianPublic = Felt(member.Value, p); break;
                case "nonce": nonce = UInt(member.Value, p, ulong.MaxValue); break;
                case "balance": balance = Amount(member.Value, p); break;
                default:
                    if (!IsComment(member.Name))
                    {
                        throw Error(p, "is not an Argent account member");
                    }
                    break;
            }
        }
        return new GenesisArgentAccount
        {
            Address = address ?? throw Error($"{path}.address", "is required"),
            OwnerPublicKey = PublicKey(ownerPrivate, ownerPublic, $"{path}.owner_private_key", $"{path}.owner_public_key", required: true)!.Value,
            GuardianPublicKey = PublicKey(guardianPrivate, guardianPublic, $"{path}.guardian_private_key", $"{path}.guardian_public_key", required: false),
            OwnerPrivateKey = ownerPrivate,
            GuardianPrivateKey = guardianPrivate,
            Nonce = nonce,
            Balance = balance,
        };
    }

    private static GenesisRelayerAccount RelayerAccount(JsonElement v, string path)
    {
        RequireObject(v, path);
        Felt? address = null, privateKey = null, publicKey = null;
        ulong nonce = 0;
        UInt128 balance = 0;
        foreach (var member in v.EnumerateObject())
        {
            var p = $"{path}.{member.Name}";
            switch (member.Name)
            {
                case "address": address = Felt(member.Value, p); break;
                case "private_key": privateKey = PrivateKey(member.Value, p); break;
                case "public_key": publicKey = Felt(member.Value, p); break;
                case "nonce": nonce = UInt(member.Value, p, ulong.MaxValue); break;
                case "balance": balance = Amount(member.Value, p); break;
                default:
                    if (!IsComment(member.Name))
                    {
                        throw Error(p, "is not a relayer account member");
                    }
                    break;
            }
        }
        return new GenesisRelayerAccount
        {
            Address = address ?? throw Error($"{path}.address", "is required"),
            PublicKey = PublicKey(privateKey, publicKey, $"{path}.private_key", $"{path}.public_key", required: true)!.Value,
            PrivateKey = privateKey,
            Nonce = nonce,
            Balance = balance,
        };
    }

    private static Felt PrivateKey(JsonElement v, string path)
    {
        var key = Felt(v, path);
        // The value itself never goes into a message.
        return Ecdsa.IsValidPrivateKey(key) ? key : throw Error(path, "is not a private key in [1, n)");
    }

    private static Felt? PublicKey(Felt? privateKey, Felt? publicKey, string privatePath, string publicPath, bool required)
    {
        if (privateKey is { } priv)
        {
            var derived = Ecdsa.GetPublicKey(priv);
            if (publicKey is { } given && given != derived)
            {
                throw Error(publicPath, $"does not match '{privatePath}' (whose public key is {derived})");
            }
            return derived;
        }
        if (publicKey is { } pub)
        {
            return pub.IsZero ? throw Error(publicPath, "must not be zero") : pub;
        }
        return required ? throw Error(publicPath, $"is required (or give '{privatePath}')") : null;
    }

    private static Dictionary<Felt, UInt128> Balances(JsonElement v, string path)
    {
        RequireObject(v, path);
        var balances = new Dictionary<Felt, UInt128>();
        foreach (var member in v.EnumerateObject())
        {
            if (IsComment(member.Name))
            {
                continue;
            }
            var p = $"{path}.{member.Name}";
            if (!Starknet.Felt.TryParse(member.Name, out var address))
            {
                throw Error(p, "does not name an address");
            }
            balances[address] = Amount(member.Value, p);
        }
        return balances;
    }

    private static T[] Array<T>(JsonElement v, string path, Func<JsonElement, string, T> read)
    {
        if (v.ValueKind != JsonValueKind.Array)
        {
            throw Error(path, $"must be an array, not {v.ValueKind}");
        }
        var result = new T[v.GetArrayLength()];
        var i = 0;
        foreach (var item in v.EnumerateArray())
        {
            result[i] = read(item, $"{path}[{i}]");
            i++;
        }
        return result;
    }

    private static void RequireObject(JsonElement v, string path)
    {
        if (v.ValueKind != JsonValueKind.Object)
        {
            throw Error(path, $"must be an object, not {v.ValueKind}");
        }
    }
}
