namespace Starknet.Curve;

/// <summary>
/// Constants of the STARK curve y² = x³ + α·x + β with α = 1 over F_p (spec §2.1, crypto.json → constants).
/// The group of points has prime order n (cofactor 1), so there are no points of order 2 and x³ + x + β has no
/// root in F_p.
/// </summary>
internal static class StarkCurve
{
    /// <summary>β = 0x6f21413efbe40de150e596d72f7a8c5609ad26c15c915c1f4cdfcb99cee9e89.</summary>
    internal static readonly Felt Beta = Felt.FromCanonicalLimbs(0xf4cdfcb99cee9e89, 0x609ad26c15c915c1, 0x150e596d72f7a8c5, 0x06f21413efbe40de);

    /// <summary>3β, the constant of the complete addition formulas.</summary>
    internal static readonly Felt Beta3 = Beta + Beta + Beta;

    /// <summary>4β and 8β, used by the x-only verification formulas.</summary>
    internal static readonly Felt Beta4 = Beta3 + Beta;

    internal static readonly Felt Beta8 = Beta4 + Beta4;

    /// <summary>The generator G (spec §2.1).</summary>
    internal static readonly AffinePoint Generator = new(
        Felt.Parse("0x1ef15c18599971b7beced415a40f0c7deacfd9b0d1819e03d723d8bc943cfca"),
        Felt.Parse("0x5668060aa49730b7be4801df46ec62de53ecd11abe43a32873000c36e8dc1f"));

    /// <summary>The curve order n as a field element (n &lt; p).</summary>
    internal static readonly Felt OrderAsFelt = Felt.FromCanonicalLimbs(Scalar.N0, Scalar.N1, Scalar.N2, Scalar.N3);

    /// <summary>p − n (a 127-bit value): x-coordinates at or above n reduce to values below this.</summary>
    internal static readonly Felt FieldMinusOrder = -OrderAsFelt;

    /// <summary>x³ + x + β: the value y² must take for a point with this x-coordinate.</summary>
    internal static Felt RightHandSide(in Felt x) => (x.Square() + Felt.One) * x + Beta;

    /// <summary>True when (x, y) satisfies the curve equation.</summary>
    internal static bool IsOnCurve(in Felt x, in Felt y) => y.Square() == RightHandSide(x);

    /// <summary>True when some curve point has this x-coordinate (x³ + x + β is a square). Public data only.</summary>
    internal static bool IsXCoordinate(in Felt x) => RightHandSide(x).Legendre() >= 0;
}
