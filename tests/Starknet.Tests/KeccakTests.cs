using System.Text;
using System.Text.Json;
using Starknet.Tests.Infrastructure;

namespace Starknet.Tests;

/// <summary>starknet_keccak and selectors against <c>crypto.json → starknet_keccak</c> (starknet.js getSelectorFromName).</summary>
[Trait("Category", "Vectors")]
public sealed class KeccakVectorTests
{
    public static TheoryData<int> Cases => VectorFiles.CaseIndexes("crypto.json", "starknet_keccak");

    [Theory]
    [MemberData(nameof(Cases))]
    public void FromName_VectorCase_MatchesStarknetKeccakAndSelector(int index)
    {
        var vector = VectorFiles.Case("crypto.json", "starknet_keccak", index);
        var name = vector.GetProperty("name").GetString()!;

        var selector = Selector.FromName(name);

        Assert.Equal(Felt.Parse(vector.GetProperty("starknet_keccak").GetString()!), selector);
        Assert.Equal(vector.GetProperty("selector").GetString(), selector.ToString());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void StarknetKeccak_VectorCaseUtf8Bytes_MatchesFromName(int index)
    {
        var vector = VectorFiles.Case("crypto.json", "starknet_keccak", index);
        var name = vector.GetProperty("name").GetString()!;

        Assert.Equal(Selector.FromName(name), Selector.StarknetKeccak(Encoding.UTF8.GetBytes(name)));
    }
}

public sealed class KeccakTests
{
    [Fact]
    public void Keccak256_EmptyInput_IsOriginalKeccakNotSha3()
    {
        Span<byte> digest = stackalloc byte[32];

        Keccak.Keccak256([], digest);

        // Keccak-256("") (Ethereum); SHA3-256("") would be a7ffc6f8….
        Assert.Equal("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470", Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void Keccak256_ShortDestination_Throws()
    {
        var destination = new byte[31];

        Assert.Throws<ArgumentException>(() => Keccak.Keccak256([1, 2, 3], destination));
    }

    [Fact]
    public void StarknetKeccak_AnyInput_ClearsTopSixBits()
    {
        for (var i = 0; i < 64; i++)
        {
            var value = Selector.StarknetKeccak(BitConverter.GetBytes(i));

            Assert.True(value.BitLength <= 250);
        }
    }

    [Fact]
    public void FromName_LongName_MatchesHashOfUtf8Bytes()
    {
        var name = new string('x', 1000) + "_entrypoint";

        Assert.Equal(Selector.StarknetKeccak(Encoding.UTF8.GetBytes(name)), Selector.FromName(name));
    }

    [Fact]
    public void FromName_NonAsciiName_HashesUtf8()
    {
        const string name = "transfér_€";

        Assert.Equal(Selector.StarknetKeccak(Encoding.UTF8.GetBytes(name)), Selector.FromName(name));
    }

    [Fact]
    public void FromName_Null_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => Selector.FromName(null!));
    }

    [Fact]
    public void FromName_ManyThreads_GiveSameResult()
    {
        var expected = Selector.FromName("transfer");
        var results = new Felt[256];

        Parallel.For(0, results.Length, i => results[i] = Selector.FromName("transfer"));

        Assert.All(results, r => Assert.Equal(expected, r));
    }
}
