using System.Numerics;
using Starknet.Tests.Infrastructure;

namespace Starknet.Tests;

/// <summary>Pedersen against crypto.json (produced by @scure/starknet; spec §2.3).</summary>
[Trait("Category", "Vectors")]
public sealed class PedersenVectorTests
{
    private const string File = "crypto.json";

    public static TheoryData<int> Pairs => VectorFiles.CaseIndexes(File, "pedersen");
    public static TheoryData<int> Lists => VectorFiles.CaseIndexes(File, "pedersen_hash_on_elements");

    [Fact]
    public void ConstantPoints_MatchVectorConstants()
    {
        var points = VectorFiles.Load(File).GetProperty("constants").GetProperty("pedersen_points");
        Assert.Equal(5, points.GetArrayLength());
        foreach (var point in points.EnumerateArray())
        {
            var index = point.GetProperty("index").GetInt32();
            var actual = Pedersen.ConstantPoint(index);
            Assert.Equal(point.GetProperty("x").GetString(), actual.X.ToString());
            Assert.Equal(point.GetProperty("y").GetString(), actual.Y.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Hash_Vector_MatchesExpectedHash(int index)
    {
        var c = VectorFiles.Case(File, "pedersen", index);
        var hash = Pedersen.Hash(Felt.Parse(c.GetProperty("a").GetString()!), Felt.Parse(c.GetProperty("b").GetString()!));
        Assert.Equal(c.GetProperty("hash").GetString(), hash.ToString());
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public void HashOnElements_Vector_MatchesExpectedHash(int index)
    {
        var c = VectorFiles.Case(File, "pedersen_hash_on_elements", index);
        var elements = c.GetProperty("elements").EnumerateArray().Select(e => Felt.Parse(e.GetString()!)).ToArray();
        Assert.Equal(c.GetProperty("hash").GetString(), Pedersen.HashOnElements(elements).ToString());
    }
}

/// <summary>Pedersen against the BigInteger curve oracle.</summary>
public sealed class PedersenTests
{
    private static (BigInteger X, BigInteger Y) Constant(int index) => CurveOracle.ToOracle(Pedersen.ConstantPoint(index));

    private static BigInteger OracleHash(BigInteger a, BigInteger b)
    {
        var low = (BigInteger.One << 248) - 1;
        (BigInteger X, BigInteger Y)? acc = Constant(0);
        acc = CurveOracle.Add(acc, CurveOracle.Multiply(a & low, Constant(1)));
        acc = CurveOracle.Add(acc, CurveOracle.Multiply(a >> 248, Constant(2)));
        acc = CurveOracle.Add(acc, CurveOracle.Multiply(b & low, Constant(3)));
        acc = CurveOracle.Add(acc, CurveOracle.Multiply(b >> 248, Constant(4)));
        return acc!.Value.X;
    }

    [Fact]
    public void Hash_RandomInputs_MatchesOracle()
    {
        var random = new Random(1001);
        for (var i = 0; i < 8; i++)
        {
            var a = CurveOracle.RandomBelow(random, CurveOracle.P);
            var b = CurveOracle.RandomBelow(random, CurveOracle.P);
            Assert.Equal(OracleHash(a, b), Pedersen.Hash(Felt.FromBigInteger(a), Felt.FromBigInteger(b)).ToBigInteger());
        }
    }

    [Fact]
    public void ConstantPoints_AreOnCurve()
    {
        for (var i = 0; i < 5; i++)
        {
            Assert.True(CurveOracle.OnCurve(Constant(i)));
        }
    }

    [Fact]
    public void HashOnElements_Empty_IsHashOfZeroAndZero()
    {
        Assert.Equal(Pedersen.Hash(Felt.Zero, Felt.Zero), Pedersen.HashOnElements());
        // H(0, 0) = x(P0): every multiple is zero.
        Assert.Equal(Pedersen.ConstantPoint(0).X, Pedersen.HashOnElements());
    }

    [Fact]
    public void HashOnElements_ThreeElements_FoldsThenHashesLength()
    {
        Felt a = 1, b = 2, c = 3;
        var expected = Pedersen.Hash(Pedersen.Hash(Pedersen.Hash(Pedersen.Hash(Felt.Zero, a), b), c), 3);
        Assert.Equal(expected, Pedersen.HashOnElements(a, b, c));
    }
}
