using System.Numerics;
using System.Runtime.CompilerServices;

namespace Starknet.Curve;

/// <summary>
/// An integer modulo the STARK curve order n = 0x800000000000010ffffffffffffffffb781126dcae7b2321e66a241adc64d2f
/// (spec §2.1), kept as four 64-bit limbs in Montgomery form (R = 2^256). Used for the ECDSA scalars k, d, r, s, w.
/// Every operation is branch-free on the values, so secret scalars (private key, nonce) can pass through it.
/// </summary>
internal readonly struct Scalar : IEquatable<Scalar>
{
    // n in little-endian 64-bit limbs.
    internal const ulong N0 = 0x1e66a241adc64d2f, N1 = 0xb781126dcae7b232, N2 = 0xffffffffffffffff, N3 = 0x0800000000000010;

    // −n^-1 mod 2^64, the Montgomery reduction factor.
    private const ulong NPrime = 0xbb6b3c4ce8bde631;

    // R mod n (the Montgomery form of 1) and R^2 mod n (to enter Montgomery form).
    private const ulong R_0 = 0x51925a0bf4fca74f, R_1 = 0xc75ec4b46df16bee, R_2 = 0x0000000000000008, R_3 = 0x07fffffffffffdf1;
    private const ulong R2_0 = 0x6021b3f1ea1c688d, R2_1 = 0x509cf64d14ce60b9, R2_2 = 0xbaf0ab4cf78bbabb, R2_3 = 0x07d9e57c2333766e;

    /// <summary>The curve order n.</summary>
    internal static readonly BigInteger Order = BigInteger.Parse("0800000000000010ffffffffffffffffb781126dcae7b2321e66a241adc64d2f", System.Globalization.NumberStyles.HexNumber);

    // The scalar whose value is R² mod n: it brings a raw integer inverse back into Montgomery form (see Inverse).
    private static readonly Scalar s_montgomeryFix = FromBigInteger(BigInteger.ModPow(2, 512, Order));

    // Montgomery-form limbs: value·2^256 mod n.
    private readonly ulong _m0, _m1, _m2, _m3;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Scalar(ulong m0, ulong m1, ulong m2, ulong m3)
    {
        _m0 = m0; _m1 = m1; _m2 = m2; _m3 = m3;
    }

    internal static Scalar Zero => default;

    internal static Scalar One => new(R_0, R_1, R_2, R_3);

    internal bool IsZero => (_m0 | _m1 | _m2 | _m3) == 0;

    /// <summary>Enters Montgomery form from canonical limbs known to be below n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Scalar FromCanonicalUnchecked(ulong l0, ulong l1, ulong l2, ulong l3)
    {
        MontMul(l0, l1, l2, l3, R2_0, R2_1, R2_2, R2_3, out var r0, out var r1, out var r2, out var r3);
        return new Scalar(r0, r1, r2, r3);
    }

    /// <summary>
    /// The field element's value reduced modulo n. Every felt is below p &lt; 2n, so one conditional
    /// subtraction (branch-free) is enough.
    /// </summary>
    internal static Scalar FromFeltReduced(in Felt value)
    {
        value.ToCanonicalLimbs(out var l0, out var l1, out var l2, out var l3);
        ReduceOnce(ref l0, ref l1, ref l2, ref l3);
        return FromCanonicalUnchecked(l0, l1, l2, l3);
    }

    /// <summary>Reduces any non-negative integer modulo n (tests and constants only; not constant time).</summary>
    internal static Scalar FromBigInteger(BigInteger value)
    {
        var v = BigInteger.Remainder(value, Order);
        if (v.Sign < 0)
        {
            v += Order;
        }
        Span<byte> bytes = stackalloc byte[32];
        bytes.Clear();
        v.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        return FromCanonicalUnchecked(
            BitConverter.ToUInt64(bytes), BitConverter.ToUInt64(bytes[8..]), BitConverter.ToUInt64(bytes[16..]), BitConverter.ToUInt64(bytes[24..]));
    }

    /// <summary>All ones when the 256-bit value l is below n, zero otherwise; branch-free.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong BelowOrderMask(ulong l0, ulong l1, ulong l2, ulong l3)
    {
        _ = Felt.SubBorrow(l0, N0, 0, out var borrow);
        _ = Felt.SubBorrow(l1, N1, borrow, out borrow);
        _ = Felt.SubBorrow(l2, N2, borrow, out borrow);
        _ = Felt.SubBorrow(l3, N3, borrow, out borrow);
        return 0UL - borrow;
    }

    /// <summary>True when the field element's value is below n (public data; no reduction).</summary>
    internal static bool IsBelowOrder(in Felt value)
    {
        value.ToCanonicalLimbs(out var l0, out var l1, out var l2, out var l3);
        return BelowOrderMask(l0, l1, l2, l3) != 0;
    }

    /// <summary>Writes the canonical value (in [0, n)) as little-endian limbs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void ToCanonicalLimbs(out ulong l0, out ulong l1, out ulong l2, out ulong l3) =>
        MontMul(_m0, _m1, _m2, _m3, 1, 0, 0, 0, out l0, out l1, out l2, out l3);

    /// <summary>The canonical value as a field element (n &lt; p, so it always fits).</summary>
    internal Felt ToFelt()
    {
        ToCanonicalLimbs(out var l0, out var l1, out var l2, out var l3);
        return Felt.FromCanonicalUnchecked(l0, l1, l2, l3);
    }

    internal BigInteger ToBigInteger() => ToFelt().ToBigInteger();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar operator +(Scalar a, Scalar b)
    {
        // a, b < n < 2^252: the sum fits in 256 bits.
        var s0 = Felt.AddCarry(a._m0, b._m0, 0, out var c);
        var s1 = Felt.AddCarry(a._m1, b._m1, c, out c);
        var s2 = Felt.AddCarry(a._m2, b._m2, c, out c);
        var s3 = a._m3 + b._m3 + c;
        ReduceOnce(ref s0, ref s1, ref s2, ref s3);
        return new Scalar(s0, s1, s2, s3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar operator -(Scalar a, Scalar b)
    {
        var d0 = Felt.SubBorrow(a._m0, b._m0, 0, out var borrow);
        var d1 = Felt.SubBorrow(a._m1, b._m1, borrow, out borrow);
        var d2 = Felt.SubBorrow(a._m2, b._m2, borrow, out borrow);
        var d3 = Felt.SubBorrow(a._m3, b._m3, borrow, out borrow);
        var mask = 0UL - borrow;
        d0 = Felt.AddCarry(d0, N0 & mask, 0, out var c);
        d1 = Felt.AddCarry(d1, N1 & mask, c, out c);
        d2 = Felt.AddCarry(d2, N2 & mask, c, out c);
        d3 += (N3 & mask) + c;
        return new Scalar(d0, d1, d2, d3);
    }

    public static Scalar operator -(Scalar a) => Zero - a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scalar operator *(Scalar a, Scalar b)
    {
        MontMul(a._m0, a._m1, a._m2, a._m3, b._m0, b._m1, b._m2, b._m3, out var r0, out var r1, out var r2, out var r3);
        return new Scalar(r0, r1, r2, r3);
    }

    internal Scalar Square() => this * this;

    /// <summary>
    /// The inverse for non-zero values and zero for zero, in constant time: the safegcd of
    /// <see cref="ConstantTimeInverse"/>, with no branch or memory index on the value (the signing nonce k passes here).
    /// </summary>
    internal Scalar Inverse()
    {
        // The limbs hold m = x·R mod n; the integer inverse m⁻¹ = x⁻¹·R⁻¹ read as Montgomery limbs stands for x⁻¹·R⁻², and
        // a Montgomery product with the value R² gives x⁻¹.
        ConstantTimeInverse.InvertInteger(Curve.VarTimeInverse.CurveOrder, _m0, _m1, _m2, _m3, out var r0, out var r1, out var r2, out var r3);
        return new Scalar(r0, r1, r2, r3) * s_montgomeryFix;
    }

    /// <summary>
    /// The inverse like <see cref="Inverse"/> (zero for zero), by the variable-time safegcd of
    /// <see cref="Curve.VarTimeInverse"/>, a little faster. Its running time depends on the value: only for public
    /// scalars, such as a signature's s; never for a nonce or a private key.
    /// </summary>
    internal Scalar InverseVarTime()
    {
        Curve.VarTimeInverse.InvertInteger(Curve.VarTimeInverse.CurveOrder, _m0, _m1, _m2, _m3, out var r0, out var r1, out var r2, out var r3);
        return new Scalar(r0, r1, r2, r3) * s_montgomeryFix;
    }

    public bool Equals(Scalar other) => ((_m0 ^ other._m0) | (_m1 ^ other._m1) | (_m2 ^ other._m2) | (_m3 ^ other._m3)) == 0;

    public override bool Equals(object? obj) => obj is Scalar other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_m0, _m1, _m2, _m3);

    public static bool operator ==(Scalar left, Scalar right) => left.Equals(right);

    public static bool operator !=(Scalar left, Scalar right) => !left.Equals(right);

    public override string ToString() => ToFelt().ToString();

    /// <summary>Subtracts n once when the value (below 2n) is at least n; branch-free.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ReduceOnce(ref ulong t0, ref ulong t1, ref ulong t2, ref ulong t3)
    {
        var d0 = Felt.SubBorrow(t0, N0, 0, out var borrow);
        var d1 = Felt.SubBorrow(t1, N1, borrow, out borrow);
        var d2 = Felt.SubBorrow(t2, N2, borrow, out borrow);
        var d3 = Felt.SubBorrow(t3, N3, borrow, out borrow);
        var keep = 0UL - borrow; // all ones when t < n
        t0 = (t0 & keep) | (d0 & ~keep);
        t1 = (t1 & keep) | (d1 & ~keep);
        t2 = (t2 & keep) | (d2 & ~keep);
        t3 = (t3 & keep) | (d3 & ~keep);
    }

    /// <summary>
    /// Montgomery product a·b·2^-256 mod n by the "no-carry" CIOS method, valid because n's top limb is below 2^63 − 1.
    /// Inputs below n give an output below n.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MontMul(ulong a0, ulong a1, ulong a2, ulong a3, ulong b0, ulong b1, ulong b2, ulong b3,
        out ulong r0, out ulong r1, out ulong r2, out ulong r3)
    {
        ulong t0 = 0, t1 = 0, t2 = 0, t3 = 0;
        Round(ref t0, ref t1, ref t2, ref t3, a0, a1, a2, a3, b0);
        Round(ref t0, ref t1, ref t2, ref t3, a0, a1, a2, a3, b1);
        Round(ref t0, ref t1, ref t2, ref t3, a0, a1, a2, a3, b2);
        Round(ref t0, ref t1, ref t2, ref t3, a0, a1, a2, a3, b3);
        ReduceOnce(ref t0, ref t1, ref t2, ref t3);
        r0 = t0; r1 = t1; r2 = t2; r3 = t3;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref ulong t0, ref ulong t1, ref ulong t2, ref ulong t3,
        ulong a0, ulong a1, ulong a2, ulong a3, ulong bi)
    {
        // (A, x0) = t0 + a0·bi; m = x0·n'; (C, _) = x0 + m·n0.
        var aHi = MulAdd(a0, bi, t0, 0, out var x0);
        var m = x0 * NPrime;
        var c = MulAdd(m, N0, x0, 0, out _);

        // j = 1..3: (A, xj) = tj + aj·bi + A; (C, t_{j-1}) = xj + m·nj + C.
        aHi = MulAdd(a1, bi, t1, aHi, out var x1);
        c = MulAdd(m, N1, x1, c, out t0);
        aHi = MulAdd(a2, bi, t2, aHi, out var x2);
        c = MulAdd(m, N2, x2, c, out t1);
        aHi = MulAdd(a3, bi, t3, aHi, out var x3);
        c = MulAdd(m, N3, x3, c, out t2);
        t3 = c + aHi;
    }

    /// <summary>
    /// a·b + c + d as a 128-bit value (it cannot overflow): returns the high word, writes the low word. The low half
    /// is a plain multiply rather than Math.BigMul's out-parameter, which the JIT keeps in memory.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MulAdd(ulong a, ulong b, ulong c, ulong d, out ulong lo)
    {
        var hi = Felt.MulHigh(a, b);
        var l = a * b;
        l += c;
        hi += l < c ? 1UL : 0UL;
        l += d;
        hi += l < d ? 1UL : 0UL;
        lo = l;
        return hi;
    }
}
