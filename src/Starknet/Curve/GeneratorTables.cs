namespace Starknet.Curve;

/// <summary>
/// Lazily built fixed-base tables for the generator G. The signed 5-bit table (51 windows × 16 entries, about 52 KB)
/// serves secret scalars with constant-time selection and recoding (51 additions where unsigned 4-bit windows took 63);
/// the signed 9-bit table (29 windows × 256 entries, about 470 KB) serves public scalars during verification, where
/// fewer additions matter more than memory.
/// </summary>
internal static class GeneratorTables
{
    private static readonly Lazy<FixedBaseTable> s_constantTime = new(() => new FixedBaseTable(StarkCurve.Generator, 5, 51, signed: true));
    private static readonly Lazy<FixedBaseTable> s_public = new(() => new FixedBaseTable(StarkCurve.Generator, 9, 29, signed: true));

    /// <summary>The signed 5-bit table covering scalars below 2^254 (n &lt; 2^252).</summary>
    internal static FixedBaseTable ConstantTime => s_constantTime.Value;

    /// <summary>The signed 9-bit table covering scalars below 2^260.</summary>
    internal static FixedBaseTable Public => s_public.Value;

    /// <summary>k·G for a secret k in [0, n), constant time (complete formulas, masked table scans).</summary>
    internal static ProjectivePoint MultiplyConstantTime(in Scalar k)
    {
        k.ToCanonicalLimbs(out var l0, out var l1, out var l2, out var l3);
        return ConstantTime.MultiplyConstantTime(l0, l1, l2, l3);
    }

    /// <summary>k·G for a public k, variable time (at most 29 mixed additions).</summary>
    internal static JacobianPoint MultiplyVarTime(in Scalar k) => Public.MultiplyVarTime(k);
}
