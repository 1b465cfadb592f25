using System.Globalization;
using System.Text.Json;
using Starknet.Rpc;
using Starknet.Transactions;

namespace Starknet.Devnet.Rpc;

/// <summary>
/// The <c>params</c> of one request, by name (an object) or by position (an array, in the spec's parameter order). Every
/// read names the field it failed on, so a bad request answers INVALID_PARAMS (-32602) with data such as
/// <c>invoke_transaction.resource_bounds.l2_gas.max_amount: expected a 0x hex string</c>.
/// </summary>
internal sealed class RpcParams(JsonElement parameters, IReadOnlyList<string> names)
{
    public JsonElement Required(string name) =>
        TryGet(name, out var value) ? value : throw RpcErrorException.InvalidParams(name, "is required");

    public bool TryGet(string name, out JsonElement value)
    {
        value = default;
        if (parameters.ValueKind == JsonValueKind.Object)
        {
            return parameters.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
        }
        if (parameters.ValueKind == JsonValueKind.Array)
        {
            var index = IndexOf(name);
            if (index >= 0 && index < parameters.GetArrayLength())
            {
                value = parameters[index];
                return value.ValueKind != JsonValueKind.Null;
            }
        }
        return false;
    }

    /// <summary>Positional params beyond the declared ones are an error; unknown named params are ignored.</summary>
    public void CheckArity()
    {
        if (parameters.ValueKind == JsonValueKind.Array && parameters.GetArrayLength() > names.Count)
        {
            throw RpcErrorException.InvalidParams("params", $"expected at most {names.Count} positional parameter(s), got {parameters.GetArrayLength()}");
        }
    }

    private int IndexOf(string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }
        return -1;
    }
}

/// <summary>Readers of the spec's JSON shapes, each naming the field path of its error.</summary>
internal static class RpcRead
{
    public static Felt Felt(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.String)
        {
            throw RpcErrorException.InvalidParams(path, $"expected a felt (0x hex string), found {Kind(e)}");
        }
        // Parsed from the document's own UTF-8 bytes when the string has no escapes: a batch's calldata is hundreds of
        // felts per request, and a string for each was the devnet's largest allocation.
        var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(e);
        if (raw.Length is >= 2 and <= 2 + 80 && raw.IndexOf((byte)'\\') < 0)
        {
            Span<char> text = stackalloc char[raw.Length - 2];
            for (var i = 0; i < text.Length; i++)
            {
                text[i] = (char)raw[i + 1];
            }
            if (Starknet.Felt.TryParse(text, out var parsed))
            {
                return parsed;
            }
        }
        return Starknet.Felt.TryParse(e.GetString(), out var felt)
            ? felt
            : throw RpcErrorException.InvalidParams(path, $"'{Shorten(e.GetString()!)}' is not a felt (0x hex below p)");
    }

    public static Felt[] Felts(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Array)
        {
            throw RpcErrorException.InvalidParams(path, $"expected an array of felts, found {Kind(e)}");
        }
        var result = new Felt[e.GetArrayLength()];
        var i = 0;
        foreach (var item in e.EnumerateArray())
        {
            result[i] = Felt(item, $"{path}[{i}]");
            i++;
        }
        return result;
    }

    public static ulong U64(JsonElement e, string path)
    {
        var value = U128(e, path);
        return value <= ulong.MaxValue ? (ulong)value : throw RpcErrorException.InvalidParams(path, "does not fit in 64 bits");
    }

    /// <summary>The spec's <c>u64</c>/<c>u128</c>: a <c>0x</c> hex string (a JSON integer is accepted too).</summary>
    public static UInt128 U128(JsonElement e, string path)
    {
        if (e.ValueKind == JsonValueKind.Number)
        {
            return UInt128.TryParse(e.GetRawText(), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                ? n
                : throw RpcErrorException.InvalidParams(path, $"{e.GetRawText()} is not an unsigned 128-bit integer");
        }
        if (e.ValueKind != JsonValueKind.String)
        {
            throw RpcErrorException.InvalidParams(path, $"expected a 0x hex string, found {Kind(e)}");
        }
        var text = e.GetString()!;
        if (text.Length < 3 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X'))
        {
            throw RpcErrorException.InvalidParams(path, $"'{Shorten(text)}' is not 0x-prefixed hex");
        }
        var digits = text.AsSpan(2).TrimStart('0');
        if (digits.Length > 32)
        {
            throw RpcErrorException.InvalidParams(path, "does not fit in 128 bits");
        }
        if (digits.IsEmpty)
        {
            return UInt128.Zero;
        }
        return UInt128.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw RpcErrorException.InvalidParams(path, $"'{Shorten(text)}' is not hex");
    }

    public static BlockId BlockId(JsonElement e, string path)
    {
        if (e.ValueKind == JsonValueKind.String)
        {
            return e.GetString() switch
            {
                "latest" => Starknet.Rpc.BlockId.Latest,
                "pre_confirmed" => Starknet.Rpc.BlockId.PreConfirmed,
                "l1_accepted" => Starknet.Rpc.BlockId.L1Accepted,
                var other => throw RpcErrorException.InvalidParams(path, $"unknown block tag '{Shorten(other!)}' (latest, pre_confirmed, l1_accepted)"),
            };
        }
        if (e.ValueKind == JsonValueKind.Object)
        {
            if (e.TryGetProperty("block_number", out var number))
            {
                if (number.ValueKind != JsonValueKind.Number || !number.TryGetUInt64(out var n))
                {
                    throw RpcErrorException.InvalidParams($"{path}.block_number", "expected a non-negative integer");
                }
                return Starknet.Rpc.BlockId.FromNumber(n);
            }
            if (e.TryGetProperty("block_hash", out var hash))
            {
                return Starknet.Rpc.BlockId.FromHash(Felt(hash, $"{path}.block_hash"));
            }
        }
        throw RpcErrorException.InvalidParams(path, "expected a block tag, {\"block_number\": n} or {\"block_hash\": \"0x…\"}");
    }

    public static FunctionCall FunctionCall(JsonElement e, string path)
    {
        RequireObject(e, path);
        return new FunctionCall(
            Felt(Member(e, path, "contract_address"), $"{path}.contract_address"),
            Felt(Member(e, path, "entry_point_selector"), $"{path}.entry_point_selector"),
            Felts(Member(e, path, "calldata"), $"{path}.calldata"));
    }

    /// <summary>A <c>BROADCASTED_INVOKE_TXN</c> v3 (or its query version): the hashed fields and the signature.</summary>
    public static (InvokeTransactionV3 Transaction, Felt[] Signature) Invoke(JsonElement e, string path)
    {
        RequireObject(e, path);
        var type = Member(e, path, "type");
        if (type.ValueKind != JsonValueKind.String || type.GetString() != "INVOKE")
        {
            throw RpcErrorException.InvalidParams($"{path}.type", "the devnet accepts INVOKE transactions only");
        }
        var bounds = Member(e, path, "resource_bounds");
        var boundsPath = $"{path}.resource_bounds";
        RequireObject(bounds, boundsPath);
        var tx = new InvokeTransactionV3
        {
            SenderAddress = Felt(Member(e, path, "sender_address"), $"{path}.sender_address"),
            Calldata = Felts(Member(e, path, "calldata"), $"{path}.calldata"),
            ChainId = Starknet.Felt.Zero, // the node's chain id goes in when the hash is computed
            Nonce = Felt(Member(e, path, "nonce"), $"{path}.nonce"),
            Version = Felt(Member(e, path, "version"), $"{path}.version"),
            ResourceBounds = new ResourceBoundsMapping(
                Bound(Member(bounds, boundsPath, "l1_gas"), $"{boundsPath}.l1_gas"),
                Bound(Member(bounds, boundsPath, "l2_gas"), $"{boundsPath}.l2_gas"),
                Bound(Member(bounds, boundsPath, "l1_data_gas"), $"{boundsPath}.l1_data_gas")),
            Tip = U64(Member(e, path, "tip"), $"{path}.tip"),
            PaymasterData = Felts(Member(e, path, "paymaster_data"), $"{path}.paymaster_data"),
            AccountDeploymentData = Felts(Member(e, path, "account_deployment_data"), $"{path}.account_deployment_data"),
            NonceDataAvailabilityMode = DaMode(Member(e, path, "nonce_data_availability_mode"), $"{path}.nonce_data_availability_mode"),
            FeeDataAvailabilityMode = DaMode(Member(e, path, "fee_data_availability_mode"), $"{path}.fee_data_availability_mode"),
            ProofFacts = e.TryGetProperty("proof_facts", out var facts) && facts.ValueKind != JsonValueKind.Null
                ? Felts(facts, $"{path}.proof_facts")
                : null,
        };
        return (tx, Felts(Member(e, path, "signature"), $"{path}.signature"));
    }

    public static EventFilter EventFilter(JsonElement e, string path)
    {
        RequireObject(e, path);
        var chunk = Member(e, path, "chunk_size");
        if (chunk.ValueKind != JsonValueKind.Number || !chunk.TryGetInt32(out var chunkSize) || chunkSize < 1)
        {
            throw RpcErrorException.InvalidParams($"{path}.chunk_size", "expected an integer of at least 1");
        }
        IReadOnlyList<IReadOnlyList<Felt>>? keys = null;
        if (e.TryGetProperty("keys", out var keysElement) && keysElement.ValueKind != JsonValueKind.Null)
        {
            if (keysElement.ValueKind != JsonValueKind.Array)
            {
                throw RpcErrorException.InvalidParams($"{path}.keys", $"expected an array of arrays of felts, found {Kind(keysElement)}");
            }
            var list = new List<IReadOnlyList<Felt>>();
            var i = 0;
            foreach (var position in keysElement.EnumerateArray())
            {
                list.Add(Felts(position, $"{path}.keys[{i++}]"));
            }
            keys = list;
        }
        string? token = null;
        if (e.TryGetProperty("continuation_token", out var tokenElement) && tokenElement.ValueKind != JsonValueKind.Null)
        {
            token = tokenElement.ValueKind == JsonValueKind.String
                ? tokenElement.GetString()
                : throw RpcErrorException.InvalidParams($"{path}.continuation_token", "expected a string");
        }
        return new EventFilter
        {
            FromBlock = Optional(e, "from_block", out var from) ? BlockId(from, $"{path}.from_block") : null,
            ToBlock = Optional(e, "to_block", out var to) ? BlockId(to, $"{path}.to_block") : null,
            Address = Optional(e, "address", out var address) ? Felt(address, $"{path}.address") : null,
            Keys = keys,
            ChunkSize = chunkSize,
            ContinuationToken = token,
        };
    }

    public static Felt TransactionHash(RpcParams p) => Felt(p.Required("transaction_hash"), "transaction_hash");

    private static ResourceBounds Bound(JsonElement e, string path)
    {
        RequireObject(e, path);
        return new ResourceBounds(U64(Member(e, path, "max_amount"), $"{path}.max_amount"), U128(Member(e, path, "max_price_per_unit"), $"{path}.max_price_per_unit"));
    }

    private static DataAvailabilityMode DaMode(JsonElement e, string path) => e.ValueKind == JsonValueKind.String
        ? e.GetString() switch
        {
            "L1" => DataAvailabilityMode.L1,
            "L2" => DataAvailabilityMode.L2,
            _ => throw RpcErrorException.InvalidParams(path, "expected \"L1\" or \"L2\""),
        }
        : throw RpcErrorException.InvalidParams(path, $"expected \"L1\" or \"L2\", found {Kind(e)}");

    private static JsonElement Member(JsonElement e, string path, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw RpcErrorException.InvalidParams($"{path}.{name}", "is required");

    private static bool Optional(JsonElement e, string name, out JsonElement value) =>
        e.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    private static void RequireObject(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw RpcErrorException.InvalidParams(path, $"expected an object, found {Kind(e)}");
        }
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string Shorten(string text) => text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "...");
}
