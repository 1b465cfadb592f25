using System.Runtime.CompilerServices;

namespace Starknet.Curve;

/// <summary>
/// Out-of-line field multiplication and squaring for the point formulas. <see cref="Felt"/>'s operators are marked
/// for aggressive inlining; a point formula with a dozen inlined Montgomery products exhausts the JIT's inlining
/// budget, after which even additions become calls that copy 32-byte structs. Keeping the products as ordinary calls
/// (arguments by reference) leaves room for the cheap additions to be inlined.
/// </summary>
internal static class FieldOps
{
    /// <summary>a·b mod p.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static Felt Mul(in Felt a, in Felt b) => a * b;

    /// <summary>a² mod p.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static Felt Sqr(in Felt a) => a * a;
}
