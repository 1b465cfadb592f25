using System.Numerics;
using System.Runtime.CompilerServices;

namespace Starknet.Curve;

/// <summary>
/// Variable-time modular inversion by the Bernstein–Yang "safegcd" divstep algorithm ("Fast constant-time gcd
/// computation and modular inversion", 2019), in the variable-time form used by libsecp256k1's
/// <c>secp256k1_modinv64_var</c>: batches of 62 divsteps on the low limbs produce a 2×2 transition matrix that is then
/// applied to the full-width values, which are kept as five signed 62-bit limbs. It serves both moduli of the curve:
/// the field prime p and the group order n (see <see cref="Scalar.InverseVarTime"/>). It stops as soon as g reaches 0
/// and skips runs of zero bits, so it is somewhat faster than the constant-time <see cref="ConstantTimeInverse"/>
/// (`crypto` bench: ~1.9 µs against ~2.2 µs for the field), and its running time depends on the input: only for
/// public values (Pedersen, verification, table building, a signature's s); secret values use
/// <see cref="Felt.Inverse"/> and <see cref="Scalar.Inverse"/>, which take the constant-time path.
/// </summary>
internal static class VarTimeInverse
{
    private const ulong M62 = ulong.MaxValue >> 2;

    /// <summary>An odd modulus below 2^256 in signed 62-bit limbs, with its inverse modulo 2^62.</summary>
    internal readonly struct OddModulus(long l0, long l1, long l2, long l3, long l4, ulong inv62)
    {
        public readonly long L0 = l0, L1 = l1, L2 = l2, L3 = l3, L4 = l4;
        public readonly ulong Inv62 = inv62;
    }

    /// <summary>p = 2^251 + 17·2^192 + 1: 2^192 = 2^(3·62 + 6), 2^251 = 2^(4·62 + 3); p ≡ 1 (mod 2^62).</summary>
    internal static readonly OddModulus FieldPrime = new(1, 0, 0, 17L << 6, 1L << 3, 1);

    /// <summary>The curve order n = 0x800000000000010ffffffffffffffffb781126dcae7b2321e66a241adc64d2f.</summary>
    internal static readonly OddModulus CurveOrder = new(
        0x1e66a241adc64d2f, 0x1e0449b72b9ec8c8, 0x3ffffffffffffffb, 0x43f, 0x8, 0x0494c3b3174219cf);

    // The element whose Montgomery form is R³ mod p (value R² mod p): multiplying a raw inverse by it re-enters
    // Montgomery form (see Invert).
    internal static readonly Felt s_montgomeryFix = Felt.FromBigInteger(BigInteger.ModPow(2, 512, Felt.Modulus));

    /// <summary>x⁻¹ for non-zero x; throws for zero like <see cref="Felt.Inverse"/>.</summary>
    internal static Felt Invert(in Felt x)
    {
        if (x.IsZero)
        {
            throw new DivideByZeroException("Zero has no inverse in the field.");
        }
        // x is stored as m = x·R mod p. The integer inverse m⁻¹ = x⁻¹·R⁻¹; read as Montgomery limbs it stands for
        // x⁻¹·R⁻², and a Montgomery product with the value R² gives x⁻¹.
        InvertInteger(FieldPrime, x.M0, x.M1, x.M2, x.M3, out var r0, out var r1, out var r2, out var r3);
        return new Felt(r0, r1, r2, r3, true) * s_montgomeryFix;
    }

    /// <summary>
    /// The inverse modulo <paramref name="m"/> of the integer a, which must be below m and coprime to it (non-zero for
    /// a prime m); little-endian 64-bit limbs in and out, the result in [0, m).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void InvertInteger(in OddModulus m, ulong a0, ulong a1, ulong a2, ulong a3, out ulong r0, out ulong r1, out ulong r2, out ulong r3)
    {
        // d = 0, e = 1, f = m, g = a, eta = −1 (eta = −delta, delta = 1).
        long d0 = 0, d1 = 0, d2 = 0, d3 = 0, d4 = 0;
        long e0 = 1, e1 = 0, e2 = 0, e3 = 0, e4 = 0;
        Span<long> f = [m.L0, m.L1, m.L2, m.L3, m.L4];
        Span<long> g = stackalloc long[5];
        Split62(a0, a1, a2, a3, g);
        var len = 5;
        long eta = -1;
        while (true)
        {
            eta = DivSteps62(eta, (ulong)f[0], (ulong)g[0], out var u, out var v, out var q, out var r);
            UpdateDe(m, ref d0, ref d1, ref d2, ref d3, ref d4, ref e0, ref e1, ref e2, ref e3, ref e4, u, v, q, r);
            UpdateFg(len, f, g, u, v, q, r);
            if (g[0] == 0)
            {
                long any = 0;
                for (var j = 1; j < len; j++)
                {
                    any |= g[j];
                }
                if (any == 0)
                {
                    break;
                }
            }
            // Shorten when limb len−1 of both f and g is 0 or −1, folding its sign into the limb below.
            var fn = f[len - 1];
            var gn = g[len - 1];
            var cond = ((long)len - 2) >> 63;
            cond |= fn ^ (fn >> 63);
            cond |= gn ^ (gn >> 63);
            if (cond == 0)
            {
                f[len - 2] |= (long)((ulong)fn << 62);
                g[len - 2] |= (long)((ulong)gn << 62);
                len--;
            }
        }
        // Now f = ±1 and d = ±a⁻¹ in (−2m, m): normalise to [0, m) with the sign of f.
        Normalize(m, ref d0, ref d1, ref d2, ref d3, ref d4, f[len - 1]);
        Join62(d0, d1, d2, d3, d4, out r0, out r1, out r2, out r3);
    }

    /// <summary>A 256-bit value (little-endian 64-bit limbs) as five signed 62-bit limbs (the top one holds 8 bits).</summary>
    internal static void Split62(ulong a0, ulong a1, ulong a2, ulong a3, Span<long> limbs)
    {
        limbs[0] = (long)(a0 & M62);
        limbs[1] = (long)(((a0 >> 62) | (a1 << 2)) & M62);
        limbs[2] = (long)(((a1 >> 60) | (a2 << 4)) & M62);
        limbs[3] = (long)(((a2 >> 58) | (a3 << 6)) & M62);
        limbs[4] = (long)(a3 >> 56);
    }

    /// <summary>Normalized 62-bit limbs (each in [0, 2^62), the value below 2^256) back to four 64-bit limbs.</summary>
    internal static void Join62(long d0, long d1, long d2, long d3, long d4, out ulong r0, out ulong r1, out ulong r2, out ulong r3)
    {
        r0 = (ulong)d0 | ((ulong)d1 << 62);
        r1 = ((ulong)d1 >> 2) | ((ulong)d2 << 60);
        r2 = ((ulong)d2 >> 4) | ((ulong)d3 << 58);
        r3 = ((ulong)d3 >> 6) | ((ulong)d4 << 56);
    }

    /// <summary>
    /// 62 divsteps on the low 64 bits of f (odd) and g, with several zero bits handled at once; returns the new eta
    /// and the transition matrix [u v; q r] such that 2^62·[f', g'] = [u v; q r]·[f, g].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long DivSteps62(long eta, ulong f0, ulong g0, out long tu, out long tv, out long tq, out long tr)
    {
        ulong u = 1, v = 0, q = 0, r = 1;
        var f = f0;
        var g = g0;
        var i = 62;
        while (true)
        {
            // Count zeros only up to i with a sentinel bit.
            var zeros = BitOperations.TrailingZeroCount(g | (ulong.MaxValue << i));
            g >>= zeros;
            u <<= zeros;
            v <<= zeros;
            eta -= zeros;
            i -= zeros;
            if (i == 0)
            {
                break;
            }
            int limit;
            ulong m, w;
            if (eta < 0)
            {
                // Negate eta and replace (f, g) by (g, −f).
                eta = -eta;
                var tmp = f; f = g; g = 0 - tmp;
                tmp = u; u = q; q = 0 - tmp;
                tmp = v; v = r; r = 0 - tmp;
                // Cancel up to 6 bits of g (at most i, and at most eta + 1 before eta's sign flips again).
                limit = (int)eta + 1 > i ? i : (int)eta + 1;
                m = (ulong.MaxValue >> (64 - limit)) & 63UL;
                w = (f * g * (f * f - 2)) & m;
            }
            else
            {
                // Cancel up to 4 bits of g.
                limit = (int)eta + 1 > i ? i : (int)eta + 1;
                m = (ulong.MaxValue >> (64 - limit)) & 15UL;
                w = f + (((f + 1) & 4) << 1);
                w = (0 - w * g) & m;
            }
            g += f * w;
            q += u * w;
            r += v * w;
        }
        tu = (long)u;
        tv = (long)v;
        tq = (long)q;
        tr = (long)r;
        return eta;
    }

    /// <summary>
    /// [d, e] = ([u v; q r]·[d, e] + m·[md, me]) / 2^62 with md, me chosen so the division is exact and the results
    /// stay in (−2m, m).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void UpdateDe(in OddModulus m, ref long d0, ref long d1, ref long d2, ref long d3, ref long d4,
        ref long e0, ref long e1, ref long e2, ref long e3, ref long e4, long u, long v, long q, long r)
    {
        var sd = d4 >> 63;
        var se = e4 >> 63;
        var md = (u & sd) + (v & se);
        var me = (q & sd) + (r & se);

        MulSigned(u, d0, out var cdLo, out var cdHi);
        AccumulateMul(ref cdLo, ref cdHi, v, e0);
        MulSigned(q, d0, out var ceLo, out var ceHi);
        AccumulateMul(ref ceLo, ref ceHi, r, e0);

        md -= (long)((m.Inv62 * cdLo + (ulong)md) & M62);
        me -= (long)((m.Inv62 * ceLo + (ulong)me) & M62);

        AccumulateMul(ref cdLo, ref cdHi, m.L0, md);
        AccumulateMul(ref ceLo, ref ceHi, m.L0, me);
        ShiftRight62(ref cdLo, ref cdHi);
        ShiftRight62(ref ceLo, ref ceHi);

        var nd0 = Column(ref cdLo, ref cdHi, u, v, d1, e1, m.L1, md);
        var ne0 = Column(ref ceLo, ref ceHi, q, r, d1, e1, m.L1, me);
        var nd1 = Column(ref cdLo, ref cdHi, u, v, d2, e2, m.L2, md);
        var ne1 = Column(ref ceLo, ref ceHi, q, r, d2, e2, m.L2, me);
        var nd2 = Column(ref cdLo, ref cdHi, u, v, d3, e3, m.L3, md);
        var ne2 = Column(ref ceLo, ref ceHi, q, r, d3, e3, m.L3, me);
        var nd3 = Column(ref cdLo, ref cdHi, u, v, d4, e4, m.L4, md);
        var ne3 = Column(ref ceLo, ref ceHi, q, r, d4, e4, m.L4, me);

        d0 = nd0; d1 = nd1; d2 = nd2; d3 = nd3; d4 = (long)cdLo;
        e0 = ne0; e1 = ne1; e2 = ne2; e3 = ne3; e4 = (long)ceLo;
    }

    /// <summary>One limb of x·d + y·e + mi·k added to the carry (lo, hi): returns its low 62 bits and shifts the carry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Column(ref ulong lo, ref long hi, long x, long y, long d, long e, long mi, long k)
    {
        AccumulateMul(ref lo, ref hi, x, d);
        AccumulateMul(ref lo, ref hi, y, e);
        AccumulateMul(ref lo, ref hi, mi, k);
        var limb = (long)(lo & M62);
        ShiftRight62(ref lo, ref hi);
        return limb;
    }

    /// <summary>
    /// [f, g] = [u v; q r]·[f, g] / 2^62 over the first len limbs (the division is exact). Its operations depend on len
    /// only, and <see cref="UpdateDe"/>'s and <see cref="Normalize"/>'s on nothing, so <see cref="ConstantTimeInverse"/>
    /// shares them with len 5.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void UpdateFg(int len, Span<long> f, Span<long> g, long u, long v, long q, long r)
    {
        var fi = f[0];
        var gi = g[0];
        MulSigned(u, fi, out var cfLo, out var cfHi);
        AccumulateMul(ref cfLo, ref cfHi, v, gi);
        MulSigned(q, fi, out var cgLo, out var cgHi);
        AccumulateMul(ref cgLo, ref cgHi, r, gi);
        ShiftRight62(ref cfLo, ref cfHi);
        ShiftRight62(ref cgLo, ref cgHi);
        for (var i = 1; i < len; i++)
        {
            fi = f[i];
            gi = g[i];
            AccumulateMul(ref cfLo, ref cfHi, u, fi);
            AccumulateMul(ref cfLo, ref cfHi, v, gi);
            AccumulateMul(ref cgLo, ref cgHi, q, fi);
            AccumulateMul(ref cgLo, ref cgHi, r, gi);
            f[i - 1] = (long)(cfLo & M62); ShiftRight62(ref cfLo, ref cfHi);
            g[i - 1] = (long)(cgLo & M62); ShiftRight62(ref cgLo, ref cgHi);
        }
        f[len - 1] = (long)cfLo;
        g[len - 1] = (long)cgLo;
    }

    /// <summary>Maps d in (−2m, m) to [0, m), negated first when <paramref name="sign"/> is negative.</summary>
    internal static void Normalize(in OddModulus m, ref long r0, ref long r1, ref long r2, ref long r3, ref long r4, long sign)
    {
        var condAdd = r4 >> 63;
        r0 += m.L0 & condAdd; r1 += m.L1 & condAdd; r2 += m.L2 & condAdd; r3 += m.L3 & condAdd; r4 += m.L4 & condAdd;
        var condNegate = sign >> 63;
        r0 = (r0 ^ condNegate) - condNegate;
        r1 = (r1 ^ condNegate) - condNegate;
        r2 = (r2 ^ condNegate) - condNegate;
        r3 = (r3 ^ condNegate) - condNegate;
        r4 = (r4 ^ condNegate) - condNegate;
        Propagate(ref r0, ref r1, ref r2, ref r3, ref r4);
        condAdd = r4 >> 63;
        r0 += m.L0 & condAdd; r1 += m.L1 & condAdd; r2 += m.L2 & condAdd; r3 += m.L3 & condAdd; r4 += m.L4 & condAdd;
        Propagate(ref r0, ref r1, ref r2, ref r3, ref r4);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Propagate(ref long r0, ref long r1, ref long r2, ref long r3, ref long r4)
    {
        const long mask = (long)M62;
        r1 += r0 >> 62; r0 &= mask;
        r2 += r1 >> 62; r1 &= mask;
        r3 += r2 >> 62; r2 &= mask;
        r4 += r3 >> 62; r3 &= mask;
    }

    /// <summary>The signed 128-bit product a·b as (low, high).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MulSigned(long a, long b, out ulong lo, out long hi)
    {
        lo = (ulong)(a * b);
        hi = (long)Felt.MulHigh((ulong)a, (ulong)b) - ((a >> 63) & b) - ((b >> 63) & a);
    }

    /// <summary>(lo, hi) += a·b as signed 128-bit values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AccumulateMul(ref ulong lo, ref long hi, long a, long b)
    {
        MulSigned(a, b, out var pl, out var ph);
        var sum = lo + pl;
        hi += ph + (sum < pl ? 1L : 0L);
        lo = sum;
    }

    /// <summary>Arithmetic shift right by 62 of a signed 128-bit value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ShiftRight62(ref ulong lo, ref long hi)
    {
        lo = (lo >> 62) | ((ulong)hi << 2);
        hi >>= 62;
    }
}
