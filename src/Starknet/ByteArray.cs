namespace Starknet;

/// <summary>
/// Serde serialization of Cairo's <c>ByteArray</c> (spec §2.2), as built by starknet.js
/// <c>byteArray.byteArrayFromString</c>: <c>[k, w_1..w_k, pending_word, pending_word_len]</c>. The data is cut into
/// 31-byte chunks; the <c>w_i</c> are the full chunks as big-endian felts and the last partial chunk (0–30 bytes) is
/// the pending word. When the length is a multiple of 31 the last full chunk stays a word and the pending word is 0
/// with length 0; the empty input gives <c>[0, 0, 0]</c>.
/// </summary>
public static class ByteArray
{
    /// <summary>Bytes per full word: 31.</summary>
    public const int WordLength = 31;

    /// <summary>The number of felts in the serialization of <paramref name="byteCount"/> bytes: <c>byteCount / 31 + 3</c>.</summary>
    /// <param name="byteCount">Length of the data in bytes, at least 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="byteCount"/> is negative.</exception>
    public static int GetSerializedLength(int byteCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteCount);
        return byteCount / WordLength + 3;
    }

    /// <summary>
    /// Serializes an ASCII string. Like the reference (starknet.js), non-ASCII text is rejected: encode it to bytes
    /// yourself (e.g. UTF-8) and use <see cref="Serialize(ReadOnlySpan{byte})"/> if a contract expects those bytes.
    /// </summary>
    /// <remarks>
    /// Every ASCII character is stored as its full byte, as Cairo does. starknet.js mis-encodes characters below 0x10
    /// and line terminators (spec §2.2), so text that must hash like JS should stay printable.
    /// </remarks>
    /// <param name="text">ASCII text (code points 0x00–0x7F) of any length.</param>
    /// <returns><c>text.Length / 31 + 3</c> felts.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="text"/> contains a non-ASCII character.</exception>
    public static Felt[] Serialize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bad = CairoShortString.IndexOfNonAscii(text);
        if (bad >= 0)
        {
            throw new ArgumentException(
                $"ByteArray.Serialize(string) accepts ASCII only (as starknet.js does); the text has U+{(int)text[bad]:X4} at index {bad}.",
                nameof(text));
        }
        var result = new Felt[GetSerializedLength(text.Length)];
        WriteAscii(text, result);
        return result;
    }

    /// <summary>Serializes raw bytes (for example UTF-8 text), exactly as Cairo's <c>ByteArray</c> Serde does.</summary>
    /// <param name="bytes">The data, any length.</param>
    /// <returns><c>bytes.Length / 31 + 3</c> felts.</returns>
    public static Felt[] Serialize(ReadOnlySpan<byte> bytes)
    {
        var result = new Felt[GetSerializedLength(bytes.Length)];
        Serialize(bytes, result);
        return result;
    }

    /// <summary>Serializes raw bytes into <paramref name="destination"/> and returns the number of felts written.</summary>
    /// <param name="bytes">The data, any length.</param>
    /// <param name="destination">At least <see cref="GetSerializedLength"/> felts.</param>
    /// <returns>The number of felts written, <c>bytes.Length / 31 + 3</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public static int Serialize(ReadOnlySpan<byte> bytes, Span<Felt> destination)
    {
        var count = GetSerializedLength(bytes.Length);
        if (destination.Length < count)
        {
            throw new ArgumentException($"The destination needs {count} felts.", nameof(destination));
        }
        var fullWords = bytes.Length / WordLength;
        destination[0] = new Felt((ulong)fullWords);
        for (var i = 0; i < fullWords; i++)
        {
            destination[1 + i] = Felt.FromBytesBigEndian(bytes.Slice(i * WordLength, WordLength));
        }
        var pending = bytes[(fullWords * WordLength)..];
        destination[1 + fullWords] = Felt.FromBytesBigEndian(pending);
        destination[2 + fullWords] = new Felt((ulong)pending.Length);
        return count;
    }

    /// <summary>
    /// Reads a serialization back into bytes. Each word must be below 2^248, the pending length in [0, 30] and the
    /// pending word below 2^(8·length).
    /// </summary>
    /// <param name="serialized">Exactly <c>[k, w_1..w_k, pending_word, pending_word_len]</c>.</param>
    /// <returns>The <c>31·k + pending_word_len</c> bytes.</returns>
    /// <exception cref="FormatException">The felts are not a well-formed serialization.</exception>
    public static byte[] Deserialize(ReadOnlySpan<Felt> serialized)
    {
        if (serialized.Length < 3)
        {
            throw new FormatException($"A ByteArray serialization has at least 3 felts; got {serialized.Length}.");
        }
        var words = serialized[0].BitLength <= 31 ? (long)serialized[0].ToUInt64() : long.MaxValue;
        if (words != serialized.Length - 3)
        {
            throw new FormatException($"The word count {serialized[0]} does not match the {serialized.Length} felts given (expected count + 3).");
        }
        var pendingLength = serialized[^1].BitLength <= 5 ? (int)serialized[^1].ToUInt64() : int.MaxValue;
        if (pendingLength >= WordLength)
        {
            throw new FormatException($"The pending word length {serialized[^1]} is not in [0, 30].");
        }
        var result = new byte[words * WordLength + pendingLength];
        Span<byte> buffer = stackalloc byte[32];
        for (var i = 0; i < words; i++)
        {
            serialized[1 + i].WriteBigEndian(buffer);
            if (buffer[0] != 0)
            {
                throw new FormatException($"Word {i} ({serialized[1 + i]}) does not fit in 31 bytes.");
            }
            buffer[1..].CopyTo(result.AsSpan(i * WordLength));
        }
        serialized[^2].WriteBigEndian(buffer);
        if (buffer[..(32 - pendingLength)].IndexOfAnyExcept((byte)0) >= 0)
        {
            throw new FormatException($"The pending word {serialized[^2]} does not fit in {pendingLength} bytes.");
        }
        buffer[(32 - pendingLength)..].CopyTo(result.AsSpan((int)words * WordLength));
        return result;
    }

    /// <summary>
    /// Poseidon hash-many of the serialization of ASCII <paramref name="text"/> (the SNIP-12 rev 1 <c>string</c>
    /// encoding, spec §3), streamed without building the array. The caller has checked that the text is ASCII.
    /// </summary>
    internal static Felt PoseidonHashAscii(ReadOnlySpan<char> text)
    {
        var hasher = new PoseidonHasher();
        var fullWords = text.Length / WordLength;
        hasher.Update(new Felt((ulong)fullWords));
        for (var i = 0; i < fullWords; i++)
        {
            hasher.Update(CairoShortString.EncodeAsciiUnchecked(text.Slice(i * WordLength, WordLength)));
        }
        var pending = text[(fullWords * WordLength)..];
        hasher.Update(CairoShortString.EncodeAsciiUnchecked(pending));
        hasher.Update(new Felt((ulong)pending.Length));
        return hasher.Finish();
    }

    private static void WriteAscii(ReadOnlySpan<char> text, Span<Felt> destination)
    {
        var fullWords = text.Length / WordLength;
        destination[0] = new Felt((ulong)fullWords);
        for (var i = 0; i < fullWords; i++)
        {
            destination[1 + i] = CairoShortString.EncodeAsciiUnchecked(text.Slice(i * WordLength, WordLength));
        }
        var pending = text[(fullWords * WordLength)..];
        destination[1 + fullWords] = CairoShortString.EncodeAsciiUnchecked(pending);
        destination[2 + fullWords] = new Felt((ulong)pending.Length);
    }
}
