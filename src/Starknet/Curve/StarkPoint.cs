namespace Starknet;

/// <summary>
/// A point (x, y) on the STARK curve y² = x³ + x + β over the field of <see cref="Felt"/> (spec §2.1), in affine
/// coordinates. The point at infinity has no affine form and is never represented by this type.
/// </summary>
/// <param name="X">The x-coordinate; for a public key this is the "stark key" used on-chain.</param>
/// <param name="Y">The y-coordinate; (X, −Y) is the negated point and has the same x.</param>
public readonly record struct StarkPoint(Felt X, Felt Y)
{
    /// <summary>True when y² = x³ + x + β holds for this pair.</summary>
    public bool IsOnCurve => Curve.StarkCurve.IsOnCurve(X, Y);

    /// <summary>The negated point (x, −y).</summary>
    public StarkPoint Negate() => new(X, -Y);
}
