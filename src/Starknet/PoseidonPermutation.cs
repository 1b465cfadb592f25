using System.Numerics;
using System.Runtime.CompilerServices;

namespace Starknet;

/// <summary>
/// The Hades permutation computed in a representation of its own: five 52-bit limbs in 64-bit words ("radix 2^52"),
/// Montgomery form with R = 2^260. The 12 spare bits of every word absorb the carries of additions and of the
/// products' column sums, so the permutation needs no carry chains (C# has no add-with-carry), unlike
/// <see cref="Felt"/>'s saturated 4×64-bit limbs. Elements convert in and out once per permutation.
/// </summary>
/// <remarks>
/// <para>Limbs: an element is Σ lᵢ·2^(52i), i = 0..4. "Normalized" means l0..l3 in [0, 2^52), l4 in [0, 2^52) and a
/// value below 2p + 2^219; <see cref="Normalize"/> returns that. Products and linear combinations leave limbs unnormalized
/// (and, in the mix, possibly negative as signed words), which only <see cref="Normalize"/> and the left operand of
/// <see cref="Mul"/> accept.</para>
/// <para>Everything is straight-line code with no branch or memory index depending on the values.</para>
/// </remarks>
internal static class PoseidonPermutation
{
    private const ulong Mask = (1UL << 52) - 1;

    // 4p in radix 2^52 (p = 1 + 17·2^192 + 2^251: limb 3 holds 17·2^36, limb 4 holds 2^43), added in the mix to keep
    // differences non-negative.
    private const ulong P4L0 = 4, P4L3 = 68UL << 36, P4L4 = 1UL << 45;

    // 16p likewise (limb 3: 16·17·2^36, limb 4: 2^47), for differences of unnormalized values (see MixAdd).
    private const ulong P16L0 = 16, P16L3 = 272UL << 36, P16L4 = 1UL << 47;

    // The round constants in this representation (value·2^260 mod p, normalized), in round order, followed by three
    // zeros: round r adds the constants of round r + 1 at its end, so the last round adds the zeros.
    private static readonly Limbs[] s_constants = BuildConstants();

    /// <summary>An element's five radix-2^52 limbs.</summary>
    internal struct Limbs
    {
        public ulong L0, L1, L2, L3, L4;
    }

    /// <summary>A sponge state kept in this representation between permutations (normalized limbs).</summary>
    internal struct State
    {
        internal Limbs A, B, C;
    }

    /// <summary>Applies the permutation to (s0, s1, s2) in place.</summary>
    public static void Permute(ref Felt s0, ref Felt s1, ref Felt s2)
    {
        var a = FromFelt(s0);
        var b = FromFelt(s1);
        var c = FromFelt(s2);
        Permute(ref a, ref b, ref c);
        s0 = ToFelt(a);
        s1 = ToFelt(b);
        s2 = ToFelt(c);
    }

    /// <summary>Adds x and y to the first two elements of the state, then permutes (one sponge step, rate 2).</summary>
    public static void Absorb(ref State state, in Felt x, in Felt y)
    {
        var a = Add(state.A, FromFelt(x));
        var b = Add(state.B, FromFelt(y));
        var c = state.C;
        Permute(ref a, ref b, ref c);
        state.A = a;
        state.B = b;
        state.C = c;
    }

    /// <summary>The first element of the state as a field element.</summary>
    public static Felt First(in State state) => ToFelt(state.A);

    // The permutation on non-negative limbs below 2^57 with values below 2^259; leaves them normalized.
    private static void Permute(ref Limbs a, ref Limbs b, ref Limbs c)
    {
        var k = s_constants;
        _ = k[3 * (Poseidon.FullRounds + Poseidon.PartialRounds) + 2];
        a = AddNormalize(a, k[0]);
        b = AddNormalize(b, k[1]);
        c = AddNormalize(c, k[2]);
        var i = 3;
        for (var r = 0; r < Poseidon.FullRounds / 2; r++, i += 3)
        {
            FullRound(ref a, ref b, ref c, k[i], k[i + 1], k[i + 2]);
        }
        // Partial rounds in pairs: the first leaves a and b unnormalized (only c goes through the S-box), the second
        // takes them so and normalizes all three. 83 rounds: 41 pairs, then one normalizing round.
        var partial = 0;
        for (; partial + 1 < Poseidon.PartialRounds; partial += 2, i += 6)
        {
            PartialRoundLazy(ref a, ref b, ref c, k[i], k[i + 1], k[i + 2]);
            PartialRound(ref a, ref b, ref c, k[i + 3], k[i + 4], k[i + 5]);
        }
        for (; partial < Poseidon.PartialRounds; partial++, i += 3)
        {
            PartialRound(ref a, ref b, ref c, k[i], k[i + 1], k[i + 2]);
        }
        for (var r = 0; r < Poseidon.FullRounds / 2; r++, i += 3)
        {
            FullRound(ref a, ref b, ref c, k[i], k[i + 1], k[i + 2]);
        }
    }

    // S-box on all three elements, mix, then the next round's constants. Not inlined into the loops: the JIT would
    // run out of registers and inlining budget.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FullRound(ref Limbs a, ref Limbs b, ref Limbs c, in Limbs k0, in Limbs k1, in Limbs k2)
    {
        var x = Cube(a);
        var y = Cube(b);
        var z = Cube(c);
        MixAdd(x, y, z, k0, k1, k2, out a, out b, out c);
    }

    // S-box on the last element only. a and b may come unnormalized from PartialRoundLazy (see MixAdd); all three
    // leave normalized.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void PartialRound(ref Limbs a, ref Limbs b, ref Limbs c, in Limbs k0, in Limbs k1, in Limbs k2)
    {
        var z = Cube(c);
        MixAdd(a, b, z, k0, k1, k2, out a, out b, out c);
    }

    // S-box on the last element only, from normalized a, b, c; only c leaves normalized (the next round cubes it), a and
    // b leave as the mix's raw limbs, for PartialRound to normalize.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void PartialRoundLazy(ref Limbs a, ref Limbs b, ref Limbs c, in Limbs k0, in Limbs k1, in Limbs k2)
    {
        var z = Cube(c);
        ulong t0 = a.L0 + b.L0 + z.L0, t1 = a.L1 + b.L1 + z.L1, t2 = a.L2 + b.L2 + z.L2, t3 = a.L3 + b.L3 + z.L3, t4 = a.L4 + b.L4 + z.L4;
        Limbs x = a, y = b;
        a.L0 = t0 + (x.L0 << 1) + k0.L0; a.L1 = t1 + (x.L1 << 1) + k0.L1; a.L2 = t2 + (x.L2 << 1) + k0.L2;
        a.L3 = t3 + (x.L3 << 1) + k0.L3; a.L4 = t4 + (x.L4 << 1) + k0.L4;
        b.L0 = t0 - (y.L0 << 1) + k1.L0 + P4L0; b.L1 = t1 - (y.L1 << 1) + k1.L1; b.L2 = t2 - (y.L2 << 1) + k1.L2;
        b.L3 = t3 - (y.L3 << 1) + k1.L3 + P4L3; b.L4 = t4 - (y.L4 << 1) + k1.L4 + P4L4;
        c = Normalize(
            t0 - 3 * z.L0 + k2.L0 + P4L0, t1 - 3 * z.L1 + k2.L1, t2 - 3 * z.L2 + k2.L2,
            t3 - 3 * z.L3 + k2.L3 + P4L3, t4 - 3 * z.L4 + k2.L4 + P4L4);
    }

    /// <summary>
    /// M·(x, y, z) + (k0, k1, k2) with M = [[3,1,1],[1,−1,1],[1,1,−2]]: with t = x + y + z, x' = t + 2x,
    /// y' = t − 2y + 16p, z' = t − 3z + 4p, computed limb by limb (signed) and normalized.
    /// </summary>
    /// <remarks>
    /// x and y may be normalized, or left unnormalized by <see cref="PartialRoundLazy"/>: then their limbs are below
    /// 2^59.1 in absolute value and their values in [0, 2^254.5) (5.5 times a normalized bound), so every limb of the
    /// results stays below 2^62, and y' needs 16p rather than 4p to stay non-negative: t − 2y = x − y + z ≥ −2^254.5 &gt;
    /// −16p. z' = x + y − 2z + 4p is non-negative either way (z &lt; p + 2^245).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MixAdd(in Limbs x, in Limbs y, in Limbs z, in Limbs k0, in Limbs k1, in Limbs k2,
        out Limbs a, out Limbs b, out Limbs c)
    {
        ulong t0 = x.L0 + y.L0 + z.L0, t1 = x.L1 + y.L1 + z.L1, t2 = x.L2 + y.L2 + z.L2, t3 = x.L3 + y.L3 + z.L3, t4 = x.L4 + y.L4 + z.L4;
        a = Normalize(
            t0 + (x.L0 << 1) + k0.L0, t1 + (x.L1 << 1) + k0.L1, t2 + (x.L2 << 1) + k0.L2,
            t3 + (x.L3 << 1) + k0.L3, t4 + (x.L4 << 1) + k0.L4);
        b = Normalize(
            t0 - (y.L0 << 1) + k1.L0 + P16L0, t1 - (y.L1 << 1) + k1.L1, t2 - (y.L2 << 1) + k1.L2,
            t3 - (y.L3 << 1) + k1.L3 + P16L3, t4 - (y.L4 << 1) + k1.L4 + P16L4);
        c = Normalize(
            t0 - 3 * z.L0 + k2.L0 + P4L0, t1 - 3 * z.L1 + k2.L1, t2 - 3 * z.L2 + k2.L2,
            t3 - 3 * z.L3 + k2.L3 + P4L3, t4 - 3 * z.L4 + k2.L4 + P4L4);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Limbs Add(in Limbs x, in Limbs y)
    {
        Limbs r;
        r.L0 = x.L0 + y.L0; r.L1 = x.L1 + y.L1; r.L2 = x.L2 + y.L2; r.L3 = x.L3 + y.L3; r.L4 = x.L4 + y.L4;
        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Limbs AddNormalize(in Limbs x, in Limbs k) =>
        Normalize(x.L0 + k.L0, x.L1 + k.L1, x.L2 + k.L2, x.L3 + k.L3, x.L4 + k.L4);

    /// <summary>x³ for a normalized x; the result's limbs are unnormalized (below 2^59), its value below p + 2^245.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Limbs Cube(in Limbs x) => Mul(Square(x), x);

    /// <summary>
    /// Montgomery product a·b·2^-260 mod p. <paramref name="a"/> may have limbs up to 2^57 (unnormalized, non-negative),
    /// <paramref name="b"/> must be normalized. The result is congruent, below a·b/2^260 + p, with limbs below 2^59.
    /// </summary>
    /// <remarks>
    /// Each 104-bit partial product aᵢ·bⱼ is split at bit 52 without a mask: with sⱼ = bⱼ·2^12 (below 2^64), the high
    /// word of aᵢ·sⱼ is ⌊aᵢbⱼ/2^52⌋ and its low word shifted right by 12 is aᵢbⱼ mod 2^52. Columns sum at most ten
    /// such halves, well below 2^64.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Limbs Mul(in Limbs a, in Limbs b)
    {
        ulong a0 = a.L0, a1 = a.L1, a2 = a.L2, a3 = a.L3, a4 = a.L4;
        ulong s0 = b.L0 << 12, s1 = b.L1 << 12, s2 = b.L2 << 12, s3 = b.L3 << 12, s4 = b.L4 << 12;
        var c0 = Lo(a0, s0);
        var c1 = Hi(a0, s0) + Lo(a0, s1) + Lo(a1, s0);
        var c2 = Hi(a0, s1) + Hi(a1, s0) + Lo(a0, s2) + Lo(a1, s1) + Lo(a2, s0);
        var c3 = Hi(a0, s2) + Hi(a1, s1) + Hi(a2, s0) + Lo(a0, s3) + Lo(a1, s2) + Lo(a2, s1) + Lo(a3, s0);
        var c4 = Hi(a0, s3) + Hi(a1, s2) + Hi(a2, s1) + Hi(a3, s0) + Lo(a0, s4) + Lo(a1, s3) + Lo(a2, s2) + Lo(a3, s1) + Lo(a4, s0);
        var c5 = Hi(a0, s4) + Hi(a1, s3) + Hi(a2, s2) + Hi(a3, s1) + Hi(a4, s0) + Lo(a1, s4) + Lo(a2, s3) + Lo(a3, s2) + Lo(a4, s1);
        var c6 = Hi(a1, s4) + Hi(a2, s3) + Hi(a3, s2) + Hi(a4, s1) + Lo(a2, s4) + Lo(a3, s3) + Lo(a4, s2);
        var c7 = Hi(a2, s4) + Hi(a3, s3) + Hi(a4, s2) + Lo(a3, s4) + Lo(a4, s3);
        var c8 = Hi(a3, s4) + Hi(a4, s3) + Lo(a4, s4);
        var c9 = Hi(a4, s4);
        return Reduce(c0, c1, c2, c3, c4, c5, c6, c7, c8, c9);
    }

    /// <summary>a² for a normalized a (the cross products use 2aᵢ, below 2^53); result as for <see cref="Mul"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Limbs Square(in Limbs a)
    {
        ulong a0 = a.L0, a1 = a.L1, a2 = a.L2, a3 = a.L3, a4 = a.L4;
        ulong d0 = a0 << 1, d1 = a1 << 1, d2 = a2 << 1, d3 = a3 << 1;
        ulong s0 = a0 << 12, s1 = a1 << 12, s2 = a2 << 12, s3 = a3 << 12, s4 = a4 << 12;
        var c0 = Lo(a0, s0);
        var c1 = Hi(a0, s0) + Lo(d0, s1);
        var c2 = Hi(d0, s1) + Lo(d0, s2) + Lo(a1, s1);
        var c3 = Hi(d0, s2) + Hi(a1, s1) + Lo(d0, s3) + Lo(d1, s2);
        var c4 = Hi(d0, s3) + Hi(d1, s2) + Lo(d0, s4) + Lo(d1, s3) + Lo(a2, s2);
        var c5 = Hi(d0, s4) + Hi(d1, s3) + Hi(a2, s2) + Lo(d1, s4) + Lo(d2, s3);
        var c6 = Hi(d1, s4) + Hi(d2, s3) + Lo(d2, s4) + Lo(a3, s3);
        var c7 = Hi(d2, s4) + Hi(a3, s3) + Lo(d3, s4);
        var c8 = Hi(d3, s4) + Lo(a4, s4);
        var c9 = Hi(a4, s4);
        return Reduce(c0, c1, c2, c3, c4, c5, c6, c7, c8, c9);
    }

    /// <summary>
    /// Montgomery reduction of Σ cₖ·2^(52k) by 2^260, one limb at a time. −p^-1 ≡ −1 (mod 2^52), so the factor is
    /// m = −cₖ mod 2^52; cₖ + m is a multiple of 2^52 whose quotient is ⌈cₖ/2^52⌉, and m·(p − 1) = 17m·2^192 + m·2^251
    /// lands on limbs k+3 (17m·2^36), k+4 (m·2^43) and their overflows on k+4 and k+5. No limb is normalized at the end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Limbs Reduce(ulong c0, ulong c1, ulong c2, ulong c3, ulong c4, ulong c5, ulong c6, ulong c7, ulong c8, ulong c9)
    {
        ReduceStep(c0, ref c1, ref c3, ref c4, ref c5);
        ReduceStep(c1, ref c2, ref c4, ref c5, ref c6);
        ReduceStep(c2, ref c3, ref c5, ref c6, ref c7);
        ReduceStep(c3, ref c4, ref c6, ref c7, ref c8);
        ReduceStep(c4, ref c5, ref c7, ref c8, ref c9);
        Limbs r;
        r.L0 = c5; r.L1 = c6; r.L2 = c7; r.L3 = c8; r.L4 = c9;
        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ReduceStep(ulong ck, ref ulong next, ref ulong k3, ref ulong k4, ref ulong k5)
    {
        var m = (0 - ck) & Mask;
        next += (ck + Mask) >> 52;
        var t = (m << 4) + m;                      // 17m, below 2^57
        k3 += (t << 48) >> 12;                     // (17m mod 2^16)·2^36
        k4 += (t >> 16) + ((m << 55) >> 12);       // ⌊17m/2^16⌋ + (m mod 2^9)·2^43
        k5 += m >> 9;
    }

    /// <summary>
    /// Brings signed, unnormalized limbs (|lᵢ| &lt; 2^62 for i &lt; 4, a non-negative value below 2^262) to normalized
    /// form: limbs 0..3 in [0, 2^52) and a value below 2p + 2^219.
    /// </summary>
    /// <remarks>
    /// With l4 = q·2^43 + r (q = ⌊l4/2^43⌋, arithmetic), the value is q·2^251 + low with low in (−2^217, 2^251 + 2^217):
    /// the lower limbs weigh little next to 2^251. Subtracting (q − 1)·p, that is adding p − q·(17·2^192 + 1), leaves
    /// low + p − q·(17·2^192 + 1), which is positive (q ≥ −1) and below 2p + 2^219; one signed carry pass then normalizes it.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Limbs Normalize(ulong l0, ulong l1, ulong l2, ulong l3, ulong l4)
    {
        var q = (ulong)((long)l4 >> 43);
        l0 += 1 - q;
        l3 += (1 - q) * (17UL << 36);
        l4 = (l4 & ((1UL << 43) - 1)) + (1UL << 43);
        l1 += (ulong)((long)l0 >> 52); l0 &= Mask;
        l2 += (ulong)((long)l1 >> 52); l1 &= Mask;
        l3 += (ulong)((long)l2 >> 52); l2 &= Mask;
        l4 += (ulong)((long)l3 >> 52); l3 &= Mask;
        Limbs r;
        r.L0 = l0; r.L1 = l1; r.L2 = l2; r.L3 = l3; r.L4 = l4;
        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Hi(ulong a, ulong s) => Felt.MulHigh(a, s);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Lo(ulong a, ulong s) => (a * s) >> 12;

    /// <summary>
    /// From Felt's Montgomery form y = x·2^256 mod p to x·2^260: 16y (below 2^256, not reduced, which
    /// <see cref="Normalize"/> accepts) split into 52-bit limbs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Limbs FromFelt(in Felt f)
    {
        ulong w0 = f.M0 << 4, w1 = (f.M1 << 4) | (f.M0 >> 60), w2 = (f.M2 << 4) | (f.M1 >> 60), w3 = (f.M3 << 4) | (f.M2 >> 60);
        Limbs r;
        r.L0 = w0 & Mask;
        r.L1 = ((w0 >> 52) | (w1 << 12)) & Mask;
        r.L2 = ((w1 >> 40) | (w2 << 24)) & Mask;
        r.L3 = ((w2 >> 28) | (w3 << 36)) & Mask;
        r.L4 = w3 >> 16;
        return r;
    }

    /// <summary>
    /// Back to Felt: for a normalized z = x·2^260 (mod p, below 2^253), Felt's Montgomery product with 2^252 mod p gives
    /// z·2^-4 = x·2^256 mod p, fully reduced.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Felt ToFelt(in Limbs z)
    {
        var w0 = z.L0 | (z.L1 << 52);
        var w1 = (z.L1 >> 12) | (z.L2 << 40);
        var w2 = (z.L2 >> 24) | (z.L3 << 28);
        var w3 = (z.L3 >> 36) | (z.L4 << 16);
        // 2^252 mod p = 2^251 − 17·2^192 − 1.
        Felt.MontMul(w0, w1, w2, w3, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, 0x07ffffffffffffee,
            out var r0, out var r1, out var r2, out var r3);
        return new Felt(r0, r1, r2, r3, true);
    }

    private static Limbs[] BuildConstants()
    {
        var source = Poseidon.RoundConstants;
        var constants = new Limbs[source.Length + 3];
        var r = BigInteger.One << 260;
        for (var i = 0; i < source.Length; i++)
        {
            var v = source[i].ToBigInteger() * r % Felt.Modulus;
            constants[i] = new Limbs
            {
                L0 = (ulong)(v & Mask),
                L1 = (ulong)((v >> 52) & Mask),
                L2 = (ulong)((v >> 104) & Mask),
                L3 = (ulong)((v >> 156) & Mask),
                L4 = (ulong)(v >> 208),
            };
        }
        return constants;
    }
}
