using System.Text;
using Starknet.Tests.Infrastructure;

namespace Starknet.Tests;

/// <summary>ByteArray serialization against <c>crypto.json → snip12_rev1_typed_data[*].string_encodings</c>.</summary>
[Trait("Category", "Vectors")]
public sealed class ByteArrayVectorTests
{
    /// <summary>(typed-data case index, message field) for every string encoding in the vectors.</summary>
    public static TheoryData<int, string> StringEncodings()
    {
        var data = new TheoryData<int, string>();
        var cases = VectorFiles.Load("crypto.json").GetProperty("snip12_rev1_typed_data").GetProperty("cases");
        for (var i = 0; i < cases.GetArrayLength(); i++)
        {
            if (cases[i].TryGetProperty("string_encodings", out var encodings))
            {
                foreach (var property in encodings.EnumerateObject())
                {
                    data.Add(i, property.Name);
                }
            }
        }
        return data;
    }

    [Fact]
    public void StringEncodings_Vectors_ArePresent()
    {
        Assert.True(StringEncodings().Count >= 8);
    }

    [Theory]
    [MemberData(nameof(StringEncodings))]
    public void Serialize_VectorString_MatchesSerializationAndHash(int caseIndex, string field)
    {
        var vector = VectorFiles.Case("crypto.json", "snip12_rev1_typed_data", caseIndex);
        var text = vector.GetProperty("typed_data").GetProperty("message").GetProperty(field).GetString()!;
        var encoding = vector.GetProperty("string_encodings").GetProperty(field);
        var expected = encoding.GetProperty("bytearray_serialization").EnumerateArray().Select(e => e.GetString()).ToArray();

        var serialized = ByteArray.Serialize(text);

        Assert.Equal(encoding.GetProperty("utf8_length").GetInt32(), Encoding.UTF8.GetByteCount(text));
        Assert.Equal(expected, serialized.Select(f => f.ToString()).ToArray());
        Assert.Equal(serialized, ByteArray.Serialize(Encoding.ASCII.GetBytes(text)));
        var hash = Felt.Parse(encoding.GetProperty("hash").GetString()!);
        Assert.Equal(hash, Poseidon.HashMany(serialized));
        Assert.Equal(hash, ByteArray.PoseidonHashAscii(text));
        Assert.Equal(text, Encoding.ASCII.GetString(ByteArray.Deserialize(serialized)));
    }
}

public sealed class ByteArrayTests
{
    [Fact]
    public void Serialize_Empty_IsThreeZeros()
    {
        Assert.Equal(new[] { Felt.Zero, Felt.Zero, Felt.Zero }, ByteArray.Serialize(""));
    }

    [Theory]
    [InlineData(0, 3)]
    [InlineData(30, 3)]
    [InlineData(31, 4)]
    [InlineData(62, 5)]
    [InlineData(100, 6)]
    public void GetSerializedLength_ByteCount_IsWordsPlusThree(int byteCount, int expected)
    {
        Assert.Equal(expected, ByteArray.GetSerializedLength(byteCount));
        Assert.Equal(expected, ByteArray.Serialize(new byte[byteCount]).Length);
    }

    [Fact]
    public void Serialize_MultipleOf31_KeepsLastWordAndEmptyPending()
    {
        var text = new string('a', 62);

        var serialized = ByteArray.Serialize(text);

        Assert.Equal(new Felt(2), serialized[0]);
        Assert.Equal(CairoShortString.Encode(new string('a', 31)), serialized[1]);
        Assert.Equal(CairoShortString.Encode(new string('a', 31)), serialized[2]);
        Assert.Equal(Felt.Zero, serialized[3]);
        Assert.Equal(Felt.Zero, serialized[4]);
    }

    [Fact]
    public void Serialize_NonAscii_ThrowsNamingIndex()
    {
        var e = Assert.Throws<ArgumentException>(() => ByteArray.Serialize("abc€"));

        Assert.Contains("index 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_Utf8Bytes_UsesRawBytes()
    {
        var bytes = Encoding.UTF8.GetBytes("€"); // e2 82 ac

        var serialized = ByteArray.Serialize(bytes);

        Assert.Equal(new[] { Felt.Zero, new Felt(0xe282ac), new Felt(3) }, serialized);
        Assert.Equal(bytes, ByteArray.Deserialize(serialized));
    }

    [Fact]
    public void Serialize_ShortDestination_Throws()
    {
        var destination = new Felt[3];

        Assert.Throws<ArgumentException>(() => ByteArray.Serialize(new byte[31], destination));
    }

    [Fact]
    public void Deserialize_WrongWordCount_Throws()
    {
        Assert.Throws<FormatException>(() => ByteArray.Deserialize([new Felt(2), Felt.Zero, Felt.Zero]));
    }

    [Fact]
    public void Deserialize_PendingLengthTooLarge_Throws()
    {
        Assert.Throws<FormatException>(() => ByteArray.Deserialize([Felt.Zero, Felt.Zero, new Felt(31)]));
    }

    [Fact]
    public void Deserialize_PendingWordLongerThanLength_Throws()
    {
        Assert.Throws<FormatException>(() => ByteArray.Deserialize([Felt.Zero, new Felt(0x6162), new Felt(1)]));
    }
}
