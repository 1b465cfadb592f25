namespace Starknet.Devnet.Execution;

/// <summary>Conversions between felts and the integer types of Cairo values.</summary>
internal static class FeltValues
{
    /// <summary><c>'VALID'</c> = 0x56414c4944, what SNIP-6 <c>is_valid_signature</c> returns (Starknet's <c>VALIDATED</c>).</summary>
    public static Felt Valid { get; } = CairoShortString.Encode("VALID");

    public static bool TryToUInt64(Felt value, out ulong result)
    {
        value.ToCanonicalLimbs(out var l0, out var l1, out var l2, out var l3);
        result = l0;
        return (l1 | l2 | l3) == 0;
    }

    public static bool TryToUInt128(Felt value, out UInt128 result)
    {
        value.ToCanonicalLimbs(out var l0, out var l1, out var l2, out var l3);
        result = new UInt128(l1, l0);
        return (l2 | l3) == 0;
    }

    public static Felt Bool(bool value) => value ? Felt.One : Felt.Zero;

    /// <summary>A u256 as <c>[low, high]</c>.</summary>
    public static Felt[] U256(UInt128 value) => [Felt.FromUInt128(value), Felt.Zero];
}
