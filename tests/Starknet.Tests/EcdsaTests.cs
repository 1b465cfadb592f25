using System.Numerics;
using System.Text.Json;
using Starknet.Tests.Infrastructure;

namespace Starknet.Tests;

/// <summary>Keys, signing and verification against crypto.json (produced by starknet.js / @scure/starknet; spec §2.5, §2.6).</summary>
[Trait("Category", "Vectors")]
public sealed class EcdsaVectorTests
{
    private const string File = "crypto.json";

    public static TheoryData<int> Keys => VectorFiles.CaseIndexes(File, "stark_keys");
    public static TheoryData<int> Signatures => VectorFiles.CaseIndexes(File, "ecdsa_sign");
    public static TheoryData<int> Verifications => VectorFiles.CaseIndexes(File, "ecdsa_verify");

    private static Felt Get(JsonElement c, string name) => Felt.Parse(c.GetProperty(name).GetString()!);

    [Theory]
    [MemberData(nameof(Keys))]
    public void GetPublicKeyPoint_Vector_MatchesXAndY(int index)
    {
        var c = VectorFiles.Case(File, "stark_keys", index);
        var privateKey = Get(c, "private_key");
        var point = Ecdsa.GetPublicKeyPoint(privateKey);
        Assert.Equal(c.GetProperty("public_key_x").GetString(), point.X.ToString());
        Assert.Equal(c.GetProperty("public_key_y").GetString(), point.Y.ToString());
        Assert.Equal(point.X, Ecdsa.GetPublicKey(privateKey));
        Assert.Equal(c.GetProperty("starknet_signer_guid").GetString(), SignerGuid.Starknet(point.X).ToString());
    }

    [Theory]
    [MemberData(nameof(Signatures))]
    public void Sign_Vector_MatchesSignatureNonceAndAttempts(int index)
    {
        var c = VectorFiles.Case(File, "ecdsa_sign", index);
        var privateKey = Get(c, "private_key");
        var details = Ecdsa.SignWithDetails(privateKey, Get(c, "msg_hash"));
        Assert.Equal(c.GetProperty("r").GetString(), details.Signature.R.ToString());
        Assert.Equal(c.GetProperty("s").GetString(), details.Signature.S.ToString());
        Assert.Equal(c.GetProperty("k").GetString(), details.K.ToString());
        Assert.Equal(c.GetProperty("k_generation_attempts").GetInt32(), details.Attempts);
        Assert.Equal(c.GetProperty("public_key_x").GetString(), Ecdsa.GetPublicKey(privateKey).ToString());
        Assert.Equal(details.Signature, Ecdsa.Sign(privateKey, Get(c, "msg_hash")));
    }

    [Theory]
    [MemberData(nameof(Signatures))]
    public void Sign_Vector_VerifiesUnderBothRules(int index)
    {
        var c = VectorFiles.Case(File, "ecdsa_sign", index);
        var privateKey = Get(c, "private_key");
        var z = Get(c, "msg_hash");
        var signature = new StarkSignature(Get(c, "r"), Get(c, "s"));
        Assert.True(Ecdsa.VerifyLibrary(z, Ecdsa.GetPublicKeyPoint(privateKey), signature));
        Assert.True(Ecdsa.VerifyOnChain(z, Get(c, "public_key_x"), signature));
    }

    [Theory]
    [MemberData(nameof(Verifications))]
    public void Verify_Vector_MatchesLibraryAndOnChainResults(int index)
    {
        var c = VectorFiles.Case(File, "ecdsa_verify", index);
        var z = Get(c, "msg_hash");
        var x = Get(c, "public_key_x");
        var y = Get(c, "public_key_y_used_for_library_check");
        if (!Felt.TryParse(c.GetProperty("r").GetString(), out var r) || !Felt.TryParse(c.GetProperty("s").GetString(), out var s))
        {
            // A value ≥ p (the "s + n" case) is not a felt: it cannot reach the contract as calldata, and our API
            // rejects it before any check. Every rule rejects it, which is what the vector says.
            Assert.False(c.GetProperty("library_verify_with_full_public_key").GetBoolean());
            Assert.False(c.GetProperty("onchain_valid").GetBoolean());
            Assert.StartsWith("argent range assert", c.GetProperty("onchain_reason").GetString());
            Assert.True(CurveOracle.Hex(c.GetProperty("s").GetString()!) >= CurveOracle.P || CurveOracle.Hex(c.GetProperty("r").GetString()!) >= CurveOracle.P);
            return;
        }

        Assert.Equal(c.GetProperty("library_verify_with_full_public_key").GetBoolean(), Ecdsa.VerifyLibrary(z, x, y, r, s));
        Assert.Equal(c.GetProperty("onchain_valid").GetBoolean(), Ecdsa.VerifyOnChain(z, x, r, s));

        var status = Ecdsa.CheckOnChain(z, x, r, s);
        var reason = c.GetProperty("onchain_reason").GetString();
        OnChainSignatureStatus[] allowed = reason switch
        {
            "ok" => [OnChainSignatureStatus.Valid],
            "equation does not hold" => [OnChainSignatureStatus.EquationDoesNotHold],
            "r is not an x-coordinate on the curve" => [OnChainSignatureStatus.RNotOnCurve],
            "s == 0" => [OnChainSignatureStatus.SIsZero],
            "argent range assert (r or s >= curve order) -> tx reverts" =>
                [OnChainSignatureStatus.RNotBelowCurveOrder, OnChainSignatureStatus.SNotBelowCurveOrder],
            _ => throw new InvalidOperationException($"Unknown onchain_reason '{reason}' in the vectors."),
        };
        Assert.Contains(status, allowed);
    }
}

/// <summary>Signing and verification properties, with a literal BigInteger model of Cairo's check as oracle.</summary>
public sealed class EcdsaTests
{
    private static readonly BigInteger N = CurveOracle.N;
    private static readonly BigInteger Bound = BigInteger.One << 251;

    /// <summary>Cairo's check_ecdsa_signature plus Argent's r, s &lt; n assertion, with square roots (slow, literal).</summary>
    private static bool OracleOnChain(BigInteger z, BigInteger pubX, BigInteger r, BigInteger s)
    {
        if (r >= N || s >= N || s.IsZero)
        {
            return false;
        }
        var qy = CurveOracle.Sqrt(pubX * pubX * pubX + pubX + CurveOracle.Beta);
        var ry = CurveOracle.Sqrt(r * r * r + r + CurveOracle.Beta);
        if (qy is null || ry is null)
        {
            return false;
        }
        var sR = CurveOracle.Multiply(s, (r, ry.Value))!.Value;
        var zG = CurveOracle.Multiply(z, CurveOracle.G);
        var rQ = CurveOracle.Multiply(r, (pubX, qy.Value));
        var plus = CurveOracle.Add(zG, rQ);
        var minus = CurveOracle.Add(zG, CurveOracle.Negate(rQ));
        return (plus is { } p && p.X == sR.X) || (minus is { } m && m.X == sR.X);
    }

    private static Felt RandomMessage(Random random) => Felt.FromBigInteger(CurveOracle.RandomBelow(random, Bound));

    private static Felt RandomKey(Random random) => Felt.FromBigInteger(CurveOracle.RandomBelow(random, N - 1) + 1);

    [Fact]
    public void SignThenVerify_RandomKeysAndMessages_RoundTrips()
    {
        var random = new Random(2001);
        for (var i = 0; i < 100; i++)
        {
            var key = RandomKey(random);
            var z = RandomMessage(random);
            var signature = Ecdsa.Sign(key, z);
            var point = Ecdsa.GetPublicKeyPoint(key);
            Assert.True(Ecdsa.VerifyLibrary(z, point, signature));
            Assert.True(Ecdsa.VerifyOnChain(z, point.X, signature));
            Assert.Equal(OnChainSignatureStatus.Valid, Ecdsa.CheckOnChain(z, point.X, signature.R, signature.S));
            Assert.False(Ecdsa.VerifyOnChain(z + Felt.One, point.X, signature));
            Assert.False(Ecdsa.VerifyLibrary(z + Felt.One, point, signature));
        }
    }

    [Fact]
    public void Sign_RandomKeys_MatchesOracleFormula()
    {
        var random = new Random(2002);
        for (var i = 0; i < 20; i++)
        {
            var key = RandomKey(random);
            var z = RandomMessage(random);
            var details = Ecdsa.SignWithDetails(key, z);
            var k = details.K.ToBigInteger();
            var r = CurveOracle.Mod(CurveOracle.Multiply(k, CurveOracle.G)!.Value.X, N);
            var s = CurveOracle.Mod(CurveOracle.Inv(k, N) * (z.ToBigInteger() + r * key.ToBigInteger()), N);
            Assert.Equal(r, details.Signature.R.ToBigInteger());
            Assert.Equal(s, details.Signature.S.ToBigInteger());
        }
    }

    [Fact]
    public void VerifyOnChain_MalleatedS_IsAcceptedByBothRules()
    {
        var random = new Random(2003);
        for (var i = 0; i < 20; i++)
        {
            var key = RandomKey(random);
            var z = RandomMessage(random);
            var signature = Ecdsa.Sign(key, z);
            var flipped = Felt.FromBigInteger(N - signature.S.ToBigInteger());
            var point = Ecdsa.GetPublicKeyPoint(key);
            Assert.True(Ecdsa.VerifyOnChain(z, point.X, signature.R, flipped));
            // The library accepts it too unless (n − s)⁻¹ happens to exceed its 2^251 bound.
            var w = CurveOracle.Inv(N - signature.S.ToBigInteger(), N);
            Assert.Equal(w < Bound, Ecdsa.VerifyLibrary(z, point.X, point.Y, signature.R, flipped));
        }
    }

    [Fact]
    public void Verify_NegatedPublicKey_AcceptedOnChainRejectedByLibrary()
    {
        var random = new Random(2004);
        for (var i = 0; i < 20; i++)
        {
            var key = RandomKey(random);
            var z = RandomMessage(random);
            var signature = Ecdsa.Sign(key, z);
            var negated = Ecdsa.GetPublicKeyPoint(key).Negate();
            Assert.True(Ecdsa.VerifyOnChain(z, negated.X, signature));
            Assert.False(Ecdsa.VerifyLibrary(z, negated, signature));
        }
    }

    [Fact]
    public void VerifyOnChain_RandomAndTamperedSignatures_AgreesWithLiteralCairoOracle()
    {
        var random = new Random(2005);
        var checkedCases = 0;
        for (var i = 0; i < 24; i++)
        {
            var key = RandomKey(random);
            var z = RandomMessage(random);
            var signature = Ecdsa.Sign(key, z);
            var x = Ecdsa.GetPublicKey(key);
            var (zz, xx, r, s) = (i % 6) switch
            {
                0 => (z, x, signature.R, signature.S),
                1 => (z + Felt.One, x, signature.R, signature.S),
                2 => (z, x, signature.R + Felt.One, signature.S),
                3 => (z, x, signature.R, signature.S + Felt.One),
                4 => (z, x + Felt.One, signature.R, signature.S),
                _ => (Felt.FromBigInteger(CurveOracle.RandomBelow(random, CurveOracle.P)), x, signature.R, signature.S), // z ≥ 2^251 allowed on-chain
            };
            var expected = OracleOnChain(zz.ToBigInteger(), xx.ToBigInteger(), r.ToBigInteger(), s.ToBigInteger());
            Assert.Equal(expected, Ecdsa.VerifyOnChain(zz, xx, r, s));
            Assert.Equal(expected, Ecdsa.CheckOnChain(zz, xx, r, s) == OnChainSignatureStatus.Valid);
            checkedCases++;
        }
        Assert.Equal(24, checkedCases);
    }

    [Fact]
    public void CheckOnChain_OutOfRangeAndOffCurveInputs_ReportsReason()
    {
        var key = Felt.FromBigInteger(0x1234567);
        var z = Felt.FromBigInteger(0xabcdef);
        var signature = Ecdsa.Sign(key, z);
        var x = Ecdsa.GetPublicKey(key);
        var n = Felt.FromBigInteger(N);

        Assert.Equal(OnChainSignatureStatus.RNotBelowCurveOrder, Ecdsa.CheckOnChain(z, x, n, signature.S));
        Assert.Equal(OnChainSignatureStatus.SNotBelowCurveOrder, Ecdsa.CheckOnChain(z, x, signature.R, n));
        Assert.Equal(OnChainSignatureStatus.SNotBelowCurveOrder, Ecdsa.CheckOnChain(z, x, signature.R, Felt.FromBigInteger(N + 5)));
        Assert.Equal(OnChainSignatureStatus.RNotBelowCurveOrder, Ecdsa.CheckOnChain(z, x, Felt.MinusOne, Felt.MinusOne));
        Assert.Equal(OnChainSignatureStatus.SIsZero, Ecdsa.CheckOnChain(z, x, signature.R, Felt.Zero));

        var notX = FirstNonXCoordinate(x);
        Assert.Equal(OnChainSignatureStatus.PublicKeyNotOnCurve, Ecdsa.CheckOnChain(z, notX, signature.R, signature.S));
        Assert.False(Ecdsa.VerifyOnChain(z, notX, signature.R, signature.S));
        var notR = FirstNonXCoordinate(signature.R);
        Assert.Equal(OnChainSignatureStatus.RNotOnCurve, Ecdsa.CheckOnChain(z, x, notR, signature.S));
        Assert.False(Ecdsa.VerifyOnChain(z, x, notR, signature.S));
        Assert.Equal(OnChainSignatureStatus.RNotOnCurve, Ecdsa.CheckOnChain(z, x, Felt.Zero, signature.S));
        Assert.Equal(OnChainSignatureStatus.EquationDoesNotHold, Ecdsa.CheckOnChain(z + Felt.One, x, signature.R, signature.S));
    }

    private static Felt FirstNonXCoordinate(Felt start)
    {
        var v = start;
        while (CurveOracle.Sqrt(CurveOracle.Mod(BigInteger.Pow(v.ToBigInteger(), 3) + v.ToBigInteger() + CurveOracle.Beta, CurveOracle.P)) is not null)
        {
            v += Felt.One;
        }
        return v;
    }

    [Fact]
    public void VerifyLibrary_OutOfRangeInputs_ReturnsFalse()
    {
        var key = Felt.FromBigInteger(0x1234567);
        var z = Felt.FromBigInteger(0xabcdef);
        var signature = Ecdsa.Sign(key, z);
        var q = Ecdsa.GetPublicKeyPoint(key);
        var bound = Felt.FromBigInteger(Bound);

        Assert.True(Ecdsa.VerifyLibrary(z, q.X, q.Y, signature.R, signature.S));
        Assert.False(Ecdsa.VerifyLibrary(z, q.X, q.Y, Felt.Zero, signature.S));
        Assert.False(Ecdsa.VerifyLibrary(z, q.X, q.Y, bound, signature.S));
        Assert.False(Ecdsa.VerifyLibrary(z, q.X, q.Y, signature.R, Felt.Zero));
        Assert.False(Ecdsa.VerifyLibrary(z, q.X, q.Y, signature.R, Felt.FromBigInteger(N)));
        Assert.False(Ecdsa.VerifyLibrary(bound, q.X, q.Y, signature.R, signature.S));
        Assert.False(Ecdsa.VerifyLibrary(z, q.X, q.Y + Felt.One, signature.R, signature.S));
    }

    [Fact]
    public void VerifyLibrary_SInverseAboveBound_ReturnsFalseWhileOnChainAccepts()
    {
        // Signing never yields s⁻¹ ≥ 2^251 in practice (probability about 2^-55), so build such a signature by hand:
        // pick w in [2^251, n), s = w⁻¹, a nonce k, r = x(k·G) mod n, and solve s·k = z + r·d for z.
        var random = new Random(2006);
        var d = CurveOracle.RandomBelow(random, N - 1) + 1;
        var w = Bound + CurveOracle.RandomBelow(random, N - Bound);
        var s = CurveOracle.Inv(w, N);
        var k = CurveOracle.RandomBelow(random, N - 1) + 1;
        var r = CurveOracle.Mod(CurveOracle.Multiply(k, CurveOracle.G)!.Value.X, N);
        var z = CurveOracle.Mod(s * k - r * d, N);
        Assert.True(z < Bound && r < Bound);
        var q = Ecdsa.GetPublicKeyPoint(Felt.FromBigInteger(d));
        var (zf, rf, sf) = (Felt.FromBigInteger(z), Felt.FromBigInteger(r), Felt.FromBigInteger(s));

        Assert.False(Ecdsa.VerifyLibrary(zf, q.X, q.Y, rf, sf));
        Assert.True(Ecdsa.VerifyOnChain(zf, q.X, rf, sf));
        // Control: the same construction with a small w passes the library check.
        var s2 = CurveOracle.Inv(12345, N);
        var z2 = CurveOracle.Mod(s2 * k - r * d, N);
        if (z2 < Bound)
        {
            Assert.True(Ecdsa.VerifyLibrary(Felt.FromBigInteger(z2), q.X, q.Y, rf, Felt.FromBigInteger(s2)));
        }
    }

    [Fact]
    public void GetPublicKey_KeyOutOfRange_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Ecdsa.GetPublicKey(Felt.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ecdsa.GetPublicKey(Felt.FromBigInteger(N)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ecdsa.GetPublicKeyPoint(Felt.FromBigInteger(N + 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ecdsa.GetPublicKey(Felt.MinusOne));
        Assert.False(Ecdsa.IsValidPrivateKey(Felt.Zero));
        Assert.False(Ecdsa.IsValidPrivateKey(Felt.FromBigInteger(N)));
        Assert.True(Ecdsa.IsValidPrivateKey(Felt.FromBigInteger(N - 1)));
        Assert.True(Ecdsa.IsValidPrivateKey(Felt.One));
    }

    [Fact]
    public void Sign_InputsOutOfRange_ThrowsArgumentOutOfRange()
    {
        var key = Felt.FromBigInteger(0x1234567);
        Assert.Throws<ArgumentOutOfRangeException>(() => Ecdsa.Sign(Felt.Zero, Felt.One));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ecdsa.Sign(Felt.FromBigInteger(N), Felt.One));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ecdsa.Sign(key, Felt.FromBigInteger(Bound)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ecdsa.Sign(key, Felt.MinusOne));
        // The largest allowed hash signs fine.
        Assert.True(Ecdsa.VerifyOnChain(Felt.FromBigInteger(Bound - 1), Ecdsa.GetPublicKey(key), Ecdsa.Sign(key, Felt.FromBigInteger(Bound - 1))));
    }

    [Fact]
    public void GeneratePrivateKey_ManyKeys_AreValidAndDistinct()
    {
        var keys = new HashSet<Felt>();
        for (var i = 0; i < 50; i++)
        {
            var key = Ecdsa.GeneratePrivateKey();
            Assert.True(Ecdsa.IsValidPrivateKey(key));
            keys.Add(key);
        }
        Assert.Equal(50, keys.Count);
    }

    [Fact]
    public void GetPublicKeyPoint_RandomKeys_MatchesOracle()
    {
        var random = new Random(2007);
        for (var i = 0; i < 30; i++)
        {
            var key = RandomKey(random);
            var expected = CurveOracle.Multiply(key.ToBigInteger(), CurveOracle.G)!.Value;
            var point = Ecdsa.GetPublicKeyPoint(key);
            Assert.Equal(expected, (point.X.ToBigInteger(), point.Y.ToBigInteger()));
            Assert.True(point.IsOnCurve);
        }
    }
}
