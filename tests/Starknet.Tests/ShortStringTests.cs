using Starknet.Tests.Infrastructure;

namespace Starknet.Tests;

/// <summary>Cairo short strings against <c>crypto.json → short_strings</c>.</summary>
[Trait("Category", "Vectors")]
public sealed class ShortStringVectorTests
{
    public static TheoryData<int> Cases => VectorFiles.CaseIndexes("crypto.json", "short_strings");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encode_VectorCase_MatchesFelt(int index)
    {
        var vector = VectorFiles.Case("crypto.json", "short_strings", index);

        var felt = CairoShortString.Encode(vector.GetProperty("text").GetString()!);

        Assert.Equal(vector.GetProperty("felt").GetString(), felt.ToString());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decode_VectorCase_GivesText(int index)
    {
        var vector = VectorFiles.Case("crypto.json", "short_strings", index);

        var text = CairoShortString.Decode(Felt.Parse(vector.GetProperty("felt").GetString()!));

        Assert.Equal(vector.GetProperty("text").GetString(), text);
    }
}

public sealed class ShortStringTests
{
    [Fact]
    public void Encode_Empty_IsZero()
    {
        Assert.Equal(Felt.Zero, CairoShortString.Encode(""));
    }

    [Fact]
    public void Decode_Zero_IsEmpty()
    {
        Assert.Equal("", CairoShortString.Decode(Felt.Zero));
    }

    [Fact]
    public void Encode_ControlCharacters_KeepsFullBytes()
    {
        // Cairo semantics: every character is one full byte (starknet.js would drop the zero padding).
        Assert.Equal(new Felt(0x610a62), CairoShortString.Encode("a\nb"));
        Assert.Equal("a\nb", CairoShortString.Decode(new Felt(0x610a62)));
    }

    [Fact]
    public void Encode_ThirtyTwoCharacters_ThrowsNamingTheLimit()
    {
        var text = new string('a', 32);

        var e = Assert.Throws<ArgumentException>(() => CairoShortString.Encode(text));

        Assert.Contains("31", e.Message, StringComparison.Ordinal);
        Assert.Contains("32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_NonAscii_ThrowsNamingTheCharacter()
    {
        var e = Assert.Throws<ArgumentException>(() => CairoShortString.Encode("café"));

        Assert.Contains("U+00E9", e.Message, StringComparison.Ordinal);
        Assert.Contains("index 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_Null_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => CairoShortString.Encode(null!));
    }

    [Fact]
    public void TryEncode_InvalidText_ReturnsFalse()
    {
        Assert.False(CairoShortString.TryEncode(new string('a', 32), out _));
        Assert.False(CairoShortString.TryEncode("ü", out _));
        Assert.True(CairoShortString.TryEncode(new string('a', 31), out var value));
        Assert.Equal(248 - 1, value.BitLength);
    }

    [Fact]
    public void Decode_ValueOf32Bytes_Throws()
    {
        var value = Felt.Parse("0x100000000000000000000000000000000000000000000000000000000000000"); // 2^248

        var e = Assert.Throws<ArgumentException>(() => CairoShortString.Decode(value));

        Assert.Contains("32 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_NonAsciiByte_ThrowsNamingTheByte()
    {
        var e = Assert.Throws<ArgumentException>(() => CairoShortString.Decode(new Felt(0x61ff)));

        Assert.Contains("0xff", e.Message, StringComparison.Ordinal);
        Assert.False(CairoShortString.TryDecode(new Felt(0x61ff), out _));
    }

    [Fact]
    public void Decode_InteriorZeroByte_KeepsNul()
    {
        Assert.Equal("a\0b", CairoShortString.Decode(new Felt(0x610062)));
    }
}
