using System.Text.Json;
using Starknet.Tests.Infrastructure;

namespace Starknet.Tests;

/// <summary>The allowed-methods Merkle tree against <c>sessions.json → cases[*].allowed_methods_merkle</c> (spec §6).</summary>
[Trait("Category", "Vectors")]
public sealed class MerkleTreeVectorTests
{
    public static TheoryData<int> Cases => SessionCases();

    private static TheoryData<int> SessionCases()
    {
        var data = new TheoryData<int>();
        var count = VectorFiles.Load("sessions.json").GetProperty("cases").GetArrayLength();
        for (var i = 0; i < count; i++)
        {
            data.Add(i);
        }
        return data;
    }

    private static JsonElement Merkle(int index) =>
        VectorFiles.Load("sessions.json").GetProperty("cases")[index].GetProperty("allowed_methods_merkle");

    private static Felt[] Felts(JsonElement array) => array.EnumerateArray().Select(e => Felt.Parse(e.GetString()!)).ToArray();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Leaves_VectorCase_AreAllowedMethodStructHashes(int index)
    {
        var typeHash = Felt.Parse(VectorFiles.Load("sessions.json").GetProperty("constants").GetProperty("ALLOWED_METHOD_TYPE_HASH").GetString()!);

        foreach (var leaf in Merkle(index).GetProperty("leaves").EnumerateArray())
        {
            var selector = Selector.FromName(leaf.GetProperty("selector_name").GetString()!);
            Assert.Equal(leaf.GetProperty("selector").GetString(), selector.ToString());
            Felt[] elements = [typeHash, Felt.Parse(leaf.GetProperty("contract_address").GetString()!), selector];
            Assert.Equal(leaf.GetProperty("leaf").GetString(), Poseidon.HashMany(elements).ToString());
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Root_VectorCase_MatchesRoot(int index)
    {
        var merkle = Merkle(index);
        var leaves = merkle.GetProperty("leaves").EnumerateArray().Select(l => Felt.Parse(l.GetProperty("leaf").GetString()!)).ToArray();
        var root = Felt.Parse(merkle.GetProperty("root").GetString()!);

        var tree = new MerkleTree(leaves);

        Assert.Equal(root, tree.Root);
        Assert.Equal(root, MerkleTree.ComputeRoot(leaves));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GetProof_VectorCase_MatchesEveryProofAndVerifies(int index)
    {
        var merkle = Merkle(index);
        var leaves = merkle.GetProperty("leaves").EnumerateArray().Select(l => Felt.Parse(l.GetProperty("leaf").GetString()!)).ToArray();
        var proofs = merkle.GetProperty("proof_per_allowed_method");
        var tree = new MerkleTree(leaves);

        for (var i = 0; i < leaves.Length; i++)
        {
            var expected = Felts(proofs[i]);
            var proof = tree.GetProof(i);
            Assert.Equal(expected, proof);
            Assert.True(MerkleTree.Verify(tree.Root, leaves[i], proof));
        }
    }
}

public sealed class MerkleTreeTests
{
    private static Felt[] Leaves(int count) => Enumerable.Range(1, count).Select(i => Poseidon.Hash(new Felt((ulong)i))).ToArray();

    [Fact]
    public void Constructor_SingleLeaf_RootIsLeafAndProofEmpty()
    {
        var leaf = new Felt(42);

        var tree = new MerkleTree([leaf]);

        Assert.Equal(leaf, tree.Root);
        Assert.Empty(tree.GetProof(0));
        Assert.Equal(0, tree.Depth);
        Assert.True(MerkleTree.Verify(leaf, leaf, []));
    }

    [Fact]
    public void Constructor_TwoLeaves_HashesSortedPair()
    {
        var tree = new MerkleTree([new Felt(0x12), new Felt(0xa)]);

        Assert.Equal(Poseidon.Hash(new Felt(0xa), new Felt(0x12)), tree.Root);
    }

    [Fact]
    public void Constructor_ThreeLeaves_PairsOddNodeWithZero()
    {
        var leaves = Leaves(3);

        var tree = new MerkleTree(leaves);

        var left = MerkleTree.HashPair(leaves[0], leaves[1]);
        var right = MerkleTree.HashPair(leaves[2], Felt.Zero);
        Assert.Equal(MerkleTree.HashPair(left, right), tree.Root);
        Assert.Equal(new[] { Felt.Zero, left }, tree.GetProof(2));
    }

    [Fact]
    public void HashPair_EitherOrder_SameResult()
    {
        var a = new Felt(5);
        var b = Felt.MinusOne;

        Assert.Equal(MerkleTree.HashPair(a, b), MerkleTree.HashPair(b, a));
        Assert.Equal(Poseidon.Hash(a, b), MerkleTree.HashPair(b, a));
    }

    [Fact]
    public void ComputeRoot_AnySize_MatchesTreeAndEveryProofVerifies()
    {
        for (var count = 1; count <= 33; count++)
        {
            var leaves = Leaves(count);
            var tree = new MerkleTree(leaves);

            Assert.Equal(tree.Root, MerkleTree.ComputeRoot(leaves));
            for (var i = 0; i < count; i++)
            {
                var proof = tree.GetProof(i);
                Assert.Equal(tree.Depth, proof.Length);
                Assert.True(MerkleTree.Verify(tree.Root, leaves[i], proof));
            }
        }
    }

    [Fact]
    public void Verify_WrongLeafOrSibling_ReturnsFalse()
    {
        var leaves = Leaves(5);
        var tree = new MerkleTree(leaves);
        var proof = tree.GetProof(1);

        // The right proof first, so its pairs are memoized; the wrong ones must still fail, every time.
        for (var round = 0; round < 2; round++)
        {
            Assert.True(MerkleTree.Verify(tree.Root, leaves[1], proof));
            Assert.False(MerkleTree.Verify(tree.Root, leaves[2], proof));
            var wrong = (Felt[])proof.Clone();
            wrong[0] += Felt.One;
            Assert.False(MerkleTree.Verify(tree.Root, leaves[1], wrong));
        }
    }

    [Fact]
    public void Constructor_NoLeaves_Throws()
    {
        Assert.Throws<ArgumentException>(() => new MerkleTree(ReadOnlySpan<Felt>.Empty));
        Assert.Throws<ArgumentException>(() => MerkleTree.ComputeRoot([]));
    }

    [Fact]
    public void GetProof_IndexOutOfRange_Throws()
    {
        var tree = new MerkleTree(Leaves(3));

        Assert.Throws<ArgumentOutOfRangeException>(() => tree.GetProof(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.GetProof(-1));
    }

    [Fact]
    public void IndexOf_DuplicateLeaves_ReturnsFirst()
    {
        var leaves = Leaves(3);
        var tree = new MerkleTree([leaves[0], leaves[1], leaves[1]]);

        Assert.Equal(1, tree.IndexOf(leaves[1]));
        Assert.Equal(-1, tree.IndexOf(leaves[2]));
    }
}
