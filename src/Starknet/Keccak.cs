using System.Buffers;
using System.Text;
using Org.BouncyCastle.Crypto.Digests;

namespace Starknet;

/// <summary>
/// Keccak-256 with the original Keccak padding (the Ethereum variant, <b>not</b> NIST SHA3-256), and
/// <c>starknet_keccak</c> (spec §2.2).
/// </summary>
internal static class Keccak
{
    /// <summary>Length of a Keccak-256 digest in bytes.</summary>
    public const int HashLength = 32;

    // KeccakDigest keeps ~300 bytes of state; one per thread avoids an allocation per hash. DoFinal resets it.
    [ThreadStatic]
    private static KeccakDigest? t_digest;

    /// <summary>Writes Keccak-256(<paramref name="data"/>) into the first 32 bytes of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
    public static void Keccak256(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (destination.Length < HashLength)
        {
            throw new ArgumentException("The destination needs 32 bytes.", nameof(destination));
        }
        var digest = t_digest ??= new KeccakDigest(256);
        digest.BlockUpdate(data);
        digest.DoFinal(destination);
    }

    /// <summary>
    /// <c>starknet_keccak(data) = keccak256(data) &amp; (2^250 − 1)</c>: the Keccak-256 digest read as a big-endian
    /// integer with its top 6 bits cleared, so the result is in [0, 2^250) and always a field element.
    /// </summary>
    public static Felt StarknetKeccak(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[HashLength];
        Keccak256(data, hash);
        hash[0] &= 0x03;
        return Felt.FromBytesBigEndian(hash);
    }

    /// <summary><c>starknet_keccak</c> of the UTF-8 encoding of <paramref name="text"/> (what starknet.js does).</summary>
    public static Felt StarknetKeccak(ReadOnlySpan<char> text)
    {
        const int StackLimit = 256;
        var maxBytes = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        Span<byte> buffer = maxBytes <= StackLimit
            ? stackalloc byte[StackLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            var length = Encoding.UTF8.GetBytes(text, buffer);
            return StarknetKeccak(buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}

/// <summary>
/// Starknet entry-point selectors (spec §2.2): <c>selector(name) = starknet_keccak(utf8(name))</c>,
/// i.e. Keccak-256 with the original (Ethereum) padding, masked to its low 250 bits.
/// </summary>
public static class Selector
{
    /// <summary>
    /// The selector of the entry point <paramref name="name"/>, e.g. <c>"transfer"</c> →
    /// <c>0x83afd3f4caedc6eebf44246fe54e38c95e3179a5ec9ea81740eca5b482d12e</c>. The name is hashed as UTF-8
    /// exactly as given; there is no special case for <c>__default__</c> or <c>__l1_default__</c> (starknet.js has none).
    /// </summary>
    /// <param name="name">The entry-point name; any string, including the empty one.</param>
    /// <returns>A felt in [0, 2^250).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    public static Felt FromName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Keccak.StarknetKeccak(name.AsSpan());
    }

    /// <summary>
    /// <c>starknet_keccak(data) = keccak256(data) &amp; (2^250 − 1)</c> over raw bytes (spec §2.2). This is also how
    /// SNIP-12 type hashes are made from encoded type strings.
    /// </summary>
    /// <param name="data">Bytes to hash, of any length.</param>
    /// <returns>A felt in [0, 2^250).</returns>
    public static Felt StarknetKeccak(ReadOnlySpan<byte> data) => Keccak.StarknetKeccak(data);
}
