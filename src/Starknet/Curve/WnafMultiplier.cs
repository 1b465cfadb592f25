using System.Runtime.CompilerServices;

namespace Starknet.Curve;

/// <summary>
/// Variable-point scalar multiplication k·P by width-5 NAF (odd multiples P, 3P, …, 15P in Jacobian form), for any
/// short Weierstrass curve y² = x³ + a·x + b' over F_p. Variable time: public scalars and points only.
/// </summary>
internal static class WnafMultiplier
{
    private const int Width = 5;
    private const int TableSize = 1 << (Width - 2); // odd multiples 1·P … 15·P

    /// <summary>k·P on the STARK curve (a = 1).</summary>
    internal static JacobianPoint Multiply(in JacobianPoint p, in Scalar k) => Multiply(p, k, Felt.One, aIsOne: true);

    /// <summary>k·P on the curve with coefficient <paramref name="a"/> (b' is implicit in P).</summary>
    internal static JacobianPoint Multiply(in JacobianPoint p, in Scalar k, in Felt a) => Multiply(p, k, a, aIsOne: false);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static JacobianPoint Multiply(in JacobianPoint p, in Scalar k, in Felt a, bool aIsOne)
    {
        if (k.IsZero || p.IsInfinity)
        {
            return JacobianPoint.Infinity;
        }
        Span<sbyte> naf = stackalloc sbyte[257];
        k.ToCanonicalLimbs(out var l0, out var l1, out var l2, out var l3);
        var length = ComputeNaf(l0, l1, l2, l3, naf);

        Span<JacobianPoint> table = stackalloc JacobianPoint[TableSize];
        table[0] = p;
        var twice = aIsOne ? JacobianPoint.Double(p) : JacobianPoint.Double(p, a);
        for (var i = 1; i < TableSize; i++)
        {
            table[i] = aIsOne ? JacobianPoint.Add(table[i - 1], twice) : JacobianPoint.Add(table[i - 1], twice, a);
        }

        var acc = JacobianPoint.Infinity;
        for (var i = length - 1; i >= 0; i--)
        {
            if (!acc.IsInfinity)
            {
                acc = aIsOne ? JacobianPoint.Double(acc) : JacobianPoint.Double(acc, a);
            }
            int digit = naf[i];
            if (digit != 0)
            {
                var entry = digit > 0 ? table[digit >> 1] : table[(-digit) >> 1].Negate();
                acc = aIsOne ? JacobianPoint.Add(acc, entry) : JacobianPoint.Add(acc, entry, a);
            }
        }
        return acc;
    }

    /// <summary>Width-5 NAF digits of a value below 2^252, least significant first; returns the digit count.</summary>
    private static int ComputeNaf(ulong l0, ulong l1, ulong l2, ulong l3, Span<sbyte> naf)
    {
        const int modulus = 1 << Width;
        var length = 0;
        while ((l0 | l1 | l2 | l3) != 0)
        {
            var digit = 0;
            if ((l0 & 1) != 0)
            {
                digit = (int)(l0 & (modulus - 1));
                if (digit >= modulus / 2)
                {
                    digit -= modulus;
                }
                // l -= digit (digit is odd, |digit| < 16; the value stays non-negative and below 2^253).
                if (digit > 0)
                {
                    l0 = Felt.SubBorrow(l0, (ulong)digit, 0, out var b);
                    l1 = Felt.SubBorrow(l1, 0, b, out b);
                    l2 = Felt.SubBorrow(l2, 0, b, out b);
                    l3 -= b;
                }
                else
                {
                    l0 = Felt.AddCarry(l0, (ulong)(-digit), 0, out var c);
                    l1 = Felt.AddCarry(l1, 0, c, out c);
                    l2 = Felt.AddCarry(l2, 0, c, out c);
                    l3 += c;
                }
            }
            naf[length++] = (sbyte)digit;
            l0 = (l0 >> 1) | (l1 << 63);
            l1 = (l1 >> 1) | (l2 << 63);
            l2 = (l2 >> 1) | (l3 << 63);
            l3 >>= 1;
        }
        return length;
    }
}
