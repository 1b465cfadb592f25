using System.Numerics;
using System.Runtime.CompilerServices;

namespace Starknet;

public readonly partial struct Felt
{
    /// <summary>Sum modulo p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Felt operator +(Felt a, Felt b)
    {
        // a, b < p < 2^252, so the sum fits in 256 bits; one conditional subtraction reduces it.
        var s0 = AddCarry(a.M0, b.M0, 0, out var c);
        var s1 = AddCarry(a.M1, b.M1, c, out c);
        var s2 = AddCarry(a.M2, b.M2, c, out c);
        var s3 = a.M3 + b.M3 + c;
        return ReduceOnce(s0, s1, s2, s3);
    }

    /// <summary>Difference modulo p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Felt operator -(Felt a, Felt b)
    {
        var d0 = SubBorrow(a.M0, b.M0, 0, out var borrow);
        var d1 = SubBorrow(a.M1, b.M1, borrow, out borrow);
        var d2 = SubBorrow(a.M2, b.M2, borrow, out borrow);
        var d3 = a.M3 - b.M3 - borrow;
        // |a − b| < 2^252, so a negative difference shows in the top bit of the top limb; then add p back
        // (p = P0 + P3·2^192 with P0 = 1).
        var mask = (ulong)((long)d3 >> 63);
        var r0 = d0 + (P0 & mask); var c = r0 < d0 ? 1UL : 0UL;
        var r1 = d1 + c; c = r1 < c ? 1UL : 0UL;
        var r2 = d2 + c; c = r2 < c ? 1UL : 0UL;
        var r3 = d3 + (P3 & mask) + c;
        return new Felt(r0, r1, r2, r3, true);
    }

    /// <summary>Additive inverse modulo p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Felt operator -(Felt a) => Zero - a;

    /// <summary>Product modulo p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Felt operator *(Felt a, Felt b)
    {
        MontMul(a.M0, a.M1, a.M2, a.M3, b.M0, b.M1, b.M2, b.M3, out var r0, out var r1, out var r2, out var r3);
        return new Felt(r0, r1, r2, r3, true);
    }

    /// <summary>This element squared.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Felt Square() => this * this;

    /// <summary>This element times two.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Felt Double() => this + this;

    /// <summary>
    /// Returns <paramref name="a"/> when <paramref name="mask"/> is all ones and <paramref name="b"/> when it is zero,
    /// without branching (for constant-time table look-ups).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Felt ConditionalSelect(ulong mask, in Felt a, in Felt b) => new(
        (a.M0 & mask) | (b.M0 & ~mask),
        (a.M1 & mask) | (b.M1 & ~mask),
        (a.M2 & mask) | (b.M2 & ~mask),
        (a.M3 & mask) | (b.M3 & ~mask),
        true);

    /// <summary>
    /// Multiplicative inverse, by Fermat's little theorem (a^(p−2)); constant time.
    /// </summary>
    /// <exception cref="DivideByZeroException">The element is zero.</exception>
    public Felt Inverse()
    {
        if (IsZero)
        {
            throw new DivideByZeroException("Zero has no inverse in the field.");
        }
        return InverseOrZero();
    }

    /// <summary>
    /// The inverse for non-zero values and zero for zero, in constant time: the safegcd of
    /// <see cref="Curve.ConstantTimeInverse"/> (no branch or memory index on the value).
    /// </summary>
    internal Felt InverseOrZero()
    {
        // Montgomery limbs m = x·R: the integer inverse x⁻¹·R⁻¹ read as Montgomery limbs stands for x⁻¹·R⁻², and a
        // Montgomery product with the value R² gives x⁻¹ (as in VarTimeInverse.Invert).
        Curve.ConstantTimeInverse.InvertInteger(Curve.VarTimeInverse.FieldPrime, M0, M1, M2, M3, out var r0, out var r1, out var r2, out var r3);
        return new Felt(r0, r1, r2, r3, true) * Curve.VarTimeInverse.s_montgomeryFix;
    }

    /// <summary>This element squared <paramref name="count"/> times (x^(2^count)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Felt SquareTimes(int count)
    {
        var r = this;
        for (var i = 0; i < count; i++)
        {
            r = r * r;
        }
        return r;
    }

    /// <summary>Division: <paramref name="a"/> times the inverse of <paramref name="b"/>.</summary>
    /// <exception cref="DivideByZeroException"><paramref name="b"/> is zero.</exception>
    public static Felt operator /(Felt a, Felt b) => a * b.Inverse();

    /// <summary>This element raised to a non-negative integer power (square and multiply over the exponent's bits).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The exponent is negative.</exception>
    public Felt Pow(BigInteger exponent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(exponent.Sign, nameof(exponent));
        var result = One;
        for (var i = (int)exponent.GetBitLength() - 1; i >= 0; i--)
        {
            result = result.Square();
            if (!(exponent >> i).IsEven)
            {
                result *= this;
            }
        }
        return result;
    }

    /// <summary>This element raised to a 64-bit power.</summary>
    public Felt Pow(ulong exponent)
    {
        var result = One;
        for (var i = 63 - BitOperations.LeadingZeroCount(exponent); i >= 0; i--)
        {
            result = result.Square();
            if (((exponent >> i) & 1) != 0)
            {
                result *= this;
            }
        }
        return result;
    }

    /// <summary>
    /// Legendre symbol: 1 for a non-zero square, −1 for a non-square, 0 for zero (Euler's criterion, a^((p−1)/2)).
    /// </summary>
    public int Legendre()
    {
        // (p − 1)/2 = 2^250 + 17·2^191: square 59 times past x^(2^4 + 1) gives x^(17·2^59)... built step by step.
        var x = this;
        var r = x.SquareTimes(4) * x;           // x^17
        var top = x.SquareTimes(59);            // x^(2^59)
        r = (top * r).SquareTimes(191);         // x^((2^59 + 17)·2^191)
        if (r.IsZero) return 0;
        return r == One ? 1 : -1;
    }

    /// <summary>
    /// Square root by Tonelli–Shanks (p − 1 = 2^192·(2^59 + 17)). Returns false when the element is not a square.
    /// Either root may be returned. Variable time: use it only on public data.
    /// </summary>
    public bool TrySqrt(out Felt root)
    {
        root = Zero;
        if (IsZero) return true;
        if (Legendre() != 1) return false;

        const int s = 192;
        const ulong q = (1UL << 59) + 17;
        var c = SqrtNonResidueRoot;              // z^q for a non-residue z: a generator of the 2-Sylow subgroup
        var t = Pow(q);
        var r = Pow((q + 1) / 2);
        var m = s;
        while (t != One)
        {
            var i = 0;
            var t2 = t;
            while (t2 != One)
            {
                t2 = t2.Square();
                i++;
                if (i == m) return false;
            }
            var b = c.SquareTimes(m - i - 1);
            m = i;
            c = b.Square();
            t *= c;
            r *= b;
        }
        root = r;
        return true;
    }

    // 3 is a quadratic non-residue mod p; 3^q generates the subgroup of order 2^192.
    private static readonly Felt SqrtNonResidueRoot = new Felt(3).Pow((1UL << 59) + 17);

    /// <summary>
    /// Subtracts p once when the value (below 2p, so below 2^253) is at least p, without branching. p's middle limbs
    /// are zero and its low limb is 1, so the borrows are cheap, and the sign of t − p is the top bit of its top limb.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Felt ReduceOnce(ulong t0, ulong t1, ulong t2, ulong t3)
    {
        var d0 = t0 - P0;
        var b0 = t0 == 0 ? 1UL : 0UL;
        var d1 = t1 - b0;
        var b1 = b0 & (t1 == 0 ? 1UL : 0UL);
        var d2 = t2 - b1;
        var b2 = b1 & (t2 == 0 ? 1UL : 0UL);
        var d3 = t3 - P3 - b2;
        var keep = (ulong)((long)d3 >> 63); // all ones when t < p
        return new Felt(
            (t0 & keep) | (d0 & ~keep),
            (t1 & keep) | (d1 & ~keep),
            (t2 & keep) | (d2 & ~keep),
            (t3 & keep) | (d3 & ~keep),
            true);
    }

    /// <summary>
    /// Montgomery product a·b·2^-256 mod p, by the "no-carry" CIOS method (valid because p's top limb is below 2^63).
    /// The structure of p (p0 = 1, p1 = p2 = 0) makes −p^-1 mod 2^64 equal to 2^64 − 1, so the reduction factor is
    /// m = −t0 and t0 + m·p0 carries exactly when t0 ≠ 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void MontMul(ulong a0, ulong a1, ulong a2, ulong a3, ulong b0, ulong b1, ulong b2, ulong b3,
        out ulong r0, out ulong r1, out ulong r2, out ulong r3)
    {
        ulong t0 = 0, t1 = 0, t2 = 0, t3 = 0;
        Round(ref t0, ref t1, ref t2, ref t3, a0, a1, a2, a3, b0);
        Round(ref t0, ref t1, ref t2, ref t3, a0, a1, a2, a3, b1);
        Round(ref t0, ref t1, ref t2, ref t3, a0, a1, a2, a3, b2);
        Round(ref t0, ref t1, ref t2, ref t3, a0, a1, a2, a3, b3);
        var reduced = ReduceOnce(t0, t1, t2, t3);
        r0 = reduced.M0; r1 = reduced.M1; r2 = reduced.M2; r3 = reduced.M3;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref ulong t0, ref ulong t1, ref ulong t2, ref ulong t3,
        ulong a0, ulong a1, ulong a2, ulong a3, ulong bi)
    {
        // (A, t0) = t0 + a0·bi
        var hi = MulHigh(a0, bi); var lo = a0 * bi;
        var x0 = t0 + lo; var aCarry = hi + (x0 < lo ? 1UL : 0UL);
        // m = −x0 mod 2^64; x0 + m·p0 = x0 + m carries 1 iff x0 ≠ 0.
        var m = 0UL - x0;
        var c = (x0 | m) >> 63;

        // j = 1: (A, t1) = t1 + a1·bi + A; (C, t0) = t1 + m·p1 + C with p1 = 0.
        hi = MulHigh(a1, bi); lo = a1 * bi;
        lo += t1; hi += lo < t1 ? 1UL : 0UL;
        lo += aCarry; hi += lo < aCarry ? 1UL : 0UL;
        aCarry = hi;
        var n0 = lo + c; c = n0 < c ? 1UL : 0UL;

        // j = 2: same with p2 = 0.
        hi = MulHigh(a2, bi); lo = a2 * bi;
        lo += t2; hi += lo < t2 ? 1UL : 0UL;
        lo += aCarry; hi += lo < aCarry ? 1UL : 0UL;
        aCarry = hi;
        var n1 = lo + c; c = n1 < c ? 1UL : 0UL;

        // j = 3: (A, t3) = t3 + a3·bi + A; (C, t2) = t3 + m·P3 + C.
        hi = MulHigh(a3, bi); lo = a3 * bi;
        lo += t3; hi += lo < t3 ? 1UL : 0UL;
        lo += aCarry; hi += lo < aCarry ? 1UL : 0UL;
        aCarry = hi;
        var mh = MulHigh(m, P3); var ml = m * P3;
        ml += lo; mh += ml < lo ? 1UL : 0UL;
        ml += c; mh += ml < c ? 1UL : 0UL;
        var n2 = ml;

        t0 = n0; t1 = n1; t2 = n2;
        t3 = mh + aCarry;
    }

    /// <summary>
    /// The high 64 bits of a·b. The low half is computed separately as a plain multiplication: Math.BigMul's
    /// out-parameter forces the low half through memory, which costs more than a second multiply.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong MulHigh(ulong a, ulong b) =>
        System.Runtime.Intrinsics.X86.Bmi2.X64.IsSupported
            ? System.Runtime.Intrinsics.X86.Bmi2.X64.MultiplyNoFlags(a, b)
            : Math.BigMul(a, b, out _);

    /// <summary>a + b + carryIn with the carry out (0 or 1); branch-free.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong AddCarry(ulong a, ulong b, ulong carryIn, out ulong carryOut)
    {
        var s = a + b;
        var r = s + carryIn;
        carryOut = (s < a ? 1UL : 0UL) | (r < s ? 1UL : 0UL);
        return r;
    }

    /// <summary>a − b − borrowIn with the borrow out (0 or 1); branch-free.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong SubBorrow(ulong a, ulong b, ulong borrowIn, out ulong borrowOut)
    {
        var d = a - b;
        var r = d - borrowIn;
        borrowOut = (a < b ? 1UL : 0UL) | (d < borrowIn ? 1UL : 0UL);
        return r;
    }
}
