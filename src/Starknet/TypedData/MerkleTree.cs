using System.Buffers;

namespace Starknet;

/// <summary>
/// The Merkle tree of SNIP-12 revision 1 <c>merkletree</c> values and of Argent session allowed methods (spec §6),
/// as built by starknet.js <c>merkle.MerkleTree</c> with Poseidon and verified on-chain by alexandria.
/// </summary>
/// <remarks>
/// <para>Leaves keep their given order (they are not sorted). Each level pairs neighbours
/// <c>(l[0], l[1]), (l[2], l[3]), …</c>; a trailing odd node is paired with 0. A pair is hashed as
/// <c>H2(min(a, b), max(a, b))</c> with Poseidon, comparing canonical integer values. One leaf is its own root.</para>
/// <para>A proof lists the siblings from the bottom level up, including the 0 that stands in for the missing
/// sibling at the end of an odd level. An empty tree is rejected (starknet.js recurses forever on it).</para>
/// </remarks>
public sealed class MerkleTree
{
    // Pairs hashed by Verify (public data), at most 4096.
    private static readonly Internal.BoundedCache<(Felt, Felt), Felt> s_verifiedPairs = new(4096);

    // _levels[0] holds the leaves, the last level holds the root alone.
    private readonly Felt[][] _levels;

    /// <summary>Builds the tree over <paramref name="leaves"/>, in the given order.</summary>
    /// <param name="leaves">One or more leaf values (for sessions, the struct hashes of the allowed methods).</param>
    /// <exception cref="ArgumentException"><paramref name="leaves"/> is empty.</exception>
    public MerkleTree(ReadOnlySpan<Felt> leaves)
    {
        if (leaves.IsEmpty)
        {
            throw new ArgumentException("A Merkle tree needs at least one leaf.", nameof(leaves));
        }
        var levels = new List<Felt[]> { leaves.ToArray() };
        var current = levels[0];
        while (current.Length > 1)
        {
            var next = new Felt[(current.Length + 1) / 2];
            for (var i = 0; i < next.Length; i++)
            {
                var right = 2 * i + 1 < current.Length ? current[2 * i + 1] : Felt.Zero;
                next[i] = HashPair(current[2 * i], right);
            }
            levels.Add(next);
            current = next;
        }
        _levels = [.. levels];
    }

    /// <summary>Builds the tree over <paramref name="leaves"/>, in enumeration order.</summary>
    /// <param name="leaves">One or more leaf values.</param>
    /// <exception cref="ArgumentNullException"><paramref name="leaves"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="leaves"/> is empty.</exception>
    public MerkleTree(IEnumerable<Felt> leaves)
        : this((leaves ?? throw new ArgumentNullException(nameof(leaves))).ToArray().AsSpan())
    {
    }

    /// <summary>The root of the tree.</summary>
    public Felt Root => _levels[^1][0];

    /// <summary>The leaves, in the order given.</summary>
    public IReadOnlyList<Felt> Leaves => _levels[0];

    /// <summary>The number of leaves, at least 1.</summary>
    public int LeafCount => _levels[0].Length;

    /// <summary>The number of hashing levels above the leaves: ⌈log2(leaf count)⌉, which is also the proof length.</summary>
    public int Depth => _levels.Length - 1;

    /// <summary>The index of the first leaf equal to <paramref name="leaf"/>, or −1 (starknet.js also proves the first match).</summary>
    /// <param name="leaf">The leaf value to look for.</param>
    public int IndexOf(Felt leaf) => Array.IndexOf(_levels[0], leaf);

    /// <summary>
    /// The proof for the leaf at <paramref name="leafIndex"/>: its sibling at each level from the bottom up, with 0 for
    /// the missing sibling at the end of an odd level. It has <see cref="Depth"/> elements (none for a single leaf).
    /// </summary>
    /// <param name="leafIndex">Index in [0, <see cref="LeafCount"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="leafIndex"/> is outside the leaves.</exception>
    public Felt[] GetProof(int leafIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(leafIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(leafIndex, LeafCount);
        var proof = new Felt[Depth];
        var index = leafIndex;
        for (var level = 0; level < proof.Length; level++)
        {
            var nodes = _levels[level];
            var sibling = index ^ 1;
            proof[level] = sibling < nodes.Length ? nodes[sibling] : Felt.Zero;
            index >>= 1;
        }
        return proof;
    }

    /// <summary>
    /// Checks a proof as the contract does (alexandria <c>verify</c>): starting from the leaf, for each proof
    /// element <c>p</c>, <c>cur = cur &lt; p ? H2(cur, p) : H2(p, cur)</c>; valid when the result is the root.
    /// </summary>
    /// <param name="root">The expected root.</param>
    /// <param name="leaf">The leaf value being proven.</param>
    /// <param name="proof">Siblings from the bottom level up (empty for a single-leaf tree).</param>
    /// <returns>True when the proof leads from <paramref name="leaf"/> to <paramref name="root"/>.</returns>
    public static bool Verify(Felt root, Felt leaf, ReadOnlySpan<Felt> proof)
    {
        var current = leaf;
        foreach (var sibling in proof)
        {
            // The same few paths are checked for every transaction of a session (by the guardian and the chain), so
            // their pairs are memoized: a hit saves a Poseidon permutation.
            var key = current <= sibling ? (current, sibling) : (sibling, current);
            if (!s_verifiedPairs.TryGet(key, out var parent))
            {
                parent = Poseidon.Hash(key.Item1, key.Item2);
                s_verifiedPairs.Add(key, parent);
            }
            current = parent;
        }
        return current == root;
    }

    /// <summary>The root over <paramref name="leaves"/> without keeping the tree (no proofs).</summary>
    /// <param name="leaves">One or more leaf values.</param>
    /// <exception cref="ArgumentException"><paramref name="leaves"/> is empty.</exception>
    public static Felt ComputeRoot(ReadOnlySpan<Felt> leaves)
    {
        if (leaves.IsEmpty)
        {
            throw new ArgumentException("A Merkle tree needs at least one leaf.", nameof(leaves));
        }
        if (leaves.Length == 1)
        {
            return leaves[0];
        }
        var rented = ArrayPool<Felt>.Shared.Rent((leaves.Length + 1) / 2);
        try
        {
            var scratch = rented.AsSpan();
            var count = ReduceLevel(leaves, scratch);
            while (count > 1)
            {
                count = ReduceLevel(scratch[..count], scratch);
            }
            return scratch[0];
        }
        finally
        {
            ArrayPool<Felt>.Shared.Return(rented);
        }
    }

    /// <summary><c>H2(min(a, b), max(a, b))</c>: the Poseidon hash of a sorted pair (spec §6).</summary>
    /// <param name="a">One node.</param>
    /// <param name="b">The other node.</param>
    public static Felt HashPair(Felt a, Felt b) => a <= b ? Poseidon.Hash(a, b) : Poseidon.Hash(b, a);

    // Hashes one level into destination (which may alias source: node i only reads source[2i], source[2i+1]).
    private static int ReduceLevel(ReadOnlySpan<Felt> source, Span<Felt> destination)
    {
        var count = (source.Length + 1) / 2;
        for (var i = 0; i < count; i++)
        {
            var right = 2 * i + 1 < source.Length ? source[2 * i + 1] : Felt.Zero;
            destination[i] = HashPair(source[2 * i], right);
        }
        return count;
    }
}
