using System.Numerics;
using System.Runtime.CompilerServices;

namespace Starknet.Curve;

/// <summary>
/// Variable-time field inversion by the Bernstein–Yang "safegcd" divstep algorithm ("Fast constant-time gcd
/// computation and modular inversion", 2019), in the variable-time form used by libsecp256k1's
/// <c>secp256k1_modinv64_var</c>: batches of 62 divsteps on the low limbs produce a 2×2 transition matrix that is then
/// applied to the full-width values, which are kept as five signed 62-bit limbs. About three times faster than
/// Fermat's a^(p−2) here. Its running time depends on the input, so it is only for public values (Pedersen,
/// verification, table building); secret values use <see cref="Felt.Inverse"/>.
/// </summary>
internal static class VarTimeInverse
{
    private const ulong M62 = ulong.MaxValue >> 2;

    // p = 2^251 + 17·2^192 + 1 in signed 62-bit limbs: 2^192 = 2^(3·62 + 6), 2^251 = 2^(4·62 + 3).
    private const long P0 = 1, P1 = 0, P2 = 0, P3 = 17L << 6, P4 = 1L << 3;

    // p^-1 mod 2^62: p ≡ 1 (mod 2^62).
    private const ulong PInv62 = 1;

    // The element whose Montgomery form is R³ mod p (value R² mod p): multiplying a raw inverse by it re-enters
    // Montgomery form (see Invert).
    private static readonly Felt s_montgomeryFix = Felt.FromBigInteger(BigInteger.ModPow(2, 512, Felt.Modulus));

    /// <summary>x⁻¹ for non-zero x; throws for zero like <see cref="Felt.Inverse"/>.</summary>
    internal static Felt Invert(in Felt x)
    {
        if (x.IsZero)
        {
            throw new DivideByZeroException("Zero has no inverse in the field.");
        }
        // x is stored as m = x·R mod p. The integer inverse m⁻¹ = x⁻¹·R⁻¹; read as Montgomery limbs it stands for
        // x⁻¹·R⁻², and a Montgomery product with the value R² gives x⁻¹.
        InvertInteger(x.M0, x.M1, x.M2, x.M3, out var r0, out var r1, out var r2, out var r3);
        return new Felt(r0, r1, r2, r3, true) * s_montgomeryFix;
    }

    /// <summary>The inverse modulo p of the non-zero integer a &lt; p (little-endian 64-bit limbs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void InvertInteger(ulong a0, ulong a1, ulong a2, ulong a3, out ulong r0, out ulong r1, out ulong r2, out ulong r3)
    {
        // d = 0, e = 1, f = p, g = a, eta = −1 (eta = −delta, delta = 1).
        long d0 = 0, d1 = 0, d2 = 0, d3 = 0, d4 = 0;
        long e0 = 1, e1 = 0, e2 = 0, e3 = 0, e4 = 0;
        Span<long> f = [P0, P1, P2, P3, P4];
        Span<long> g =
        [
            (long)(a0 & M62),
            (long)(((a0 >> 62) | (a1 << 2)) & M62),
            (long)(((a1 >> 60) | (a2 << 4)) & M62),
            (long)(((a2 >> 58) | (a3 << 6)) & M62),
            (long)(a3 >> 56),
        ];
        var len = 5;
        long eta = -1;
        while (true)
        {
            eta = DivSteps62(eta, (ulong)f[0], (ulong)g[0], out var u, out var v, out var q, out var r);
            UpdateDe(ref d0, ref d1, ref d2, ref d3, ref d4, ref e0, ref e1, ref e2, ref e3, ref e4, u, v, q, r);
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
        // Now f = ±1 and d = ±a⁻¹ in (−2p, p): normalise to [0, p) with the sign of f.
        Normalize(ref d0, ref d1, ref d2, ref d3, ref d4, f[len - 1]);
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
    /// [d, e] = ([u v; q r]·[d, e] + p·[md, me]) / 2^62 with md, me chosen so the division is exact and the results
    /// stay in (−2p, p).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void UpdateDe(ref long d0, ref long d1, ref long d2, ref long d3, ref long d4,
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

        md -= (long)((PInv62 * cdLo + (ulong)md) & M62);
        me -= (long)((PInv62 * ceLo + (ulong)me) & M62);

        AccumulateMul(ref cdLo, ref cdHi, P0, md);
        AccumulateMul(ref ceLo, ref ceHi, P0, me);
        ShiftRight62(ref cdLo, ref cdHi);
        ShiftRight62(ref ceLo, ref ceHi);

        // Limb 1 (p1 = 0).
        AccumulateMul(ref cdLo, ref cdHi, u, d1);
        AccumulateMul(ref cdLo, ref cdHi, v, e1);
        AccumulateMul(ref ceLo, ref ceHi, q, d1);
        AccumulateMul(ref ceLo, ref ceHi, r, e1);
        var nd0 = (long)(cdLo & M62); ShiftRight62(ref cdLo, ref cdHi);
        var ne0 = (long)(ceLo & M62); ShiftRight62(ref ceLo, ref ceHi);

        // Limb 2 (p2 = 0).
        AccumulateMul(ref cdLo, ref cdHi, u, d2);
        AccumulateMul(ref cdLo, ref cdHi, v, e2);
        AccumulateMul(ref ceLo, ref ceHi, q, d2);
        AccumulateMul(ref ceLo, ref ceHi, r, e2);
        var nd1 = (long)(cdLo & M62); ShiftRight62(ref cdLo, ref cdHi);
        var ne1 = (long)(ceLo & M62); ShiftRight62(ref ceLo, ref ceHi);

        // Limb 3.
        AccumulateMul(ref cdLo, ref cdHi, u, d3);
        AccumulateMul(ref cdLo, ref cdHi, v, e3);
        AccumulateMul(ref ceLo, ref ceHi, q, d3);
        AccumulateMul(ref ceLo, ref ceHi, r, e3);
        AccumulateMul(ref cdLo, ref cdHi, P3, md);
        AccumulateMul(ref ceLo, ref ceHi, P3, me);
        var nd2 = (long)(cdLo & M62); ShiftRight62(ref cdLo, ref cdHi);
        var ne2 = (long)(ceLo & M62); ShiftRight62(ref ceLo, ref ceHi);

        // Limb 4.
        AccumulateMul(ref cdLo, ref cdHi, u, d4);
        AccumulateMul(ref cdLo, ref cdHi, v, e4);
        AccumulateMul(ref ceLo, ref ceHi, q, d4);
        AccumulateMul(ref ceLo, ref ceHi, r, e4);
        AccumulateMul(ref cdLo, ref cdHi, P4, md);
        AccumulateMul(ref ceLo, ref ceHi, P4, me);
        var nd3 = (long)(cdLo & M62); ShiftRight62(ref cdLo, ref cdHi);
        var ne3 = (long)(ceLo & M62); ShiftRight62(ref ceLo, ref ceHi);

        d0 = nd0; d1 = nd1; d2 = nd2; d3 = nd3; d4 = (long)cdLo;
        e0 = ne0; e1 = ne1; e2 = ne2; e3 = ne3; e4 = (long)ceLo;
    }

    /// <summary>[f, g] = [u v; q r]·[f, g] / 2^62 over the first len limbs (the division is exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void UpdateFg(int len, Span<long> f, Span<long> g, long u, long v, long q, long r)
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

    /// <summary>Maps d in (−2p, p) to [0, p), negated first when <paramref name="sign"/> is negative.</summary>
    private static void Normalize(ref long r0, ref long r1, ref long r2, ref long r3, ref long r4, long sign)
    {
        var condAdd = r4 >> 63;
        r0 += P0 & condAdd; r1 += P1 & condAdd; r2 += P2 & condAdd; r3 += P3 & condAdd; r4 += P4 & condAdd;
        var condNegate = sign >> 63;
        r0 = (r0 ^ condNegate) - condNegate;
        r1 = (r1 ^ condNegate) - condNegate;
        r2 = (r2 ^ condNegate) - condNegate;
        r3 = (r3 ^ condNegate) - condNegate;
        r4 = (r4 ^ condNegate) - condNegate;
        Propagate(ref r0, ref r1, ref r2, ref r3, ref r4);
        condAdd = r4 >> 63;
        r0 += P0 & condAdd; r1 += P1 & condAdd; r2 += P2 & condAdd; r3 += P3 & condAdd; r4 += P4 & condAdd;
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
