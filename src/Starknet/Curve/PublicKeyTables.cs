using System.Collections.Concurrent;

namespace Starknet.Curve;

/// <summary>
/// Fixed-base tables for public keys that sign again and again (a session key for every move of a session, the
/// guardian for every cosignature, a relayer account for each of its transactions). With a key's table, u2·Q in a
/// verification is about 50 mixed additions instead of ~252 doublings and ~50 additions by wNAF, which makes the
/// whole verification about three times cheaper.
/// </summary>
/// <remarks>
/// A key gets its table at its <see cref="UsesBeforeTable"/>-th verification, so one-off keys never pay for one (a
/// table costs about as much as a few verifications). At most <see cref="MaxKeys"/> keys are followed (about 52 KB
/// of table each); when that many are, the cache starts over, which bounds the memory whatever keys arrive: a flood
/// of new keys costs the keys in use one rebuild each per <see cref="MaxKeys"/> new keys. Everything here is public
/// data; the code is variable time.
/// </remarks>
internal static class PublicKeyTables
{
    /// <summary>The verification of a key that builds its table.</summary>
    internal const int UsesBeforeTable = 8;

    /// <summary>How many keys are followed at most.</summary>
    internal const int MaxKeys = 512;

    // Signed 5-bit digits: 16 entries per window, 51 windows cover scalars below 2^254 (u2 < n < 2^252).
    private const int WindowBits = 5;
    private const int Windows = 51;

    private static readonly ConcurrentDictionary<Felt, Slot> s_slots = new();
    private static int s_count;

    /// <summary>Keys currently followed (for tests).</summary>
    internal static int Count => Volatile.Read(ref s_count);

    /// <summary>
    /// The table of the point with x-coordinate <paramref name="qx"/> (either of the two, see
    /// <see cref="DoubleScalar.XOnlyMatches(in Scalar, in Scalar, in Felt, in Felt)"/>), or null while the key has been seen fewer than
    /// <see cref="UsesBeforeTable"/> times. The caller has checked that <paramref name="qx"/> is an x-coordinate.
    /// </summary>
    internal static FixedBaseTable? Find(in Felt qx)
    {
        if (!s_slots.TryGetValue(qx, out var slot))
        {
            if (Volatile.Read(ref s_count) >= MaxKeys)
            {
                lock (s_slots)
                {
                    if (s_count >= MaxKeys)
                    {
                        s_slots.Clear();
                        s_count = 0;
                    }
                }
            }
            var fresh = new Slot();
            slot = s_slots.GetOrAdd(qx, fresh);
            if (ReferenceEquals(slot, fresh))
            {
                Interlocked.Increment(ref s_count);
            }
        }
        if (slot.Table is { } table)
        {
            return table;
        }
        // Exactly one caller builds; the others use the wNAF path until the table is there.
        if (Interlocked.Increment(ref slot.Uses) != UsesBeforeTable)
        {
            return null;
        }
        return slot.Table = Build(qx);
    }

    /// <summary>
    /// The key's table if it has one already, else null; unlike <see cref="Find"/> it neither counts a use nor builds.
    /// A table exists only for an x-coordinate of a curve point (it was built from a square root).
    /// </summary>
    internal static FixedBaseTable? Built(in Felt qx) => s_slots.TryGetValue(qx, out var slot) ? slot.Table : null;

    /// <summary>Builds the table of the point (qx, y) for one of the square roots y (public data, variable time).</summary>
    internal static FixedBaseTable Build(in Felt qx)
    {
        if (!StarkCurve.RightHandSide(qx).TrySqrt(out var y))
        {
            throw new ArgumentException("Not the x-coordinate of a curve point.", nameof(qx));
        }
        return new FixedBaseTable(new AffinePoint(qx, y), WindowBits, Windows, signed: true);
    }

    private sealed class Slot
    {
        public int Uses;
        public volatile FixedBaseTable? Table;
    }
}
