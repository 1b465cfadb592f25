using System.Numerics;

namespace Starknet.Tests;

/// <summary>Field arithmetic checked against <see cref="BigInteger"/> mod p on random and edge values.</summary>
public sealed class FeltTests
{
    private static readonly BigInteger P = Felt.Modulus;

    private static readonly BigInteger[] s_edges =
    [
        0, 1, 2, 3, P - 1, P - 2, (P - 1) / 2, (P + 1) / 2,
        BigInteger.One << 251, (BigInteger.One << 251) - 1, (BigInteger.One << 251) + 1,
        (BigInteger.One << 250), (BigInteger.One << 192), (BigInteger.One << 192) - 1, (BigInteger.One << 64), ulong.MaxValue,
        (BigInteger.One << 128) - 1, (BigInteger.One << 248) + 1, P - (BigInteger.One << 192),
    ];

    private static IEnumerable<BigInteger> Values(int randomCount, int seed)
    {
        foreach (var e in s_edges)
        {
            yield return e;
        }
        var random = new Random(seed);
        var buffer = new byte[32];
        for (var i = 0; i < randomCount; i++)
        {
            random.NextBytes(buffer);
            // Mix full-width values with short ones and values just below p.
            var v = new BigInteger(buffer, isUnsigned: true) % P;
            yield return (i % 5) switch
            {
                0 => v >> random.Next(0, 250),
                1 => P - 1 - (v >> 200),
                _ => v,
            };
        }
    }

    [Fact]
    public void Arithmetic_RandomAndEdgeValues_MatchesBigInteger()
    {
        var values = Values(600, 1).ToArray();
        var random = new Random(2);
        for (var i = 0; i < values.Length; i++)
        {
            var a = values[i];
            var b = values[random.Next(values.Length)];
            var fa = Felt.FromBigInteger(a);
            var fb = Felt.FromBigInteger(b);
            Assert.Equal(a, fa.ToBigInteger());
            Assert.Equal((a + b) % P, (fa + fb).ToBigInteger());
            Assert.Equal(((a - b) % P + P) % P, (fa - fb).ToBigInteger());
            Assert.Equal((a * b) % P, (fa * fb).ToBigInteger());
            Assert.Equal(a * a % P, fa.Square().ToBigInteger());
            Assert.Equal((P - a) % P, (-fa).ToBigInteger());
            Assert.Equal(2 * a % P, fa.Double().ToBigInteger());
            Assert.Equal(a.CompareTo(b), fa.CompareTo(fb));
            Assert.Equal(a == b, fa == fb);
            Assert.Equal((int)a.GetBitLength(), fa.BitLength);
            if (!a.IsZero)
            {
                Assert.Equal(BigInteger.ModPow(a, P - 2, P), fa.Inverse().ToBigInteger());
                Assert.Equal(Felt.One, fa * fa.Inverse());
            }
        }
    }

    [Fact]
    public void Operators_AliasedOperands_MatchBigInteger()
    {
        foreach (var a in Values(200, 3))
        {
            var x = Felt.FromBigInteger(a);
            var y = x;
            y += y;
            Assert.Equal(2 * a % P, y.ToBigInteger());
            y = x;
            y *= y;
            Assert.Equal(a * a % P, y.ToBigInteger());
            y = x;
            y -= y;
            Assert.True(y.IsZero);
        }
    }

    [Fact]
    public void Pow_RandomExponents_MatchesModPow()
    {
        var random = new Random(4);
        foreach (var a in Values(100, 5))
        {
            var e = new BigInteger(random.NextInt64()) * random.Next();
            Assert.Equal(BigInteger.ModPow(a, e, P), Felt.FromBigInteger(a).Pow(e).ToBigInteger());
            var small = (ulong)random.NextInt64();
            Assert.Equal(BigInteger.ModPow(a, small, P), Felt.FromBigInteger(a).Pow(small).ToBigInteger());
        }
    }

    [Fact]
    public void TrySqrt_SquaresAndNonSquares_AgreesWithEulerCriterion()
    {
        foreach (var a in Values(60, 6))
        {
            var x = Felt.FromBigInteger(a);
            var euler = a.IsZero ? 0 : BigInteger.ModPow(a, (P - 1) / 2, P) == 1 ? 1 : -1;
            Assert.Equal(euler, x.Legendre());
            var ok = x.TrySqrt(out var root);
            Assert.Equal(euler >= 0, ok);
            if (ok)
            {
                Assert.Equal(x, root.Square());
            }
            var square = x.Square();
            Assert.True(square.TrySqrt(out var r2));
            Assert.Equal(square, r2.Square());
        }
    }

    [Theory]
    [InlineData("0x0", "0")]
    [InlineData("0x1", "1")]
    [InlineData("0X00ABCdef", "11259375")]
    [InlineData("0x800000000000011000000000000000000000000000000000000000000000000", "3618502788666131213697322783095070105623107215331596699973092056135872020480")]
    public void Parse_HexAndDecimal_Agree(string hex, string dec)
    {
        var fromHex = Felt.Parse(hex);
        var fromDec = Felt.Parse(dec);
        Assert.Equal(fromHex, fromDec);
        Assert.Equal(dec, fromHex.ToDecimalString());
        Assert.Equal(hex.ToLowerInvariant().Replace("0x00", "0x", StringComparison.Ordinal), fromHex.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("0x")]
    [InlineData("0xg")]
    [InlineData("0x12g4")]
    [InlineData("0xff ")]
    [InlineData("0x\u0661")] // an Arabic-Indic digit one
    [InlineData("-1")]
    [InlineData(" 1")]
    [InlineData("1.0")]
    [InlineData("0x800000000000011000000000000000000000000000000000000000000000001")] // p
    [InlineData("0x1000000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("3618502788666131213697322783095070105623107215331596699973092056135872020481")] // p
    public void Parse_Invalid_ThrowsFormatException(string text)
    {
        var ex = Assert.Throws<FormatException>(() => Felt.Parse(text));
        Assert.Contains("not a felt", ex.Message, StringComparison.Ordinal);
        Assert.False(Felt.TryParse(text, out _));
    }

    [Fact]
    public void FromBytesBigEndian_OverlongOrTooLarge_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Felt.FromBytesBigEndian(new byte[33]));
        var p = Felt.Modulus.ToByteArray(isUnsigned: true, isBigEndian: true);
        Assert.Throws<ArgumentOutOfRangeException>(() => Felt.FromBytesBigEndian(p));
        Assert.Throws<ArgumentOutOfRangeException>(() => Felt.FromBigInteger(Felt.Modulus));
        Assert.Throws<ArgumentOutOfRangeException>(() => Felt.FromBigInteger(-1));
        Assert.Throws<DivideByZeroException>(() => Felt.Zero.Inverse());
    }

    [Fact]
    public void Bytes_RoundTrip_PreservesValue()
    {
        foreach (var a in Values(100, 7))
        {
            var x = Felt.FromBigInteger(a);
            var bytes = x.ToBytesBigEndian();
            Assert.Equal(32, bytes.Length);
            Assert.Equal(x, Felt.FromBytesBigEndian(bytes));
            Assert.Equal(x, Felt.FromBytesBigEndian(bytes.AsSpan().TrimStart((byte)0)));
            Assert.Equal(x, Felt.Parse(x.ToString()));
            Assert.Equal(x, Felt.Parse(x.ToString("x64", null)));
            Assert.Equal(66, x.ToString("x64", null).Length);
            x.ToCanonicalLimbs(out var l0, out var l1, out var l2, out var l3);
            Assert.Equal(x, Felt.FromCanonicalLimbs(l0, l1, l2, l3));
        }
    }
}
