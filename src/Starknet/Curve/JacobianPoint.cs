using System.Runtime.CompilerServices;

namespace Starknet.Curve;

/// <summary>
/// A point in Jacobian coordinates (X : Y : Z) standing for (X/Z², Y/Z³); Z = 0 is the point at infinity.
/// The formulas branch on the special cases (infinity, equal and opposite points), so they are for public data
/// only: verification, Pedersen and table building. Secret scalars go through <see cref="ProjectivePoint"/>.
/// Formulas from the Explicit-Formulas Database (hyperelliptic.org/EFD, g1p/auto-shortw-jacobian):
/// dbl-2007-bl, madd-2007-bl, add-2007-bl.
/// </summary>
internal readonly struct JacobianPoint
{
    internal readonly Felt X, Y, Z;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal JacobianPoint(in Felt x, in Felt y, in Felt z)
    {
        X = x; Y = y; Z = z;
    }

    internal static JacobianPoint Infinity => new(Felt.One, Felt.One, Felt.Zero);

    internal bool IsInfinity => Z.IsZero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static JacobianPoint FromAffine(in AffinePoint p) => new(p.X, p.Y, Felt.One);

    internal JacobianPoint Negate() => new(X, -Y, Z);

    /// <summary>2P on a curve with α = 1 (dbl-2007-bl, 1M + 8S). Infinity stays infinity (Z₃ = 2YZ).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static JacobianPoint Double(in JacobianPoint p)
    {
        var xx = FieldOps.Sqr(p.X);
        var yy = FieldOps.Sqr(p.Y);
        var yyyy = FieldOps.Sqr(yy);
        var zz = FieldOps.Sqr(p.Z);
        var s = (FieldOps.Sqr(p.X + yy) - xx - yyyy).Double();
        var m = xx + xx + xx + FieldOps.Sqr(zz);
        return Finish(p, s, m, yy, yyyy, zz);
    }

    /// <summary>2P on the curve y² = x³ + a·x + b' for an arbitrary a (dbl-2007-bl with the a·ZZ² term).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static JacobianPoint Double(in JacobianPoint p, in Felt a)
    {
        var xx = FieldOps.Sqr(p.X);
        var yy = FieldOps.Sqr(p.Y);
        var yyyy = FieldOps.Sqr(yy);
        var zz = FieldOps.Sqr(p.Z);
        var s = (FieldOps.Sqr(p.X + yy) - xx - yyyy).Double();
        var m = xx + xx + xx + FieldOps.Mul(a, FieldOps.Sqr(zz));
        return Finish(p, s, m, yy, yyyy, zz);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static JacobianPoint Finish(in JacobianPoint p, in Felt s, in Felt m, in Felt yy, in Felt yyyy, in Felt zz)
    {
        var t = FieldOps.Sqr(m) - s.Double();
        var y3 = FieldOps.Mul(m, s - t) - yyyy.Double().Double().Double();
        var z3 = FieldOps.Sqr(p.Y + p.Z) - yy - zz;
        return new JacobianPoint(t, y3, z3);
    }

    /// <summary>P + Q with Q affine (madd-2007-bl, 7M + 4S), handling infinity, Q = P and Q = −P.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static JacobianPoint AddMixed(in JacobianPoint p, in AffinePoint q)
    {
        if (p.Z.IsZero)
        {
            return FromAffine(q);
        }
        var z1z1 = FieldOps.Sqr(p.Z);
        var u2 = FieldOps.Mul(q.X, z1z1);
        var s2 = FieldOps.Mul(q.Y, FieldOps.Mul(p.Z, z1z1));
        var h = u2 - p.X;
        var r = (s2 - p.Y).Double();
        if (h.IsZero)
        {
            return Degenerate(r.IsZero, FromAffine(q), Felt.One, aIsOne: true);
        }
        var hh = FieldOps.Sqr(h);
        var i = hh.Double().Double();
        var j = FieldOps.Mul(h, i);
        var v = FieldOps.Mul(p.X, i);
        var x3 = FieldOps.Sqr(r) - j - v.Double();
        var y3 = FieldOps.Mul(r, v - x3) - FieldOps.Mul(p.Y, j).Double();
        var z3 = FieldOps.Sqr(p.Z + h) - z1z1 - hh;
        return new JacobianPoint(x3, y3, z3);
    }

    /// <summary>
    /// P + Q for Jacobian inputs on the STARK curve (add-2007-bl, 11M + 5S), handling infinity, Q = P and Q = −P.
    /// </summary>
    internal static JacobianPoint Add(in JacobianPoint p, in JacobianPoint q) => Add(p, q, Felt.One, aIsOne: true);

    /// <summary>P + Q on the curve with coefficient <paramref name="a"/> (a only matters when P = Q).</summary>
    internal static JacobianPoint Add(in JacobianPoint p, in JacobianPoint q, in Felt a) => Add(p, q, a, aIsOne: false);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static JacobianPoint Add(in JacobianPoint p, in JacobianPoint q, in Felt a, bool aIsOne)
    {
        if (p.Z.IsZero)
        {
            return q;
        }
        if (q.Z.IsZero)
        {
            return p;
        }
        var z1z1 = FieldOps.Sqr(p.Z);
        var z2z2 = FieldOps.Sqr(q.Z);
        var u1 = FieldOps.Mul(p.X, z2z2);
        var u2 = FieldOps.Mul(q.X, z1z1);
        var s1 = FieldOps.Mul(p.Y, FieldOps.Mul(q.Z, z2z2));
        var s2 = FieldOps.Mul(q.Y, FieldOps.Mul(p.Z, z1z1));
        var h = u2 - u1;
        var r = (s2 - s1).Double();
        if (h.IsZero)
        {
            return Degenerate(r.IsZero, p, a, aIsOne);
        }
        var i = FieldOps.Sqr(h.Double());
        var j = FieldOps.Mul(h, i);
        var v = FieldOps.Mul(u1, i);
        var x3 = FieldOps.Sqr(r) - j - v.Double();
        var y3 = FieldOps.Mul(r, v - x3) - FieldOps.Mul(s1, j).Double();
        var z3 = FieldOps.Mul(FieldOps.Sqr(p.Z + q.Z) - z1z1 - z2z2, h);
        return new JacobianPoint(x3, y3, z3);
    }

    /// <summary>P + Q when x(P) = x(Q): 2P when the points are equal, infinity when they are opposite (rare; kept out of line).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static JacobianPoint Degenerate(bool equal, in JacobianPoint p, in Felt a, bool aIsOne)
    {
        if (!equal)
        {
            return Infinity;
        }
        return aIsOne ? Double(p) : Double(p, a);
    }

    /// <summary>The affine form, or false for the point at infinity (one variable-time field inversion).</summary>
    internal bool TryToAffine(out AffinePoint affine)
    {
        if (Z.IsZero)
        {
            affine = default;
            return false;
        }
        var zInv = VarTimeInverse.Invert(Z);
        var zInv2 = FieldOps.Sqr(zInv);
        affine = new AffinePoint(X * zInv2, Y * zInv2 * zInv);
        return true;
    }

    /// <summary>
    /// Converts many points to affine form with a single inversion (Montgomery's trick). None may be infinity.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void BatchToAffine(ReadOnlySpan<JacobianPoint> points, Span<AffinePoint> destination)
    {
        if (points.Length == 0)
        {
            return;
        }
        var prefix = new Felt[points.Length];
        var acc = Felt.One;
        for (var i = 0; i < points.Length; i++)
        {
            if (points[i].Z.IsZero)
            {
                throw new InvalidOperationException("The point at infinity has no affine form.");
            }
            prefix[i] = acc;
            acc *= points[i].Z;
        }
        var inv = VarTimeInverse.Invert(acc);
        for (var i = points.Length - 1; i >= 0; i--)
        {
            var zInv = inv * prefix[i];
            inv *= points[i].Z;
            var zInv2 = FieldOps.Sqr(zInv);
            destination[i] = new AffinePoint(points[i].X * zInv2, points[i].Y * zInv2 * zInv);
        }
    }
}
