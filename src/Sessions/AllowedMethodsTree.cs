using Starknet;
using Starknet.Transactions;

namespace Sessions;

/// <summary>
/// The allowed-methods Merkle tree of a session (spec §6): one leaf per allowed method in request order (not sorted),
/// sorted-pair Poseidon hashing, 0 as the sibling of a trailing odd node. Built on <see cref="MerkleTree"/>.
/// </summary>
public sealed class AllowedMethodsTree
{
    private readonly MerkleTree _tree;
    private readonly AllowedMethod[] _methods;

    /// <summary>Builds the tree.</summary>
    /// <param name="methods">One or more allowed methods, in the order of the session request.</param>
    /// <exception cref="ArgumentNullException"><paramref name="methods"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="methods"/> is empty or holds null.</exception>
    public AllowedMethodsTree(IReadOnlyList<AllowedMethod> methods)
    {
        ArgumentNullException.ThrowIfNull(methods);
        if (methods.Count == 0)
        {
            throw new ArgumentException("A session needs at least one allowed method.", nameof(methods));
        }
        _methods = [.. methods];
        var leaves = new Felt[_methods.Length];
        for (var i = 0; i < leaves.Length; i++)
        {
            leaves[i] = (_methods[i] ?? throw new ArgumentException($"methods[{i}] is null.", nameof(methods))).Leaf;
        }
        _tree = new MerkleTree(leaves);
    }

    /// <summary>The allowed methods, in leaf order.</summary>
    public IReadOnlyList<AllowedMethod> Methods => _methods;

    /// <summary>The leaves, <see cref="AllowedMethod.Leaf"/> of each method in order.</summary>
    public IReadOnlyList<Felt> Leaves => _tree.Leaves;

    /// <summary>The root, <c>session.allowed_methods_root</c>.</summary>
    public Felt Root => _tree.Root;

    /// <summary>The proof of the method at <paramref name="methodIndex"/>: siblings bottom-up, including a 0 for a
    /// missing sibling at the end of an odd level; empty for a single method.</summary>
    /// <param name="methodIndex">Index in <see cref="Methods"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="methodIndex"/> is out of range.</exception>
    public Felt[] GetProof(int methodIndex) => _tree.GetProof(methodIndex);

    /// <summary>
    /// The index of the first allowed method with this contract and selector, or −1. x-sessions also proves the first
    /// match, so duplicate methods get the first one's proof.
    /// </summary>
    /// <param name="contractAddress">The called contract.</param>
    /// <param name="selector">The called selector.</param>
    public int IndexOf(Felt contractAddress, Felt selector) => _tree.IndexOf(AllowedMethod.ComputeLeaf(contractAddress, selector));

    /// <summary>
    /// The proofs for a transaction's calls, in call order (<c>proofs[j]</c> proves <c>calls[j]</c>), as the token
    /// carries them (spec §6, §10).
    /// </summary>
    /// <param name="calls">The calls of the transaction.</param>
    /// <exception cref="ArgumentNullException"><paramref name="calls"/> is null.</exception>
    /// <exception cref="ArgumentException">A call is not an allowed method (the message gives its index).</exception>
    public Felt[][] GetProofs(IReadOnlyList<Call> calls)
    {
        if (!TryGetProofs(calls, out var proofs, out var bad))
        {
            throw new ArgumentException($"calls[{bad}] ({calls[bad].To}, selector {calls[bad].Selector}) is not an allowed method of the session.", nameof(calls));
        }
        return proofs;
    }

    /// <summary>Like <see cref="GetProofs"/>, but returns false and the index of the first disallowed call.</summary>
    /// <param name="calls">The calls of the transaction.</param>
    /// <param name="proofs">The proofs in call order, or empty on failure.</param>
    /// <param name="disallowedCallIndex">The first call that is not allowed, or −1.</param>
    public bool TryGetProofs(IReadOnlyList<Call> calls, out Felt[][] proofs, out int disallowedCallIndex)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var result = new Felt[calls.Count][];
        for (var j = 0; j < calls.Count; j++)
        {
            var index = IndexOf(calls[j].To, calls[j].Selector);
            if (index < 0)
            {
                proofs = [];
                disallowedCallIndex = j;
                return false;
            }
            result[j] = GetProof(index);
        }
        proofs = result;
        disallowedCallIndex = -1;
        return true;
    }

    /// <summary>
    /// The contract's check of one call (spec §6, alexandria <c>verify</c>): the leaf of (<c>to</c>, <c>selector</c>)
    /// hashed up the proof must give <paramref name="root"/>.
    /// </summary>
    /// <param name="root">The session's allowed-methods root.</param>
    /// <param name="contractAddress">The called contract.</param>
    /// <param name="selector">The called selector.</param>
    /// <param name="proof">The call's proof.</param>
    public static bool Verify(Felt root, Felt contractAddress, Felt selector, ReadOnlySpan<Felt> proof) =>
        MerkleTree.Verify(root, AllowedMethod.ComputeLeaf(contractAddress, selector), proof);
}
