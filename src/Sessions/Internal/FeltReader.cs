using System.Diagnostics.CodeAnalysis;
using Starknet;

namespace Sessions.Internal;

/// <summary>
/// Reads Cairo Serde data front to back, like a Cairo <c>Span&lt;felt252&gt;</c> being popped, and reports errors
/// with the absolute offset in the caller's array. Lengths are checked against what remains before anything is
/// allocated, so a claimed length of 2^60 costs nothing.
/// </summary>
internal ref struct FeltReader
{
    private readonly ReadOnlySpan<Felt> _data;
    private readonly int _baseOffset;
    private readonly string _truncatedError;
    private int _position;

    /// <param name="data">The data to read.</param>
    /// <param name="baseOffset">Offset of <paramref name="data"/>[0] in the array the caller reports against.</param>
    /// <param name="truncatedError">Contract error for running out of data.</param>
    public FeltReader(ReadOnlySpan<Felt> data, int baseOffset, string truncatedError)
    {
        _data = data;
        _baseOffset = baseOffset;
        _truncatedError = truncatedError;
        _position = 0;
    }

    public readonly int Remaining => _data.Length - _position;

    public readonly int Offset => _baseOffset + _position;

    public bool TryRead(string field, out Felt value, [NotNullWhen(false)] out ParseError? error)
    {
        if (_position >= _data.Length)
        {
            value = default;
            error = new ParseError(Offset, field, $"The data ends where {field} is expected", _truncatedError);
            return false;
        }
        value = _data[_position++];
        error = null;
        return true;
    }

    /// <summary>A u64 (Cairo's felt → u64 conversion fails above 2^64 − 1).</summary>
    public bool TryReadUInt64(string field, out ulong value, [NotNullWhen(false)] out ParseError? error)
    {
        var offset = Offset;
        if (!TryRead(field, out var felt, out error))
        {
            value = 0;
            return false;
        }
        if (!TryGetUInt64(felt, out value))
        {
            error = new ParseError(offset, field, $"{field} is {felt}, which does not fit in a u64", _truncatedError);
            return false;
        }
        return true;
    }

    /// <summary>
    /// A <c>Span&lt;felt252&gt;</c> as Cairo 2.10 deserializes it: a u32 length (larger values fail with
    /// <paramref name="overflowError"/>), then that many elements sliced off (more than remain panics with
    /// <paramref name="outOfBoundsError"/>).
    /// </summary>
    public bool TrySlice(string field, string overflowError, string outOfBoundsError, out ReadOnlySpan<Felt> slice, out int sliceOffset, [NotNullWhen(false)] out ParseError? error)
    {
        slice = default;
        sliceOffset = 0;
        var lengthOffset = Offset;
        if (!TryRead($"{field} length", out var lengthFelt, out error))
        {
            return false;
        }
        if (!TryGetUInt64(lengthFelt, out var length) || length > uint.MaxValue)
        {
            error = new ParseError(lengthOffset, $"{field} length", $"{field} claims {lengthFelt} elements, more than a u32 can count", overflowError);
            return false;
        }
        if (length > (ulong)Remaining)
        {
            error = new ParseError(lengthOffset, $"{field} length", $"{field} claims {length} elements but only {Remaining} felts remain", outOfBoundsError);
            return false;
        }
        sliceOffset = Offset;
        slice = _data.Slice(_position, (int)length);
        _position += (int)length;
        return true;
    }

    public static bool TryGetUInt64(Felt felt, out ulong value)
    {
        felt.ToCanonicalLimbs(out var l0, out var l1, out var l2, out var l3);
        value = l0;
        return (l1 | l2 | l3) == 0;
    }
}
