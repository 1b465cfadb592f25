using System.Runtime.CompilerServices;

namespace Starknet.Curve;

/// <summary>
/// A point in homogeneous projective coordinates (X : Y : Z) standing for (X/Z, Y/Z); the point at infinity is
/// (0 : 1 : 0). Addition uses the complete formulas of Renes, Costello and Batina, "Complete addition formulas for
/// prime order elliptic curves" (EUROCRYPT 2016, eprint 2015/1060), Algorithms 1 and 2 with a = α = 1 and
/// b3 = 3β. They are exception-free on a prime-order curve (infinity, doubling and opposite points included), so the
/// same straight-line code runs for every input: this is the path for secret scalars.
/// </summary>
internal readonly struct ProjectivePoint
{
    internal readonly Felt X, Y, Z;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ProjectivePoint(in Felt x, in Felt y, in Felt z)
    {
        X = x; Y = y; Z = z;
    }

    internal static ProjectivePoint Identity => new(Felt.Zero, Felt.One, Felt.Zero);

    internal static ProjectivePoint FromAffine(in AffinePoint p) => new(p.X, p.Y, Felt.One);

    /// <summary>Mask-selects a when mask is all ones and b when it is zero, without branching.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ProjectivePoint ConditionalSelect(ulong mask, in ProjectivePoint a, in ProjectivePoint b) => new(
        Felt.ConditionalSelect(mask, a.X, b.X),
        Felt.ConditionalSelect(mask, a.Y, b.Y),
        Felt.ConditionalSelect(mask, a.Z, b.Z));

    /// <summary>P + Q for any two points (RCB Algorithm 1, 12M + 2·m_{3b} with a = 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static ProjectivePoint Add(in ProjectivePoint p, in ProjectivePoint q)
    {
        var b3 = StarkCurve.Beta3;
        var t0 = FieldOps.Mul(p.X, q.X);
        var t1 = FieldOps.Mul(p.Y, q.Y);
        var t2 = FieldOps.Mul(p.Z, q.Z);
        var t3 = FieldOps.Mul(p.X + p.Y, q.X + q.Y);
        var t4 = t0 + t1;
        t3 -= t4;                               // X1·Y2 + X2·Y1
        t4 = FieldOps.Mul(p.X + p.Z, q.X + q.Z);
        var t5 = t0 + t2;
        t4 -= t5;                               // X1·Z2 + X2·Z1
        t5 = FieldOps.Mul(p.Y + p.Z, q.Y + q.Z);
        var x3 = t1 + t2;
        t5 -= x3;                               // Y1·Z2 + Y2·Z1
        var z3 = t4;                            // a·t4
        x3 = FieldOps.Mul(b3, t2);
        z3 = x3 + z3;
        x3 = t1 - z3;
        z3 = t1 + z3;
        var y3 = FieldOps.Mul(x3, z3);
        t1 = t0 + t0 + t0;
        // t2 = a·t2 = t2
        t4 = FieldOps.Mul(b3, t4);
        t1 += t2;
        t2 = t0 - t2;                           // a·(t0 − a·t2)
        t4 += t2;
        t0 = FieldOps.Mul(t1, t4);
        y3 += t0;
        t0 = FieldOps.Mul(t5, t4);
        x3 = FieldOps.Mul(x3, t3) - t0;
        t0 = FieldOps.Mul(t3, t1);
        z3 = FieldOps.Mul(z3, t5) + t0;
        return new ProjectivePoint(x3, y3, z3);
    }

    /// <summary>
    /// P + Q with Q affine (RCB Algorithm 2, 11M + 2·m_{3b} with a = 1). Complete for every projective P, including
    /// the identity; Q must be an affine curve point (never the identity).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static ProjectivePoint AddMixed(in ProjectivePoint p, in AffinePoint q)
    {
        var b3 = StarkCurve.Beta3;
        var t0 = FieldOps.Mul(p.X, q.X);
        var t1 = FieldOps.Mul(p.Y, q.Y);
        var t3 = FieldOps.Mul(q.X + q.Y, p.X + p.Y);
        var t4 = t0 + t1;
        t3 -= t4;                               // X1·Y2 + X2·Y1
        t4 = FieldOps.Mul(q.X, p.Z) + p.X;      // X1 + X2·Z1
        var t5 = FieldOps.Mul(q.Y, p.Z) + p.Y;  // Y1 + Y2·Z1
        var z3 = t4;                            // a·t4
        var x3 = FieldOps.Mul(b3, p.Z);
        z3 = x3 + z3;
        x3 = t1 - z3;
        z3 = t1 + z3;
        var y3 = FieldOps.Mul(x3, z3);
        t1 = t0 + t0 + t0;
        var t2 = p.Z;                           // a·Z1
        t4 = FieldOps.Mul(b3, t4);
        t1 += t2;
        t2 = t0 - t2;                           // a·(t0 − a·Z1)
        t4 += t2;
        t0 = FieldOps.Mul(t1, t4);
        y3 += t0;
        t0 = FieldOps.Mul(t5, t4);
        x3 = FieldOps.Mul(x3, t3) - t0;
        t0 = FieldOps.Mul(t3, t1);
        z3 = FieldOps.Mul(z3, t5) + t0;
        return new ProjectivePoint(x3, y3, z3);
    }

    /// <summary>
    /// Affine coordinates by one constant-time inversion (Z^(p−2)). The identity maps to (0, 0), which is not on the
    /// curve; callers that can meet the identity must check <see cref="IsIdentity"/> first.
    /// </summary>
    internal AffinePoint ToAffine()
    {
        var zInv = Z.InverseOrZero();
        return new AffinePoint(X * zInv, Y * zInv);
    }

    internal bool IsIdentity => Z.IsZero;

    internal JacobianPoint ToJacobian()
    {
        // (X/Z, Y/Z) = (XZ / Z², YZ² / Z³).
        var z2 = Z.Square();
        return new JacobianPoint(X * Z, Y * z2, Z);
    }
}
