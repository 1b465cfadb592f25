using System.Runtime.CompilerServices;

namespace Starknet;

public readonly partial struct Felt
{
    /// <summary>
    /// A 256-bit integer holding an unreduced sum of Montgomery-form limbs. Linear combinations (as in Poseidon's MDS
    /// matrix) are summed here with plain carries and reduced once with <see cref="Reduce"/>, instead of paying for a
    /// modular reduction after every addition. Values must stay below 2^255.
    /// </summary>
    internal readonly struct Wide
    {
        internal readonly ulong X0, X1, X2, X3;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal Wide(ulong x0, ulong x1, ulong x2, ulong x3)
        {
            X0 = x0; X1 = x1; X2 = x2; X3 = x3;
        }

        /// <summary>The element's Montgomery limbs (below p).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static Wide From(in Felt a) => new(a.M0, a.M1, a.M2, a.M3);

        /// <summary>k·p for a small k, to keep differences non-negative.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static Wide MultipleOfModulus(ulong k) => new(k, 0, 0, k * P3);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Wide operator +(in Wide a, in Wide b)
        {
            var r0 = AddCarry(a.X0, b.X0, 0, out var c);
            var r1 = AddCarry(a.X1, b.X1, c, out c);
            var r2 = AddCarry(a.X2, b.X2, c, out c);
            return new Wide(r0, r1, r2, a.X3 + b.X3 + c);
        }

        /// <summary>a − b; the caller guarantees a ≥ b.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Wide operator -(in Wide a, in Wide b)
        {
            var r0 = SubBorrow(a.X0, b.X0, 0, out var c);
            var r1 = SubBorrow(a.X1, b.X1, c, out c);
            var r2 = SubBorrow(a.X2, b.X2, c, out c);
            return new Wide(r0, r1, r2, a.X3 - b.X3 - c);
        }

        /// <summary>2·a.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal Wide Twice() => new(X0 << 1, (X1 << 1) | (X0 >> 63), (X2 << 1) | (X1 >> 63), (X3 << 1) | (X2 >> 63));

        /// <summary>
        /// Reduces a value below 2^255 modulo p, branch-free. With x = q·2^251 + low (q &lt; 16) and
        /// 2^251 ≡ −(17·2^192 + 1) mod p, x ≡ low − q·(17·2^192 + 1), which lies in (−2^201, 2^251); adding p when
        /// it is negative lands in [0, p).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal Felt Reduce()
        {
            var q = X3 >> 59;
            var r0 = SubBorrow(X0, q, 0, out var c);
            var r1 = SubBorrow(X1, 0, c, out c);
            var r2 = SubBorrow(X2, 0, c, out c);
            var r3 = (X3 & ((1UL << 59) - 1)) - 17 * q - c;
            var mask = (ulong)((long)r3 >> 63);
            var s0 = AddCarry(r0, P0 & mask, 0, out c);
            var s1 = AddCarry(r1, 0, c, out c);
            var s2 = AddCarry(r2, 0, c, out c);
            return new Felt(s0, s1, s2, r3 + (P3 & mask) + c, true);
        }
    }
}
