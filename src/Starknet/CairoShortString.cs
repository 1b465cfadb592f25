namespace Starknet;

/// <summary>
/// Cairo short strings (spec §2.2): at most 31 ASCII characters read as one big-endian integer, e.g.
/// <c>'session-token'</c> = <c>0x73657373696f6e2d746f6b656e</c>. The value is always below 2^248, hence a felt.
/// </summary>
public static class CairoShortString
{
    /// <summary>The maximum number of characters (bytes) of a short string: 31.</summary>
    public const int MaxLength = 31;

    /// <summary>
    /// Encodes <paramref name="text"/> (0 to 31 ASCII characters, code points 0x00–0x7F) as a felt: the ASCII bytes
    /// read as a big-endian integer. The empty string is 0.
    /// </summary>
    /// <remarks>
    /// Every ASCII character is encoded as its full byte. starknet.js mis-encodes characters below 0x10 and line
    /// terminators (spec §2.2); this method does not copy that, so keep such text printable when it must match JS.
    /// A leading NUL character does not change the value, so such text does not survive <see cref="Decode"/>.
    /// </remarks>
    /// <param name="text">The text, 0 to 31 ASCII characters.</param>
    /// <returns>A felt in [0, 2^248).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException">The text is longer than 31 characters or contains a non-ASCII character.</exception>
    public static Felt Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            throw new ArgumentException(
                $"A Cairo short string holds at most {MaxLength} ASCII characters; '{Shorten(text)}' has {text.Length}.", nameof(text));
        }
        var bad = IndexOfNonAscii(text);
        if (bad >= 0)
        {
            throw new ArgumentException(
                $"A Cairo short string must be ASCII; '{Shorten(text)}' has U+{(int)text[bad]:X4} at index {bad}.", nameof(text));
        }
        return EncodeAsciiUnchecked(text);
    }

    /// <summary>Encodes like <see cref="Encode"/>; false (and zero) when the text is too long or not ASCII.</summary>
    /// <param name="text">The text to encode.</param>
    /// <param name="value">The encoded felt, or zero on failure.</param>
    /// <returns>True when <paramref name="text"/> is 0 to 31 ASCII characters.</returns>
    public static bool TryEncode(ReadOnlySpan<char> text, out Felt value)
    {
        if (text.Length > MaxLength || IndexOfNonAscii(text) >= 0)
        {
            value = Felt.Zero;
            return false;
        }
        value = EncodeAsciiUnchecked(text);
        return true;
    }

    /// <summary>
    /// Decodes a felt as a short string: its big-endian bytes without leading zero bytes, each read as an ASCII
    /// character. Zero decodes to the empty string; zero bytes after the first non-zero byte are kept as U+0000.
    /// </summary>
    /// <param name="value">A felt below 2^248 whose significant bytes are all at most 0x7F.</param>
    /// <returns>The text, 0 to 31 characters.</returns>
    /// <exception cref="ArgumentException">The value needs 32 bytes, or one of its bytes is not ASCII.</exception>
    public static string Decode(Felt value) =>
        TryDecode(value, out var text, out var error)
            ? text
            : throw new ArgumentException($"{value} is not a Cairo short string: {error}.", nameof(value));

    /// <summary>Decodes like <see cref="Decode"/>; false (and null) when the value is not a short string.</summary>
    /// <param name="value">The felt to decode.</param>
    /// <param name="text">The decoded text, or null on failure.</param>
    /// <returns>True when the value is below 2^248 and all its significant bytes are ASCII.</returns>
    public static bool TryDecode(Felt value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? text)
    {
        var ok = TryDecode(value, out var decoded, out _);
        text = ok ? decoded : null;
        return ok;
    }

    private static bool TryDecode(Felt value, out string text, out string error)
    {
        Span<byte> bytes = stackalloc byte[32];
        value.WriteBigEndian(bytes);
        text = "";
        if (bytes[0] != 0)
        {
            error = "it needs 32 bytes and a short string has at most 31";
            return false;
        }
        var start = 1;
        while (start < 32 && bytes[start] == 0)
        {
            start++;
        }
        var significant = bytes[start..];
        for (var i = 0; i < significant.Length; i++)
        {
            if (significant[i] > 0x7F)
            {
                error = $"byte 0x{significant[i]:x2} at position {i} is not ASCII";
                return false;
            }
        }
        text = string.Create(significant.Length, value, static (chars, v) =>
        {
            Span<byte> b = stackalloc byte[32];
            v.WriteBigEndian(b);
            var source = b[(32 - chars.Length)..];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = (char)source[i];
            }
        });
        error = "";
        return true;
    }

    /// <summary>Encodes at most 31 characters already known to be ASCII (no checks).</summary>
    internal static Felt EncodeAsciiUnchecked(ReadOnlySpan<char> text)
    {
        Span<byte> bytes = stackalloc byte[32];
        bytes.Clear();
        var offset = 32 - text.Length;
        for (var i = 0; i < text.Length; i++)
        {
            bytes[offset + i] = (byte)text[i];
        }
        return Felt.FromBytesBigEndian(bytes);
    }

    /// <summary>Index of the first character above 0x7F, or −1.</summary>
    internal static int IndexOfNonAscii(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] > 0x7F)
            {
                return i;
            }
        }
        return -1;
    }

    internal static string Shorten(ReadOnlySpan<char> text) =>
        text.Length <= 64 ? text.ToString() : string.Concat(text[..61], "...");
}
