using System.Runtime.CompilerServices;

namespace Starknet.Curve;

/// <summary>
/// Precomputed multiples of one fixed point P for fixed-window scalar multiplication without doublings:
/// entry (i, d) = d·2^(w·i)·P for window i. Unsigned tables hold digits d in [1, 2^w); signed tables hold
/// d in [1, 2^(w−1)] and serve recoded digits in [−2^(w−1), 2^(w−1)) by negating y, which halves the memory for a
/// given width. Entries are affine, computed once with a single batched inversion.
/// </summary>
internal sealed class FixedBaseTable
{
    private readonly AffinePoint[] _entries;
    private readonly int _windowBits;
    private readonly int _windows;
    private readonly int _perWindow;
    private readonly bool _signed;

    /// <param name="basePoint">The fixed point P.</param>
    /// <param name="windowBits">Digit width w, 2 to 16.</param>
    /// <param name="windows">How many windows. Unsigned: scalars up to w·windows bits. Signed: up to
    /// w·windows − 1 bits (recoding may carry into the window above the top bit).</param>
    /// <param name="signed">Whether digits are signed.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal FixedBaseTable(in AffinePoint basePoint, int windowBits, int windows, bool signed = false)
    {
        if (windowBits is < 2 or > 16)
        {
            throw new ArgumentOutOfRangeException(nameof(windowBits), "Window width must be 2 to 16 bits.");
        }
        _windowBits = windowBits;
        _windows = windows;
        _signed = signed;
        _perWindow = signed ? 1 << (windowBits - 1) : (1 << windowBits) - 1;

        var jacobian = new JacobianPoint[windows * _perWindow];
        var windowBase = basePoint;
        for (var i = 0; i < windows; i++)
        {
            var offset = i * _perWindow;
            var current = JacobianPoint.FromAffine(windowBase);
            jacobian[offset] = current;
            for (var d = 1; d < _perWindow; d++)
            {
                current = JacobianPoint.AddMixed(current, windowBase);
                jacobian[offset + d] = current;
            }
            if (i + 1 < windows)
            {
                // 2^w·base: the last entry plus base (unsigned) or the last entry doubled (signed, 2^(w−1)·base).
                var next = signed ? JacobianPoint.Double(current) : JacobianPoint.AddMixed(current, windowBase);
                if (!next.TryToAffine(out windowBase))
                {
                    throw new InvalidOperationException("The base point has small order.");
                }
            }
        }
        _entries = new AffinePoint[jacobian.Length];
        JacobianPoint.BatchToAffine(jacobian, _entries);
    }

    /// <summary>The entry d·2^(w·window)·P (d from 1 to the largest digit); for tests.</summary>
    internal AffinePoint Entry(int window, int digit) => _entries[window * _perWindow + digit - 1];

    /// <summary>k·P for a public scalar k (signed tables need w·windows − 1 ≥ 252). Variable time.</summary>
    internal JacobianPoint MultiplyVarTime(in Scalar k)
    {
        k.ToCanonicalLimbs(out var l0, out var l1, out var l2, out var l3);
        var acc = JacobianPoint.Infinity;
        AddMultipleVarTime(ref acc, l0, l1, l2, l3);
        return acc;
    }

    /// <summary>
    /// acc += k·P where k is the 256-bit little-endian value l shifted right by <paramref name="bitOffset"/> and cut
    /// to the table's width. Variable time (skips zero digits, indexes by digit): public scalars only.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void AddMultipleVarTime(ref JacobianPoint acc, ulong l0, ulong l1, ulong l2, ulong l3, int bitOffset = 0)
    {
        ReadOnlySpan<ulong> limbs = [l0, l1, l2, l3];
        var entries = _entries.AsSpan();
        var w = _windowBits;
        if (!_signed)
        {
            for (var i = 0; i < _windows; i++)
            {
                var digit = (int)Bits(limbs, bitOffset + i * w, w);
                if (digit != 0)
                {
                    acc = JacobianPoint.AddMixed(acc, entries[i * _perWindow + digit - 1]);
                }
            }
            return;
        }
        var half = 1 << (w - 1);
        var carry = 0;
        for (var i = 0; i < _windows; i++)
        {
            var digit = (int)Bits(limbs, bitOffset + i * w, w) + carry;
            carry = digit > half ? 1 : 0; // digits in (−2^(w−1), 2^(w−1)]
            digit -= carry << w;
            if (digit > 0)
            {
                acc = JacobianPoint.AddMixed(acc, entries[i * _perWindow + digit - 1]);
            }
            else if (digit < 0)
            {
                acc = JacobianPoint.AddMixed(acc, entries[i * _perWindow - digit - 1].Negate());
            }
        }
    }

    /// <summary>
    /// k·P for a secret k given as little-endian limbs (bits above the table's width are ignored; a signed table needs
    /// k below 2^(w·windows − 1)). Constant time: every window reads every entry and mask-selects the wanted one, and the
    /// complete RCB mixed addition runs for every window, its result discarded by mask when the digit is zero. With a
    /// signed table the digits are recoded into (−2^(w−1), 2^(w−1)] by masks and a negative one negates the selected
    /// y by mask. No branch or memory index depends on k.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal ProjectivePoint MultiplyConstantTime(ulong l0, ulong l1, ulong l2, ulong l3)
    {
        ReadOnlySpan<ulong> limbs = [l0, l1, l2, l3];
        var entries = _entries.AsSpan();
        var acc = ProjectivePoint.Identity;
        var half = 1UL << (_windowBits - 1);
        var carry = 0UL;
        for (var i = 0; i < _windows; i++)
        {
            var digit = Bits(limbs, i * _windowBits, _windowBits); // public position, secret value
            var negative = 0UL;
            if (_signed) // public: the table's kind
            {
                // digit + carry in [0, 2^w]; above half it becomes digit + carry − 2^w (negative) and carries 1.
                digit += carry;
                carry = (half - digit) >> 63;
                digit -= carry << _windowBits;
                negative = (ulong)((long)digit >> 63);
                digit = (digit ^ negative) - negative; // |digit|, in [0, half]
            }
            var window = entries.Slice(i * _perWindow, _perWindow);
            var x = window[0].X;
            var y = window[0].Y;
            for (var j = 1; j < window.Length; j++)
            {
                var mask = EqualMask((ulong)j + 1, digit);
                x = Felt.ConditionalSelect(mask, window[j].X, x);
                y = Felt.ConditionalSelect(mask, window[j].Y, y);
            }
            y = Felt.ConditionalSelect(negative, -y, y);
            var sum = ProjectivePoint.AddMixed(acc, new AffinePoint(x, y));
            acc = ProjectivePoint.ConditionalSelect(EqualMask(digit, 0), acc, sum);
        }
        return acc;
    }

    /// <summary>Bits [position, position + width) of the 256-bit value (zero beyond bit 255). Branches only on the
    /// public position.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Bits(ReadOnlySpan<ulong> limbs, int position, int width)
    {
        var k = position >> 6;
        if (k >= 4)
        {
            return 0;
        }
        var shift = position & 63;
        var v = limbs[k] >> shift;
        if (shift + width > 64 && k < 3)
        {
            v |= limbs[k + 1] << (64 - shift);
        }
        return v & ((1UL << width) - 1);
    }

    /// <summary>All ones when a == b, zero otherwise; branch-free.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong EqualMask(ulong a, ulong b)
    {
        var x = a ^ b;
        return ((x | (0UL - x)) >> 63) - 1;
    }
}
