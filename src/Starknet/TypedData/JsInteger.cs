using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace Starknet;

/// <summary>
/// An integer read from typed-data JSON the way starknet.js reads it with JavaScript <c>BigInt(value)</c>:
/// a sign and a magnitude of up to 256 bits (larger magnitudes only set <see cref="Overflow"/>).
/// </summary>
internal readonly struct JsInteger
{
    private const ulong P3 = 0x0800000000000011; // p = 2^251 + 17·2^192 + 1 → limbs (1, 0, 0, P3)

    // 2^53: JavaScript numbers are IEEE doubles, exact up to this magnitude.
    private const long MaxSafeInteger = 1L << 53;

    public readonly ulong L0, L1, L2, L3;
    public readonly bool Negative;
    public readonly bool Overflow;

    private JsInteger(ulong l0, ulong l1, ulong l2, ulong l3, bool negative, bool overflow)
    {
        L0 = l0; L1 = l1; L2 = l2; L3 = l3;
        // −0 is 0 (BigInt has no negative zero).
        Negative = negative && (overflow || (l0 | l1 | l2 | l3) != 0);
        Overflow = overflow;
    }

    public bool IsZero => !Overflow && (L0 | L1 | L2 | L3) == 0;

    /// <summary>True for 0 ≤ value &lt; p.</summary>
    public bool IsFelt => !Negative && !Overflow && (L3 < P3 || (L3 == P3 && (L1 | L2) == 0 && L0 == 0));

    /// <summary>True for 0 ≤ value &lt; 2^128.</summary>
    public bool IsU128 => !Negative && !Overflow && (L2 | L3) == 0;

    /// <summary>True for −2^127 ≤ value &lt; 2^127.</summary>
    public bool IsI128 => !Overflow && (L2 | L3) == 0 &&
        (Negative ? (L1 < 1UL << 63 || (L1 == 1UL << 63 && L0 == 0)) : L1 < 1UL << 63);

    /// <summary>The felt for a value already checked with <see cref="IsFelt"/>.</summary>
    public Felt ToFelt() => Felt.FromCanonicalLimbs(L0, L1, L2, L3);

    /// <summary>The value mod p for a value checked with <see cref="IsI128"/>: negative values become p + v.</summary>
    public Felt ToFeltFromI128()
    {
        var magnitude = Felt.FromCanonicalLimbs(L0, L1, 0, 0);
        return Negative ? -magnitude : magnitude;
    }

    /// <summary>
    /// Reads a JSON number, string or boolean as JavaScript <c>BigInt()</c> does. Numbers are IEEE doubles first,
    /// as in JavaScript: integer literals above 2^53 are rounded to the nearest double, fractions are rejected.
    /// </summary>
    /// <returns>Null when the value is not an integer to JS (then <paramref name="problem"/> says why).</returns>
    public static JsInteger? FromJson(JsonElement element, out string? problem)
    {
        problem = null;
        switch (element.ValueKind)
        {
            case JsonValueKind.Number:
                return FromJsonNumber(element, out problem);
            case JsonValueKind.String:
                var result = TryParseString(element.GetString().AsSpan(), out var value) ? value : (JsInteger?)null;
                if (result is null)
                {
                    problem = "not an integer";
                }
                return result;
            case JsonValueKind.True:
                return new JsInteger(1, 0, 0, 0, false, false);
            case JsonValueKind.False:
                return default(JsInteger);
            default:
                problem = $"expected a number or a string, got {Describe(element.ValueKind)}";
                return null;
        }
    }

    private static JsInteger? FromJsonNumber(JsonElement element, out string? problem)
    {
        problem = null;
        if (element.TryGetInt64(out var exact) && exact is >= -MaxSafeInteger and <= MaxSafeInteger)
        {
            return FromInt64(exact);
        }
        if (!element.TryGetDouble(out var d) || !double.IsFinite(d))
        {
            problem = "the number is not finite as a JavaScript number";
            return null;
        }
        if (Math.Floor(d) != d)
        {
            problem = "the number is not an integer";
            return null;
        }
        return FromBigInteger(new BigInteger(d));
    }

    private static JsInteger FromInt64(long value)
    {
        var magnitude = value < 0 ? (ulong)(-value) : (ulong)value;
        return new JsInteger(magnitude, 0, 0, 0, value < 0, false);
    }

    private static JsInteger FromBigInteger(BigInteger value)
    {
        var negative = value.Sign < 0;
        var magnitude = BigInteger.Abs(value);
        if (magnitude.GetBitLength() > 256)
        {
            return new JsInteger(0, 0, 0, 0, negative, true);
        }
        Span<byte> bytes = stackalloc byte[32];
        bytes.Clear();
        magnitude.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        return new JsInteger(
            BinaryPrimitives.ReadUInt64LittleEndian(bytes),
            BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]),
            negative,
            false);
    }

    /// <summary>
    /// JavaScript <c>StringToBigInt</c>: surrounding JS white space is ignored; empty (or all white space) is 0;
    /// <c>0x</c>/<c>0o</c>/<c>0b</c> prefixes (either case, no sign, at least one digit); otherwise an optionally
    /// signed run of decimal digits. No separators, fractions or exponents.
    /// </summary>
    public static bool TryParseString(ReadOnlySpan<char> text, out JsInteger value)
    {
        value = default;
        var start = 0;
        var end = text.Length;
        while (start < end && IsJsWhiteSpace(text[start]))
        {
            start++;
        }
        while (end > start && IsJsWhiteSpace(text[end - 1]))
        {
            end--;
        }
        var s = text[start..end];
        if (s.IsEmpty)
        {
            return true;
        }
        if (s.Length >= 2 && s[0] == '0')
        {
            var radix = s[1] switch
            {
                'x' or 'X' => 16u,
                'o' or 'O' => 8u,
                'b' or 'B' => 2u,
                _ => 0u,
            };
            if (radix != 0)
            {
                return TryAccumulate(s[2..], radix, false, out value);
            }
        }
        var negative = false;
        if (s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        return TryAccumulate(s, 10, negative, out value);
    }

    private static bool TryAccumulate(ReadOnlySpan<char> digits, uint radix, bool negative, out JsInteger value)
    {
        value = default;
        if (digits.IsEmpty)
        {
            return false;
        }
        ulong l0 = 0, l1 = 0, l2 = 0, l3 = 0;
        var overflow = false;
        foreach (var c in digits)
        {
            uint digit = c switch
            {
                >= '0' and <= '9' => (uint)(c - '0'),
                >= 'a' and <= 'z' => (uint)(c - 'a' + 10),
                >= 'A' and <= 'Z' => (uint)(c - 'A' + 10),
                _ => uint.MaxValue,
            };
            if (digit >= radix)
            {
                return false;
            }
            if (overflow)
            {
                continue; // keep validating the syntax
            }
            var carry = (ulong)digit;
            l0 = MulAdd(l0, radix, ref carry);
            l1 = MulAdd(l1, radix, ref carry);
            l2 = MulAdd(l2, radix, ref carry);
            l3 = MulAdd(l3, radix, ref carry);
            overflow = carry != 0;
        }
        value = new JsInteger(l0, l1, l2, l3, negative, overflow);
        return true;
    }

    private static ulong MulAdd(ulong limb, ulong factor, ref ulong carry)
    {
        var high = Math.BigMul(limb, factor, out var low);
        var sum = low + carry;
        carry = high + (sum < low ? 1UL : 0UL);
        return sum;
    }

    /// <summary>ECMAScript WhiteSpace and LineTerminator code points (what <c>String.prototype.trim</c> removes).</summary>
    private static bool IsJsWhiteSpace(char c) => c switch
    {
        '\t' or '\n' or '\v' or '\f' or '\r' or ' ' or '\u00A0' or '\u1680' or '\u2028' or '\u2029' or '\u202F'
            or '\u205F' or '\u3000' or '\uFEFF' => true,
        >= '\u2000' and <= '\u200A' => true,
        _ => false,
    };

    /// <summary>Decimal text of the value, for error messages.</summary>
    public override string ToString()
    {
        if (Overflow)
        {
            return Negative ? "a negative number below -2^256" : "a number of 2^256 or more";
        }
        Span<byte> bytes = stackalloc byte[32];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, L0);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], L1);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[16..], L2);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[24..], L3);
        var magnitude = new BigInteger(bytes, isUnsigned: true, isBigEndian: false);
        return (Negative ? -magnitude : magnitude).ToString(CultureInfo.InvariantCulture);
    }

    internal static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
