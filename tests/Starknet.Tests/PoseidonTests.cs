using System.Numerics;
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

    /// <summary>
    /// The permutation (computed in radix 2^52 with lazily reduced limbs) against a plain BigInteger Hades, on states
    /// at the edges of the field (0, 1, p − 1, 2^251, values with all-ones limbs) and on random states.
    /// </summary>
    [Fact]
    public void Permute_MatchesBigIntegerReference()
    {
        var p = Felt.Modulus;
        BigInteger[] edges =
        [
            0, 1, 2, p - 1, p - 2, p - 3, BigInteger.One << 251, (BigInteger.One << 251) - 1, (BigInteger.One << 192) - 1,
            (BigInteger.One << 251) + (BigInteger.One << 192), p - (BigInteger.One << 192), (BigInteger.One << 208) - 1,
            (BigInteger.One << 52) - 1, (BigInteger.One << 250) + (BigInteger.One << 200),
        ];
        var states = new List<BigInteger[]>();
        foreach (var x in edges)
        {
            foreach (var y in edges)
            {
                states.Add([x, y, edges[(int)(x % edges.Length)]]);
            }
        }
        var random = new Random(20240611);
        Span<byte> bytes = stackalloc byte[32];
        for (var i = 0; i < 300; i++)
        {
            var state = new BigInteger[3];
            for (var j = 0; j < 3; j++)
            {
                random.NextBytes(bytes);
                state[j] = new BigInteger(bytes, isUnsigned: true) % p;
            }
            states.Add(state);
        }

        foreach (var state in states)
        {
            var s0 = Felt.FromBigInteger(state[0]);
            var s1 = Felt.FromBigInteger(state[1]);
            var s2 = Felt.FromBigInteger(state[2]);
            Poseidon.Permute(ref s0, ref s1, ref s2);
            var expected = ReferencePermute(state);
            Assert.Equal(expected, new[] { s0.ToBigInteger(), s1.ToBigInteger(), s2.ToBigInteger() });
        }
    }

    private static BigInteger[] ReferencePermute(BigInteger[] input)
    {
        var p = Felt.Modulus;
        var s = (BigInteger[])input.Clone();
        var k = 0;
        for (var r = 0; r < Poseidon.FullRounds + Poseidon.PartialRounds; r++)
        {
            var full = r < Poseidon.FullRounds / 2 || r >= Poseidon.FullRounds / 2 + Poseidon.PartialRounds;
            for (var j = 0; j < 3; j++)
            {
                s[j] = (s[j] + Poseidon.RoundConstants[k++].ToBigInteger()) % p;
                if (full || j == 2)
                {
                    s[j] = BigInteger.ModPow(s[j], 3, p);
                }
            }
            // [[3,1,1],[1,−1,1],[1,1,−2]]
            var t = s[0] + s[1] + s[2];
            s = [(t + 2 * s[0]) % p, ((t - 2 * s[1]) % p + p) % p, ((t - 3 * s[2]) % p + p) % p];
        }
        return s;
    }
}
