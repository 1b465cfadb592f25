using System.Numerics;
using System.Runtime.CompilerServices;

namespace Starknet;

/// <summary>
/// An element of the Starknet base field, an integer in [0, p) with
/// p = 2^251 + 17·2^192 + 1 (spec §2.1). Stored as four 64-bit limbs in Montgomery form (R = 2^256),
/// so multiplication needs no division. All arithmetic is branch-free on the values (constant time),
/// which lets the same type serve signing code.
/// </summary>
/// <remarks>
/// Equality, hashing and ordering are defined on the canonical integer value. The default value is zero.
/// </remarks>
public readonly partial struct Felt : IEquatable<Felt>, IComparable<Felt>, IComparable
{
    // p in little-endian 64-bit limbs. p0 = 1 and p1 = p2 = 0, which the Montgomery reduction exploits.
    internal const ulong P0 = 1;
    internal const ulong P3 = 0x0800000000000011;

    // R^2 mod p (R = 2^256), used to enter Montgomery form.
    private const ulong R2_0 = 0xfffffd737e000401, R2_1 = 0x00000001330fffff, R2_2 = 0xffffffffff6f8000, R2_3 = 0x07ffd4ab5e008810;

    // R mod p: the Montgomery form of 1.
    private const ulong R_0 = 0xffffffffffffffe1, R_1 = 0xffffffffffffffff, R_2 = 0xffffffffffffffff, R_3 = 0x07fffffffffffdf0;

    /// <summary>The field prime p as a <see cref="BigInteger"/>.</summary>
    public static BigInteger Modulus { get; } = (BigInteger.One << 251) + (new BigInteger(17) << 192) + 1;

    // Montgomery-form limbs, little-endian: value·2^256 mod p.
    internal readonly ulong M0, M1, M2, M3;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Felt(ulong m0, ulong m1, ulong m2, ulong m3, bool montgomery)
    {
        _ = montgomery;
        M0 = m0; M1 = m1; M2 = m2; M3 = m3;
    }

    /// <summary>Creates the field element with the given small value.</summary>
    public Felt(ulong value) => this = FromCanonicalUnchecked(value, 0, 0, 0);

    /// <summary>The element 0.</summary>
    public static Felt Zero => default;

    /// <summary>The element 1.</summary>
    public static Felt One => new(R_0, R_1, R_2, R_3, true);

    /// <summary>The element p − 1 (that is, −1).</summary>
    public static Felt MinusOne => -One;

    /// <summary>Implicit conversion from a small unsigned value.</summary>
    public static implicit operator Felt(ulong value) => new(value);

    /// <summary>True when the element is 0.</summary>
    public bool IsZero => (M0 | M1 | M2 | M3) == 0;

    /// <summary>
    /// Creates an element from the little-endian 64-bit limbs of its canonical integer value.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not below p.</exception>
    public static Felt FromCanonicalLimbs(ulong l0, ulong l1, ulong l2, ulong l3)
    {
        if (!IsBelowModulus(l0, l1, l2, l3))
        {
            throw new ArgumentOutOfRangeException(nameof(l3), "The value is not a field element: it must be below p = 2^251 + 17·2^192 + 1.");
        }
        return FromCanonicalUnchecked(l0, l1, l2, l3);
    }

    /// <summary>
    /// Creates an element from limbs already known to be below p (no check).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Felt FromCanonicalUnchecked(ulong l0, ulong l1, ulong l2, ulong l3)
    {
        MontMul(l0, l1, l2, l3, R2_0, R2_1, R2_2, R2_3, out var r0, out var r1, out var r2, out var r3);
        return new Felt(r0, r1, r2, r3, true);
    }

    /// <summary>Writes the little-endian 64-bit limbs of the canonical integer value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ToCanonicalLimbs(out ulong l0, out ulong l1, out ulong l2, out ulong l3) =>
        MontMul(M0, M1, M2, M3, 1, 0, 0, 0, out l0, out l1, out l2, out l3);

    /// <summary>True when the 256-bit little-endian value is below p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsBelowModulus(ulong l0, ulong l1, ulong l2, ulong l3)
    {
        if (l3 != P3)
        {
            return l3 < P3;
        }
        return (l1 | l2) == 0 && l0 < P0;
    }

    /// <summary>Creates an element from an integer in [0, p).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or not below p.</exception>
    public static Felt FromBigInteger(BigInteger value)
    {
        if (value.Sign < 0 || value >= Modulus)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "The value is not a field element: it must be in [0, p) with p = 2^251 + 17·2^192 + 1.");
        }
        Span<byte> buffer = stackalloc byte[32];
        value.TryWriteBytes(buffer, out _, isUnsigned: true, isBigEndian: true);
        // TryWriteBytes writes the minimal number of bytes; right-align them.
        var written = value.GetByteCount(isUnsigned: true);
        return FromBytesBigEndian(buffer[..written]);
    }

    /// <summary>Reduces any integer (including negative ones) modulo p.</summary>
    public static Felt FromBigIntegerReduced(BigInteger value)
    {
        var reduced = BigInteger.Remainder(value, Modulus);
        if (reduced.Sign < 0)
        {
            reduced += Modulus;
        }
        return FromBigInteger(reduced);
    }

    /// <summary>Creates an element from 0 to 32 big-endian bytes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">More than 32 bytes, or the value is not below p.</exception>
    public static Felt FromBytesBigEndian(ReadOnlySpan<byte> bytes)
    {
        if (!TryFromBytesBigEndian(bytes, out var felt))
        {
            throw new ArgumentOutOfRangeException(nameof(bytes), bytes.Length > 32
                ? $"A field element has at most 32 bytes; got {bytes.Length}."
                : "The value is not a field element: it must be below p = 2^251 + 17·2^192 + 1.");
        }
        return felt;
    }

    /// <summary>Reads 0 to 32 big-endian bytes; false when there are more than 32 or the value is not below p.</summary>
    public static bool TryFromBytesBigEndian(ReadOnlySpan<byte> bytes, out Felt felt)
    {
        felt = default;
        if (bytes.Length > 32)
        {
            return false;
        }
        Span<byte> padded = stackalloc byte[32];
        padded.Clear();
        bytes.CopyTo(padded[(32 - bytes.Length)..]);
        var l3 = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(padded);
        var l2 = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(padded[8..]);
        var l1 = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(padded[16..]);
        var l0 = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(padded[24..]);
        if (!IsBelowModulus(l0, l1, l2, l3))
        {
            return false;
        }
        felt = FromCanonicalUnchecked(l0, l1, l2, l3);
        return true;
    }

    /// <summary>Writes the canonical value as 32 big-endian bytes.</summary>
    /// <exception cref="ArgumentException">The destination is shorter than 32 bytes.</exception>
    public void WriteBigEndian(Span<byte> destination)
    {
        if (destination.Length < 32)
        {
            throw new ArgumentException("The destination needs 32 bytes.", nameof(destination));
        }
        ToCanonicalLimbs(out var l0, out var l1, out var l2, out var l3);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(destination, l3);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(destination[8..], l2);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(destination[16..], l1);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(destination[24..], l0);
    }

    /// <summary>The canonical value as a new 32-byte big-endian array.</summary>
    public byte[] ToBytesBigEndian()
    {
        var bytes = new byte[32];
        WriteBigEndian(bytes);
        return bytes;
    }

    /// <summary>The canonical value as a non-negative <see cref="BigInteger"/>.</summary>
    public BigInteger ToBigInteger()
    {
        Span<byte> bytes = stackalloc byte[32];
        WriteBigEndian(bytes);
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
    }

    /// <summary>Explicit conversion to <see cref="BigInteger"/>.</summary>
    public static explicit operator BigInteger(Felt value) => value.ToBigInteger();

    /// <summary>The canonical value when it fits in 64 bits.</summary>
    /// <exception cref="OverflowException">The value needs more than 64 bits.</exception>
    public ulong ToUInt64()
    {
        ToCanonicalLimbs(out var l0, out var l1, out var l2, out var l3);
        return (l1 | l2 | l3) == 0 ? l0 : throw new OverflowException($"{this} does not fit in 64 bits.");
    }

    /// <summary>Creates an element from a 128-bit value (always below p).</summary>
    public static Felt FromUInt128(UInt128 value) => FromCanonicalUnchecked((ulong)value, (ulong)(value >> 64), 0, 0);

    /// <summary>The number of significant bits of the canonical value (0 for zero, at most 252).</summary>
    public int BitLength
    {
        get
        {
            ToCanonicalLimbs(out var l0, out var l1, out var l2, out var l3);
            if (l3 != 0) return 256 - BitOperations.LeadingZeroCount(l3);
            if (l2 != 0) return 192 - BitOperations.LeadingZeroCount(l2);
            if (l1 != 0) return 128 - BitOperations.LeadingZeroCount(l1);
            return 64 - BitOperations.LeadingZeroCount(l0);
        }
    }

    /// <summary>Equality of values.</summary>
    public bool Equals(Felt other) => ((M0 ^ other.M0) | (M1 ^ other.M1) | (M2 ^ other.M2) | (M3 ^ other.M3)) == 0;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Felt other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(M0, M1, M2, M3);

    /// <summary>Orders by canonical integer value.</summary>
    public int CompareTo(Felt other)
    {
        ToCanonicalLimbs(out var a0, out var a1, out var a2, out var a3);
        other.ToCanonicalLimbs(out var b0, out var b1, out var b2, out var b3);
        if (a3 != b3) return a3 < b3 ? -1 : 1;
        if (a2 != b2) return a2 < b2 ? -1 : 1;
        if (a1 != b1) return a1 < b1 ? -1 : 1;
        if (a0 != b0) return a0 < b0 ? -1 : 1;
        return 0;
    }

    /// <inheritdoc />
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        Felt other => CompareTo(other),
        _ => throw new ArgumentException("The object is not a Felt.", nameof(obj)),
    };

    /// <summary>Value equality.</summary>
    public static bool operator ==(Felt left, Felt right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(Felt left, Felt right) => !left.Equals(right);

    /// <summary>Compares canonical integer values.</summary>
    public static bool operator <(Felt left, Felt right) => left.CompareTo(right) < 0;

    /// <summary>Compares canonical integer values.</summary>
    public static bool operator >(Felt left, Felt right) => left.CompareTo(right) > 0;

    /// <summary>Compares canonical integer values.</summary>
    public static bool operator <=(Felt left, Felt right) => left.CompareTo(right) <= 0;

    /// <summary>Compares canonical integer values.</summary>
    public static bool operator >=(Felt left, Felt right) => left.CompareTo(right) >= 0;
}
