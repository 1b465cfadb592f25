using Starknet.Curve;

namespace Starknet;

/// <summary>
/// The Starknet Pedersen hash (spec §2.3), as computed by @scure/starknet <c>pedersen</c> and Cairo's
/// <c>pedersen</c> builtin: <c>H(a, b) = x(P0 + a_low·P1 + a_high·P2 + b_low·P3 + b_high·P4)</c> with
/// <c>v_low = v mod 2^248</c> and <c>v_high = v &gt;&gt; 248</c>. Not used by the session protocol (which is
/// Poseidon-based); provided for legacy typed data (revision 0) and outside execution v1.
/// </summary>
/// <remarks>
/// Uses precomputed affine tables (signed 11-bit windows for the 248-bit low parts, about 3 MB, and the 81 possible
/// start points P0 + a_high·P2 + b_high·P4; built once on first use), at most 46 Jacobian mixed additions and one
/// variable-time inversion per hash. No heap allocation per call. Variable time: do not hash secrets with it.
/// </remarks>
public static class Pedersen
{
    private const int LowBits = 248;
    private const ulong LowTopLimbMask = (1UL << (LowBits - 192)) - 1;

    // Signed 11-bit windows for the 248-bit low parts: 23 windows cover 253 bits, enough for the recoding carry.
    // 23 × 1024 affine entries ≈ 1.5 MB per point, 46 additions per hash instead of 62 with 8-bit windows.
    private const int LowWindowBits = 11;
    private const int LowWindows = 23;

    // Every felt is below p < 9·2^248, so the high part of an input is at most 8.
    private const int HighValues = 9;

    private static readonly Lazy<Tables> s_tables = new(() => new Tables());

    /// <summary>Pedersen hash of two field elements (inputs are already below p, as the library requires).</summary>
    /// <param name="a">First input, any felt in [0, p).</param>
    /// <param name="b">Second input, any felt in [0, p).</param>
    /// <returns>The x-coordinate of the combined point, a felt.</returns>
    public static Felt Hash(Felt a, Felt b)
    {
        var tables = s_tables.Value;
        a.ToCanonicalLimbs(out var a0, out var a1, out var a2, out var a3);
        b.ToCanonicalLimbs(out var b0, out var b1, out var b2, out var b3);
        // High parts (bits 248..251): one precomputed start point P0 + a_high·P2 + b_high·P4.
        var high = (int)(a3 >> (LowBits - 192)) * HighValues + (int)(b3 >> (LowBits - 192));
        var acc = JacobianPoint.FromAffine(tables.Start[high]);
        // Low parts (bits 0..247): 23 signed windows of 11 bits each.
        tables.P1.AddMultipleVarTime(ref acc, a0, a1, a2, a3 & LowTopLimbMask);
        tables.P3.AddMultipleVarTime(ref acc, b0, b1, b2, b3 & LowTopLimbMask);
        if (!acc.TryToAffine(out var result))
        {
            // Would need a known discrete-log relation between the constant points.
            throw new InvalidOperationException("Pedersen hash reached the point at infinity.");
        }
        return result.X;
    }

    /// <summary>
    /// <c>compute_hash_on_elements</c> (starknet.js <c>computeHashOnElements</c>): fold <c>h = H(h, e)</c> from
    /// <c>h = 0</c> over the elements, then return <c>H(h, count)</c>. The empty list gives <c>H(0, 0)</c>.
    /// </summary>
    /// <param name="elements">The elements to hash, in order.</param>
    public static Felt HashOnElements(params ReadOnlySpan<Felt> elements)
    {
        var h = Felt.Zero;
        foreach (var element in elements)
        {
            h = Hash(h, element);
        }
        return Hash(h, new Felt((ulong)elements.Length));
    }

    private sealed class Tables
    {
        // The five Pedersen constant points P0..P4, copied from crypto.json → constants.pedersen_points (spec §2.3;
        // the PEDERSEN_POINTS of @scure/starknet 1.1.0).
        internal static readonly AffinePoint P0 = Point(
            "0x49ee3eba8c1600700ee1b87eb599f16716b0b1022947733551fde4050ca6804",
            "0x3ca0cfe4b3bc6ddf346d49d06ea0ed34e621062c0e056c1d0405d266e10268a");

        internal static readonly AffinePoint Point1 = Point(
            "0x234287dcbaffe7f969c748655fca9e58fa8120b6d56eb0c1080d17957ebe47b",
            "0x3b056f100f96fb21e889527d41f4e39940135dd7a6c94cc6ed0268ee89e5615");

        internal static readonly AffinePoint Point2 = Point(
            "0x4fa56f376c83db33f9dab2656558f3399099ec1de5e3018b7a6932dba8aa378",
            "0x3fa0984c931c9e38113e0c0e47e4401562761f92a7a23b45168f4e80ff5b54d");

        internal static readonly AffinePoint Point3 = Point(
            "0x4ba4cc166be8dec764910f75b45f74b40c690c74709e90f3aa372f0bd2d6997",
            "0x40301cf5c1751f4b971e46c4ede85fcac5c59a5ce5ae7c48151f27b24b219c");

        internal static readonly AffinePoint Point4 = Point(
            "0x54302dcb0e6cc1c6e44cca8f61a63bb2ca65048d53fb325d36ff12c49a58202",
            "0x1b77b3e37d13504b348046268d8ae25ce98ad783c25561a879dcc77e99c2426");

        internal readonly FixedBaseTable P1 = new(Point1, LowWindowBits, LowWindows, signed: true);
        internal readonly FixedBaseTable P3 = new(Point3, LowWindowBits, LowWindows, signed: true);

        /// <summary>P0 + h_a·P2 + h_b·P4 at index h_a·9 + h_b, for high parts h_a, h_b in [0, 8].</summary>
        internal readonly AffinePoint[] Start = BuildStart();

        private static AffinePoint[] BuildStart()
        {
            var jacobian = new JacobianPoint[HighValues * HighValues];
            var rowStart = JacobianPoint.FromAffine(P0);
            for (var ha = 0; ha < HighValues; ha++)
            {
                var current = rowStart;
                for (var hb = 0; hb < HighValues; hb++)
                {
                    jacobian[ha * HighValues + hb] = current;
                    current = JacobianPoint.AddMixed(current, Point4);
                }
                rowStart = JacobianPoint.AddMixed(rowStart, Point2);
            }
            var start = new AffinePoint[jacobian.Length];
            JacobianPoint.BatchToAffine(jacobian, start);
            return start;
        }

        private static AffinePoint Point(string x, string y) => new(Felt.Parse(x), Felt.Parse(y));
    }

    /// <summary>The constant points P0..P4 (for tests).</summary>
    internal static AffinePoint ConstantPoint(int index) => index switch
    {
        0 => Tables.P0,
        1 => Tables.Point1,
        2 => Tables.Point2,
        3 => Tables.Point3,
        4 => Tables.Point4,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };
}
