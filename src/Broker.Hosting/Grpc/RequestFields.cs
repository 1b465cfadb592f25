using System.Globalization;
using System.Numerics;
using Starknet;

namespace Broker.Hosting.Grpc;

/// <summary>
/// Parsing of request fields that throws <see cref="BrokerRpcException"/> INVALID_ARGUMENT naming the field, so a
/// bad input never becomes a 500. Felts follow broker/common/v1: "0x" and 1 to 64 hex digits, below p.
/// </summary>
public static class RequestFields
{
    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>A required felt in 0x-hex form.</summary>
    public static Felt Felt(string? value, string field)
    {
        if (string.IsNullOrEmpty(value)) throw BrokerRpcException.InvalidArgument(field, "required (a felt as 0x-hex)");
        if (value.Length < 3 || value[0] != '0' || (value[1] != 'x' && value[1] != 'X'))
        {
            throw BrokerRpcException.InvalidArgument(field, "a felt must be 0x followed by 1 to 64 hex digits");
        }
        if (value.Length > 66) throw BrokerRpcException.InvalidArgument(field, "a felt has at most 64 hex digits");
        if (!Starknet.Felt.TryParse(value, out var felt))
        {
            throw BrokerRpcException.InvalidArgument(field, "not a felt (hex digits below p = 2^251 + 17*2^192 + 1 expected)");
        }
        return felt;
    }

    /// <summary>An optional felt: empty gives <paramref name="defaultValue"/>.</summary>
    public static Felt OptionalFelt(string? value, string field, Felt defaultValue) =>
        string.IsNullOrEmpty(value) ? defaultValue : Felt(value, field);

    /// <summary>A felt given as 0x-hex or as decimal digits (the cosigner HTTP bodies mix both).</summary>
    public static Felt FeltHexOrDecimal(string? value, string field)
    {
        if (string.IsNullOrEmpty(value)) throw BrokerRpcException.InvalidArgument(field, "required (a felt)");
        if (value.Length > 80 || !Starknet.Felt.TryParse(value, out var felt))
        {
            throw BrokerRpcException.InvalidArgument(field, "not a felt (0x-hex or decimal below p expected)");
        }
        return felt;
    }

    /// <summary>A non-negative integer written in decimal, at most <paramref name="maxBits"/> bits wide.</summary>
    public static BigInteger UnsignedDecimal(string? value, string field, int maxBits)
    {
        if (string.IsNullOrEmpty(value)) throw BrokerRpcException.InvalidArgument(field, "required (a decimal integer)");
        if (value.Length > 80 || !value.All(char.IsAsciiDigit)
            || !BigInteger.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            throw BrokerRpcException.InvalidArgument(field, "must be a non-negative decimal integer");
        }
        if (number.GetBitLength() > maxBits) throw BrokerRpcException.InvalidArgument(field, $"must be below 2^{maxBits}");
        return number;
    }

    /// <summary>Like <see cref="UnsignedDecimal"/> but also accepts 0x-hex.</summary>
    public static BigInteger UnsignedInteger(string? value, string field, int maxBits)
    {
        if (value is not null && value.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            if (value.Length is < 3 or > 66 || value.AsSpan(2).ContainsAnyExcept(HexDigits))
            {
                throw BrokerRpcException.InvalidArgument(field, "must be 0x followed by 1 to 64 hex digits");
            }
            var number = BigInteger.Parse("0" + value[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            if (number.GetBitLength() > maxBits) throw BrokerRpcException.InvalidArgument(field, $"must be below 2^{maxBits}");
            return number;
        }
        return UnsignedDecimal(value, field, maxBits);
    }

    /// <summary>Refuses a repeated field with more than <paramref name="max"/> items (and, with <paramref name="min"/>, fewer).</summary>
    public static void Count(int count, string field, int max, int min = 0)
    {
        if (count > max) throw BrokerRpcException.InvalidArgument(field, $"at most {max} items allowed, got {count}");
        if (count < min) throw BrokerRpcException.InvalidArgument(field, min == 1 ? "at least one item required" : $"at least {min} items required");
    }

    /// <summary>Refuses a string longer than <paramref name="maxLength"/> characters.</summary>
    public static void Length(string? value, string field, int maxLength)
    {
        if (value is not null && value.Length > maxLength)
        {
            throw BrokerRpcException.InvalidArgument(field, $"at most {maxLength} characters allowed, got {value.Length}");
        }
    }
}

/// <summary>Size limits applied to every request, so an oversized array is refused up front.</summary>
public static class RequestLimits
{
    /// <summary>Calls in one transaction or outside execution.</summary>
    public const int MaxCalls = 64;

    /// <summary>Calldata felts of one call.</summary>
    public const int MaxCalldataPerCall = 1024;

    /// <summary>Calldata felts of a whole transaction (after <c>__execute__</c> encoding).</summary>
    public const int MaxTotalCalldata = 8192;

    /// <summary>Allowed methods of one session (one Merkle leaf each).</summary>
    public const int MaxAllowedMethods = 256;

    /// <summary>Length of a session's metadata string.</summary>
    public const int MaxMetadataLength = 4096;

    /// <summary>Felts of a session authorization.</summary>
    public const int MaxAuthorizationLength = 64;

    /// <summary>Length of an identifier such as a dapp id.</summary>
    public const int MaxIdLength = 128;
}
