using Starknet.Tests.Infrastructure;

namespace Starknet.Tests;

/// <summary>Poseidon against crypto.json (produced by @scure/starknet; spec §2.4).</summary>
[Trait("Category", "Vectors")]
public sealed class PoseidonTests
{
    private const string File = "crypto.json";

    [Fact]
    public void RoundConstants_DerivedFromRule_MatchVectorConstants()
    {
        var expected = VectorFiles.Load(File).GetProperty("constants").GetProperty("poseidon").GetProperty("round_constants");
        Assert.Equal(91, expected.GetArrayLength());
        var k = 0;
        foreach (var round in expected.EnumerateArray())
        {
            foreach (var value in round.EnumerateArray())
            {
                Assert.Equal(Felt.Parse(value.GetString()!), Poseidon.RoundConstants[k++]);
            }
        }
        Assert.Equal(273, k);
    }

    public static TheoryData<int> Permutations => VectorFiles.CaseIndexes(File, "poseidon_permutation");
    public static TheoryData<int> Hashes => VectorFiles.CaseIndexes(File, "poseidon_hash");
    public static TheoryData<int> Singles => VectorFiles.CaseIndexes(File, "poseidon_hash_single");
    public static TheoryData<int> Many => VectorFiles.CaseIndexes(File, "poseidon_hash_many");

    [Theory]
    [MemberData(nameof(Permutations))]
    public void Permute_Vector_MatchesOutputState(int index)
    {
        var c = VectorFiles.Case(File, "poseidon_permutation", index);
        var input = c.GetProperty("input_state").EnumerateArray().Select(e => Felt.Parse(e.GetString()!)).ToArray();
        var output = c.GetProperty("output_state").EnumerateArray().Select(e => Felt.Parse(e.GetString()!)).ToArray();
        Poseidon.Permute(ref input[0], ref input[1], ref input[2]);
        Assert.Equal(output, input);
    }

    [Theory]
    [MemberData(nameof(Hashes))]
    public void Hash_TwoElements_MatchesVector(int index)
    {
        var c = VectorFiles.Case(File, "poseidon_hash", index);
        var hash = Poseidon.Hash(Felt.Parse(c.GetProperty("x").GetString()!), Felt.Parse(c.GetProperty("y").GetString()!));
        Assert.Equal(c.GetProperty("hash").GetString(), hash.ToString());
    }

    [Theory]
    [MemberData(nameof(Singles))]
    public void Hash_OneElement_MatchesVector(int index)
    {
        var c = VectorFiles.Case(File, "poseidon_hash_single", index);
        Assert.Equal(c.GetProperty("hash").GetString(), Poseidon.Hash(Felt.Parse(c.GetProperty("x").GetString()!)).ToString());
    }

    [Theory]
    [MemberData(nameof(Many))]
    public void HashMany_Elements_MatchesVector(int index)
    {
        var c = VectorFiles.Case(File, "poseidon_hash_many", index);
        var elements = c.GetProperty("elements").EnumerateArray().Select(e => Felt.Parse(e.GetString()!)).ToArray();
        var expected = c.GetProperty("hash").GetString();
        Assert.Equal(expected, Poseidon.HashMany(elements).ToString());

        // The incremental hasher gives the same result.
        var hasher = new PoseidonHasher();
        foreach (var e in elements)
        {
            hasher.Update(e);
        }
        Assert.Equal(expected, hasher.Finish().ToString());
    }

    [Fact]
    public void HashMany_TwoElements_DiffersFromHash()
    {
        Assert.NotEqual(Poseidon.Hash(1, 2), Poseidon.HashMany([1, 2]));
    }
}
