using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Broker.Hosting.Grpc;
using Starknet;

namespace GuardianSigner.Http;

/// <summary>
/// Reads fields of the cosigner JSON bodies. x-sessions forwards values as starknet.js produced them, so felts and
/// integers may be 0x-hex strings, decimal strings or JSON numbers. Every failure is a 400 naming the field.
/// </summary>
internal static class JsonFields
{
    public static JsonElement Object(JsonElement parent, string name, string path)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw BrokerRpcException.InvalidArgument(path, "required");
        }
        if (value.ValueKind != JsonValueKind.Object) throw BrokerRpcException.InvalidArgument(path, "must be a JSON object");
        return value;
    }

    public static JsonElement Array(JsonElement parent, string name, string path, int max, bool required = true)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (!required) return default;
            throw BrokerRpcException.InvalidArgument(path, "required");
        }
        if (value.ValueKind != JsonValueKind.Array) throw BrokerRpcException.InvalidArgument(path, "must be a JSON array");
        RequestFields.Count(value.GetArrayLength(), path, max);
        return value;
    }

    public static JsonElement Value(JsonElement parent, string name, string path)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw BrokerRpcException.InvalidArgument(path, "required");
        }
        return value;
    }

    public static string String(JsonElement parent, string name, string path, int maxLength = 256)
    {
        var value = Value(parent, name, path);
        if (value.ValueKind != JsonValueKind.String) throw BrokerRpcException.InvalidArgument(path, "must be a string");
        var text = value.GetString()!;
        RequestFields.Length(text, path, maxLength);
        return text;
    }

    public static bool Boolean(JsonElement parent, string name, string path, bool defaultValue)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return defaultValue;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw BrokerRpcException.InvalidArgument(path, "must be true or false"),
        };
    }

    /// <summary>A felt: a 0x-hex or decimal string, or a non-negative JSON integer.</summary>
    public static Felt Felt(JsonElement value, string path) => value.ValueKind switch
    {
        JsonValueKind.String => RequestFields.FeltHexOrDecimal(value.GetString(), path),
        JsonValueKind.Number => RequestFields.FeltHexOrDecimal(value.GetRawText(), path),
        _ => throw BrokerRpcException.InvalidArgument(path, "must be a felt (0x-hex or decimal string)"),
    };

    public static Felt Felt(JsonElement parent, string name, string path) => Felt(Value(parent, name, path), path);

    /// <summary>A non-negative integer of at most <paramref name="bits"/> bits: 0x-hex or decimal string, or a JSON integer.</summary>
    public static BigInteger Integer(JsonElement value, string path, int bits) => value.ValueKind switch
    {
        JsonValueKind.String => RequestFields.UnsignedInteger(value.GetString(), path, bits),
        JsonValueKind.Number => RequestFields.UnsignedDecimal(value.GetRawText(), path, bits),
        _ => throw BrokerRpcException.InvalidArgument(path, "must be a non-negative integer"),
    };

    public static BigInteger Integer(JsonElement parent, string name, string path, int bits) => Integer(Value(parent, name, path), path, bits);

    public static Felt[] Felts(JsonElement array, string path)
    {
        if (array.ValueKind == JsonValueKind.Undefined) return [];
        var result = new Felt[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            result[i] = Felt(item, $"{path}[{i}]");
            i++;
        }
        return result;
    }

    /// <summary>
    /// A SNIP-12 <c>felt</c>/<c>shortstring</c> value as starknet.js encodes it: numbers and strings that are
    /// integers (hex or decimal) are that integer; any other string is a Cairo short string.
    /// </summary>
    public static Felt TypedFelt(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            var text = value.GetString()!;
            if (Starknet.Felt.TryParse(text, out var felt)) return felt;
            if (text.Length > 0 && CairoShortString.TryEncode(text, out var shortString)) return shortString;
            throw BrokerRpcException.InvalidArgument(path, "must be a felt or a short string of at most 31 ASCII characters");
        }
        return Felt(value, path);
    }

}
