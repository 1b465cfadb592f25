using Sessions.Tests.Support;
using Starknet;
using Starknet.Tests.Infrastructure;
using Starknet.Transactions;

namespace Sessions.Tests;

/// <summary>Allowed-methods Merkle tree: leaves, root, per-method proofs and per-call proofs (spec §6).</summary>
[Trait("Category", "Vectors")]
public sealed class AllowedMethodsTreeTests
{
    public static TheoryData<int> Cases() => SessionCases.All();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Tree_Case_MatchesLeavesRootAndProofs(int index)
    {
        var c = SessionCases.Case(index);
        var merkle = c.GetProperty("allowed_methods_merkle");
        var tree = SessionCases.Request(c).AllowedMethodsTree;

        var leaves = merkle.GetProperty("leaves").EnumerateArray().ToArray();
        Assert.Equal(leaves.Length, tree.Leaves.Count);
        for (var i = 0; i < leaves.Length; i++)
        {
            Assert.Equal(leaves[i].Felt("contract_address"), tree.Methods[i].ContractAddress);
            Assert.Equal(leaves[i].GetProperty("selector_name").GetString(), tree.Methods[i].EntryPoint);
            Assert.Equal(leaves[i].Felt("selector"), tree.Methods[i].Selector);
            Assert.Equal(leaves[i].Felt("leaf"), tree.Leaves[i]);
        }
        Assert.Equal(merkle.Felt("root"), tree.Root);

        var proofs = merkle.GetProperty("proof_per_allowed_method").EnumerateArray().Select(SessionCases.Felts).ToArray();
        for (var i = 0; i < proofs.Length; i++)
        {
            Assert.Equal(proofs[i], tree.GetProof(i));
            Assert.True(MerkleTree.Verify(tree.Root, tree.Leaves[i], proofs[i]));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GetProofs_CaseCalls_MatchTokenProofsInCallOrder(int index)
    {
        var c = SessionCases.Case(index);
        var tree = SessionCases.Request(c).AllowedMethodsTree;
        var calls = SessionCases.Calls(c);
        var expected = c.GetProperty("session_token").GetProperty("proofs").EnumerateArray().Select(SessionCases.Felts).ToArray();

        var proofs = tree.GetProofs(calls);

        Assert.Equal(expected.Length, proofs.Length);
        for (var j = 0; j < calls.Length; j++)
        {
            Assert.Equal(expected[j], proofs[j]);
            Assert.True(AllowedMethodsTree.Verify(tree.Root, calls[j].To, calls[j].Selector, proofs[j]));
        }
    }
}

/// <summary>Allowed-methods tree behaviour that needs no vectors.</summary>
public sealed class AllowedMethodsTreeUnitTests
{
    [Fact]
    public void GetProof_OddLevel_IncludesZeroSibling()
    {
        // Three leaves: the third is paired with 0 on the first level, and that 0 is part of its proof.
        var methods = new[] { new AllowedMethod(1, "a"), new AllowedMethod(2, "b"), new AllowedMethod(3, "c") };
        var tree = new AllowedMethodsTree(methods);

        var proof = tree.GetProof(2);

        Assert.Equal(2, proof.Length);
        Assert.Equal(Felt.Zero, proof[0]);
        Assert.Equal(MerkleTree.HashPair(methods[0].Leaf, methods[1].Leaf), proof[1]);
        Assert.Equal(MerkleTree.HashPair(MerkleTree.HashPair(methods[2].Leaf, Felt.Zero), proof[1]), tree.Root);
    }

    [Fact]
    public void GetProofs_DisallowedCall_ThrowsWithIndex()
    {
        var tree = new AllowedMethodsTree([new AllowedMethod(1, "a"), new AllowedMethod(2, "b")]);
        var calls = new[] { Call.ToEntryPoint(1, "a"), Call.ToEntryPoint(2, "a") };

        var e = Assert.Throws<ArgumentException>(() => tree.GetProofs(calls));
        Assert.Contains("calls[1]", e.Message, StringComparison.Ordinal);
        Assert.False(tree.TryGetProofs(calls, out _, out var bad));
        Assert.Equal(1, bad);
    }

    [Fact]
    public void IndexOf_DuplicateMethod_ReturnsFirst()
    {
        var tree = new AllowedMethodsTree([new AllowedMethod(1, "a"), new AllowedMethod(2, "b"), new AllowedMethod(1, "a")]);
        Assert.Equal(0, tree.IndexOf(1, Selector.FromName("a")));
        Assert.Equal(-1, tree.IndexOf(3, Selector.FromName("a")));
    }
}
