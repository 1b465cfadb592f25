using System.Runtime.CompilerServices;

namespace Starknet.Curve;

/// <summary>
/// Constant-time modular inversion by the Bernstein–Yang "safegcd" algorithm in the half-delta form of libsecp256k1's
/// <c>secp256k1_modinv64</c>: always ten batches of 59 branch-free divsteps (590, enough for any input below 2^256), each
/// batch's 2×2 transition matrix applied to the five signed 62-bit limbs of d, e, f and g over their full length. The
/// sequence of operations and memory accesses never depends on the value, so it serves secret values: the signing nonce
/// k and the projective Z of k·G. Several times faster than Fermat's exponentiation. Zero maps to zero.
/// </summary>
internal static class ConstantTimeInverse
{
    /// <summary>
    /// The inverse modulo <paramref name="m"/> of the integer a &lt; m (little-endian 64-bit limbs), zero for zero; the
    /// result in [0, m).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void InvertInteger(in VarTimeInverse.OddModulus m, ulong a0, ulong a1, ulong a2, ulong a3,
        out ulong r0, out ulong r1, out ulong r2, out ulong r3)
    {
        // d = 0, e = 1, f = m, g = a, zeta = −1 (zeta = −(delta + 1/2), delta = 1/2).
        long d0 = 0, d1 = 0, d2 = 0, d3 = 0, d4 = 0;
        long e0 = 1, e1 = 0, e2 = 0, e3 = 0, e4 = 0;
        Span<long> f = [m.L0, m.L1, m.L2, m.L3, m.L4];
        Span<long> g = stackalloc long[5];
        VarTimeInverse.Split62(a0, a1, a2, a3, g);
        long zeta = -1;
        for (var i = 0; i < 10; i++)
        {
            zeta = DivSteps59(zeta, (ulong)f[0], (ulong)g[0], out var u, out var v, out var q, out var r);
            VarTimeInverse.UpdateDe(m, ref d0, ref d1, ref d2, ref d3, ref d4, ref e0, ref e1, ref e2, ref e3, ref e4, u, v, q, r);
            VarTimeInverse.UpdateFg(5, f, g, u, v, q, r);
        }
        // g is now 0 and f = ±1 (for a non-zero input), so d = ±a⁻¹ in (−2m, m): normalise with the sign of f.
        VarTimeInverse.Normalize(m, ref d0, ref d1, ref d2, ref d3, ref d4, f[4]);
        VarTimeInverse.Join62(d0, d1, d2, d3, d4, out r0, out r1, out r2, out r3);
    }

    /// <summary>
    /// 59 half-delta divsteps on the low 64 bits of f (odd) and g with masks only; returns the new zeta and the
    /// transition matrix scaled by 2^62 (it starts at 8·I), as <see cref="VarTimeInverse.UpdateDe"/> expects.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long DivSteps59(long zeta, ulong f0, ulong g0, out long tu, out long tv, out long tq, out long tr)
    {
        ulong u = 8, v = 0, q = 0, r = 8;
        var f = f0;
        var g = g0;
        for (var i = 3; i < 62; i++)
        {
            // Masks for zeta < 0 and for g odd.
            var c1 = (ulong)(zeta >> 63);
            var c2 = 0 - (g & 1);
            // x, y, z: f, u, v negated when zeta < 0; added to g, q, r when g is odd.
            var x = (f ^ c1) - c1;
            var y = (u ^ c1) - c1;
            var z = (v ^ c1) - c1;
            g += x & c2;
            q += y & c2;
            r += z & c2;
            // When both: zeta becomes −zeta − 2 and (f, u, v) takes the old (g, q, r); else zeta − 1.
            c1 &= c2;
            zeta = (zeta ^ (long)c1) - 1;
            f += g & c1;
            u += q & c1;
            v += r & c1;
            g >>= 1;
            u <<= 1;
            v <<= 1;
        }
        tu = (long)u;
        tv = (long)v;
        tq = (long)q;
        tr = (long)r;
        return zeta;
    }
}
