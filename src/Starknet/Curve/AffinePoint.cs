namespace Starknet.Curve;

/// <summary>An affine point on a short Weierstrass curve; never the point at infinity.</summary>
internal readonly struct AffinePoint(Felt x, Felt y)
{
    internal readonly Felt X = x;
    internal readonly Felt Y = y;

    internal AffinePoint Negate() => new(X, -Y);

    internal StarkPoint ToStarkPoint() => new(X, Y);

    internal static AffinePoint FromStarkPoint(in StarkPoint point) => new(point.X, point.Y);
}
