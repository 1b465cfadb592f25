using System.Runtime.CompilerServices;

namespace Starknet.Curve;

/// <summary>
/// Double-scalar multiplication u1·G + u2·Q for signature verification: u1·G from the precomputed signed 9-bit
/// generator table (at most 29 mixed additions, no doublings) and u2·Q by width-5 NAF (about 252 doublings and 42
/// additions).
/// All inputs are public; the code is variable time.
/// </summary>
internal static class DoubleScalar
{
    /// <summary>u1·G + u2·Q for a full public point Q (library verification).</summary>
    internal static JacobianPoint MultiplyAdd(in Scalar u1, in Scalar u2, in AffinePoint q)
    {
        var p1 = GeneratorTables.MultiplyVarTime(u1);
        var p2 = WnafMultiplier.Multiply(JacobianPoint.FromAffine(q), u2);
        return JacobianPoint.Add(p1, p2);
    }

    /// <summary>
    /// True when x(u1·G + u2·Q) == r or x(u1·G − u2·Q) == r, where Q is either curve point with x-coordinate
    /// <paramref name="qx"/> (the answer does not depend on the choice). The caller must have checked that
    /// <paramref name="qx"/> is an x-coordinate (x³ + x + β is a non-zero square). An infinite sum matches nothing.
    /// A key that verifies often gets a fixed-base table (<see cref="PublicKeyTables"/>) and skips the doublings.
    /// </summary>
    internal static bool XOnlyMatches(in Scalar u1, in Scalar u2, in Felt qx, in Felt r) =>
        PublicKeyTables.Find(qx) is { } table
            ? XOnlyMatches(u1, u2, table, r)
            : XOnlyMatchesByWnaf(u1, u2, qx, r);

    /// <summary><see cref="XOnlyMatches(in Scalar, in Scalar, in Felt, in Felt)"/> with Q's fixed-base table.</summary>
    internal static bool XOnlyMatches(in Scalar u1, in Scalar u2, FixedBaseTable qTable, in Felt r)
    {
        var p2 = qTable.MultiplyVarTime(u2);
        return SumOrDifferenceMatches(GeneratorTables.MultiplyVarTime(u1), p2.X, p2.Z.Square(), p2.IsInfinity, r);
    }

    /// <summary>
    /// <see cref="XOnlyMatches(in Scalar, in Scalar, in Felt, in Felt)"/> by width-5 NAF, with no table and no square root.
    /// </summary>
    /// <remarks>
    /// No square root is taken (p − 1 has 2-adicity 192, so Tonelli–Shanks would dominate). Instead, with
    /// c = qx³ + qx + β = y_Q², the map (x, y) ↦ (c·x, c·y_Q·y) is an isomorphism from E onto
    /// E': Y² = X³ + c²·X + c³·β, and it sends Q to Q' = (c·qx, c²), which needs no y_Q. So x(u2·Q) = x(u2·Q')/c.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool XOnlyMatchesByWnaf(in Scalar u1, in Scalar u2, in Felt qx, in Felt r)
    {
        var c = StarkCurve.RightHandSide(qx);
        var c2 = c.Square();
        var qPrime = new JacobianPoint(c * qx, c2, Felt.One);
        var p2 = WnafMultiplier.Multiply(qPrime, u2, c2);
        // x2 = X'/(Z'²·c): on E', then divided by c.
        return SumOrDifferenceMatches(GeneratorTables.MultiplyVarTime(u1), p2.X, p2.Z.Square() * c, p2.IsInfinity, r);
    }

    /// <summary>
    /// True when r is x(P1 + P2) or x(P1 − P2), for P1 in Jacobian form and P2 given by x2 = <paramref name="cc"/> /
    /// <paramref name="d"/> (or infinite). An infinite sum matches nothing.
    /// </summary>
    /// <remarks>
    /// <list type="number">
    /// <item>For P1 = (x1, ·) and P2 = (x2, ·) with x1 ≠ x2, x(P1 + P2) and x(P1 − P2) are the two roots of
    /// (x1 − x2)²·X² − S·X + T with S = 2(x1x2 + a)(x1 + x2) + 4b and T = (x1x2 − a)² − 4b(x1 + x2)
    /// (a = 1, b = β). r is one of them exactly when r²(x1 − x2)² − S·r + T = 0. With x1 = A/B and x2 = C/D the
    /// check is homogenised, so no inversion is needed.</item>
    /// <item>x1 = x2 means P2 = ±P1: the candidates are x(2·P1) and the point at infinity.</item>
    /// </list>
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool SumOrDifferenceMatches(in JacobianPoint p1, in Felt cc, in Felt d, bool p2Infinite, in Felt r)
    {
        var p1Infinite = p1.IsInfinity;
        if (p1Infinite && p2Infinite)
        {
            return false;
        }
        // x1 = A/B (Jacobian), x2 = C/D.
        var a = p1.X;
        var b = p1.Z.Square();
        if (p1Infinite)
        {
            return r * d == cc;
        }
        if (p2Infinite)
        {
            return r * b == a;
        }
        var ad = a * d;
        var cb = cc * b;
        var beta = StarkCurve.Beta;
        if (ad == cb)
        {
            // x(2P1) = ((x² − 1)² − 8βx) / (4(x³ + x + β)) with x = A/B, times B⁴ above and below.
            var aa = a.Square();
            var bb = b.Square();
            var num = (aa - bb).Square() - StarkCurve.Beta8 * a * b * bb;
            var den = (b * (a * (aa + bb) + beta * b * bb)).Double().Double();
            return r * den == num;
        }
        var e = ad - cb;            // (x1 − x2)·BD
        var f = a * cc;             // x1x2·BD
        var g = b * d;              // BD
        var h = ad + cb;            // (x1 + x2)·BD
        var s = ((f + g) * h).Double() + StarkCurve.Beta4 * g.Square();
        var t = (f - g).Square() - StarkCurve.Beta4 * g * h;
        return (r * e).Square() - r * s + t == Felt.Zero;
    }
}
