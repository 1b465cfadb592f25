using System.Globalization;
using System.Numerics;

namespace Starknet;

public readonly partial struct Felt : ISpanFormattable
{
    /// <summary>
    /// Parses a felt written as <c>0x</c>-prefixed hexadecimal (either case, any number of leading zeros)
    /// or as a non-negative decimal integer.
    /// </summary>
    /// <exception cref="FormatException">The text is not a number in one of those forms, or its value is not below p.</exception>
    public static Felt Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parse(text.AsSpan());
    }

    /// <inheritdoc cref="Parse(string)"/>
    public static Felt Parse(ReadOnlySpan<char> text) => TryParse(text, out var felt, out var error)
        ? felt
        : throw new FormatException($"'{Shorten(text)}' is not a felt: {error}.");

    /// <summary>Parses like <see cref="Parse(string)"/>; false instead of an exception.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Felt felt) => TryParse(text, out felt, out _);

    /// <summary>Parses like <see cref="Parse(string)"/>; false instead of an exception.</summary>
    public static bool TryParse(string? text, out Felt felt)
    {
        felt = default;
        return text is not null && TryParse(text.AsSpan(), out felt, out _);
    }

    private static bool TryParse(ReadOnlySpan<char> text, out Felt felt, out string error)
    {
        felt = default;
        if (text.Length >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
        {
            return TryParseHex(text[2..], out felt, out error);
        }
        if (text.IsEmpty)
        {
            error = "the text is empty";
            return false;
        }
        foreach (var ch in text)
        {
            if (ch is < '0' or > '9')
            {
                error = "expected 0x-prefixed hex or decimal digits";
                return false;
            }
        }
        var skip = 0;
        while (skip < text.Length - 1 && text[skip] == '0') skip++;
        if (text.Length - skip > 78) // p has 76 decimal digits
        {
            error = "the value is not below p";
            return false;
        }
        var value = BigInteger.Parse(text[skip..], NumberStyles.None, CultureInfo.InvariantCulture);
        if (value >= Modulus)
        {
            error = "the value is not below p";
            return false;
        }
        felt = FromBigInteger(value);
        error = "";
        return true;
    }

    private static bool TryParseHex(ReadOnlySpan<char> digits, out Felt felt, out string error)
    {
        felt = default;
        if (digits.IsEmpty)
        {
            error = "no hex digits after 0x";
            return false;
        }
        var start = 0;
        while (start < digits.Length - 1 && digits[start] == '0') start++;
        digits = digits[start..];
        if (digits.Length > 64)
        {
            error = "the value is not below p";
            return false;
        }
        // Right-aligned in 64 digits, then decoded by the runtime's vectorized hex decoder into 32 big-endian bytes.
        Span<char> padded = stackalloc char[64];
        padded[..(64 - digits.Length)].Fill('0');
        digits.CopyTo(padded[(64 - digits.Length)..]);
        Span<byte> bytes = stackalloc byte[32];
        if (Convert.FromHexString(padded, bytes, out _, out _) != System.Buffers.OperationStatus.Done)
        {
            var bad = 0;
            while (HexValue(digits[bad]) >= 0) bad++;
            error = $"'{digits[bad]}' is not a hex digit";
            return false;
        }
        var l0 = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]);
        var l1 = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]);
        var l2 = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        var l3 = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes);
        if (!IsBelowModulus(l0, l1, l2, l3))
        {
            error = "the value is not below p";
            return false;
        }
        felt = FromCanonicalUnchecked(l0, l1, l2, l3);
        error = "";
        return true;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private static string Shorten(ReadOnlySpan<char> text) => text.Length <= 80 ? text.ToString() : string.Concat(text[..77], "...");

    /// <summary>The value as <c>0x</c>-prefixed lowercase hexadecimal without leading zeros (<c>0x0</c> for zero), as in the vectors.</summary>
    public override string ToString()
    {
        Span<char> buffer = stackalloc char[66];
        TryFormat(buffer, out var written, default, null);
        return new string(buffer[..written]);
    }

    /// <summary>
    /// Formats the value. Format <c>""</c> or <c>"x"</c>: minimal <c>0x</c> hex; <c>"x64"</c>: <c>0x</c> and 64 zero-padded digits;
    /// <c>"d"</c>: decimal.
    /// </summary>
    public string ToString(string? format, IFormatProvider? formatProvider)
    {
        if (format is "d" or "D")
        {
            return ToBigInteger().ToString(CultureInfo.InvariantCulture);
        }
        Span<char> buffer = stackalloc char[66];
        return TryFormat(buffer, out var written, format, formatProvider)
            ? new string(buffer[..written])
            : throw new FormatException($"Unknown felt format '{format}'.");
    }

    /// <summary>The value in decimal.</summary>
    public string ToDecimalString() => ToString("d", null);

    /// <inheritdoc />
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        charsWritten = 0;
        bool padded;
        if (format.IsEmpty || format is "x")
        {
            padded = false;
        }
        else if (format is "x64")
        {
            padded = true;
        }
        else if (format is "d" or "D")
        {
            return ToBigInteger().TryFormat(destination, out charsWritten, default, CultureInfo.InvariantCulture);
        }
        else
        {
            return false;
        }

        ToCanonicalLimbs(out var l0, out var l1, out var l2, out var l3);
        Span<byte> bytes = stackalloc byte[32];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes, l3);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], l2);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes[16..], l1);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes[24..], l0);
        Span<char> digits = stackalloc char[64];
        Convert.TryToHexStringLower(bytes, digits, out _);
        var first = 0;
        if (!padded)
        {
            while (first < 63 && digits[first] == '0') first++;
        }
        var length = 2 + 64 - first;
        if (destination.Length < length)
        {
            return false;
        }
        destination[0] = '0';
        destination[1] = 'x';
        digits[first..].CopyTo(destination[2..]);
        charsWritten = length;
        return true;
    }
}
