using System.Text.Json;
using Sessions.Tests.Support;
using Starknet;
using Starknet.Tests.Infrastructure;

namespace Sessions.Tests;

/// <summary>Session request typed data, session hash, metadata hash and GUIDs against sessions.json (spec §4, §5, §7).</summary>
[Trait("Category", "Vectors")]
public sealed class SessionRequestTests
{
    public static TheoryData<int> Cases() => SessionCases.All();

    [Theory]
    [MemberData(nameof(Cases))]
    public void ToTypedDataJson_Case_HasVectorShapeAndOrder(int index)
    {
        var c = SessionCases.Case(index);
        var expected = c.GetProperty("session_request").GetProperty("session_typed_data");
        var json = SessionCases.Request(c).ToTypedDataJson();

        using var actual = JsonDocument.Parse(json);
        JsonAssert.SameShape(expected, actual.RootElement);
        // Byte for byte what JSON.stringify writes for the x-sessions object.
        Assert.Equal(JsonAssert.Stringify(expected), json);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ToTypedDataJson_Case_HashesLikeTheDirectPath(int index)
    {
        var c = SessionCases.Case(index);
        var sr = c.GetProperty("session_request");
        var request = SessionCases.Request(c);
        var typedData = TypedData.Parse(request.ToTypedDataJson());

        Assert.Equal(sr.Felt("domain_struct_hash"), typedData.DomainHash);
        Assert.Equal(sr.Felt("domain_struct_hash"), Session.DomainHash(request.ChainId));
        Assert.Equal(sr.Felt("session_struct_hash"), typedData.MessageStructHash);
        Assert.Equal(sr.Felt("session_struct_hash"), request.Session.StructHash());
        Assert.Equal(sr.Felt("session_message_hash"), typedData.MessageHash(request.AccountAddress));
        Assert.Equal(sr.Felt("session_message_hash"), request.SessionHash);
        Assert.Equal(request.SessionHash, request.Session.ComputeHash(request.ChainId, request.AccountAddress));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Request_Case_MatchesGuidsMetadataAndOnChainSession(int index)
    {
        var c = SessionCases.Case(index);
        var inputs = c.GetProperty("inputs");
        var sr = c.GetProperty("session_request");
        var request = SessionCases.Request(c);

        Assert.Equal(sr.Felt("session_key_guid"), request.SessionKeyGuid);
        Assert.Equal(sr.Felt("owner_guid"), SignerGuid.Starknet(inputs.Felt("owner_public_key")));
        Assert.Equal(sr.Felt("guardian_guid"), SignerGuid.Starknet(inputs.Felt("guardian_public_key")));
        Assert.Equal(inputs.Felt("session_public_key"), Ecdsa.GetPublicKey(inputs.Felt("session_private_key")));

        var encoding = c.GetProperty("metadata_encoding");
        Assert.Equal(encoding.Felts("bytearray_serialization"), ByteArray.Serialize(request.Metadata));
        Assert.Equal(encoding.Felt("metadata_hash"), request.MetadataHash);
        Assert.Equal(encoding.Felt("metadata_hash"), SessionRequest.ComputeMetadataHash(request.Metadata));

        var onchain = c.GetProperty("onchain_session");
        Assert.Equal(onchain.Felt("expires_at").ToUInt64(), request.Session.ExpiresAt);
        Assert.Equal(onchain.Felt("allowed_methods_root"), request.Session.AllowedMethodsRoot);
        Assert.Equal(onchain.Felt("metadata_hash"), request.Session.MetadataHash);
        Assert.Equal(onchain.Felt("session_key_guid"), request.Session.SessionKeyGuid);

        if (c.GetProperty("onchain_check_simulation").TryGetProperty("result", out var result))
        {
            Assert.Equal(result.Felt("session_hash"), request.SessionHash);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TypedMetadata_Case_ReadsInputsAndReproducesTheSignedString(int index)
    {
        var c = SessionCases.Case(index);
        var expected = c.GetProperty("inputs").GetProperty("metadata_object");
        var signed = c.GetProperty("session_request").GetProperty("metadata_string").GetString()!;

        Assert.True(SessionCases.Request(c).TryGetTypedMetadata(out var metadata));
        Assert.Equal(expected.GetProperty("projectID").GetString(), metadata.ProjectId);
        var fees = expected.GetProperty("txFees").EnumerateArray().ToArray();
        Assert.Equal(fees.Length, metadata.TxFees.Count);
        for (var i = 0; i < fees.Length; i++)
        {
            Assert.Equal(fees[i].Felt("tokenAddress"), metadata.TxFees[i].TokenAddress);
            Assert.Equal(System.Numerics.BigInteger.Parse(fees[i].GetProperty("maxAmount").GetString()!, System.Globalization.CultureInfo.InvariantCulture), metadata.TxFees[i].MaxAmount);
        }
        if (expected.TryGetProperty("projectSignature", out var signature))
        {
            Assert.Equal(SessionCases.Felts(signature), metadata.ProjectSignature);
        }
        else
        {
            Assert.Null(metadata.ProjectSignature);
        }
        Assert.Equal(signed, metadata.ToJson());
        Assert.Equal(JsonAssert.Stringify(expected), signed);
    }

    [Fact]
    public void Constants_SessionsJson_MatchLibrary()
    {
        var k = SessionCases.Constants;
        Assert.Equal(k.Felt("SESSION_MAGIC"), SessionConstants.SessionMagic);
        Assert.Equal(CairoShortString.Encode(k.GetProperty("SESSION_MAGIC_text").GetString()!), SessionConstants.SessionMagic);
        Assert.Equal(k.Felt("STARKNET_SIGNER_TYPE"), SignerGuid.StarknetSignerPrefix);
        Assert.Equal(k.Felt("STARKNET_MESSAGE_PREFIX"), SessionConstants.StarknetMessagePrefix);
        Assert.Equal(k.Felt("STARKNET_DOMAIN_TYPE_HASH"), SessionConstants.StarknetDomainTypeHash);
        Assert.Equal(k.Felt("SESSION_TYPE_HASH"), SessionConstants.SessionTypeHash);
        Assert.Equal(k.Felt("ALLOWED_METHOD_TYPE_HASH"), SessionConstants.AllowedMethodTypeHash);
        Assert.Equal(SessionConstants.DomainNameText, k.GetProperty("session_domain").GetProperty("name").GetString());
        Assert.Equal(k.GetProperty("session_domain").Felt("name_felt"), SessionConstants.DomainName);
        Assert.Equal(k.GetProperty("session_domain").Felt("version_felt"), SessionConstants.DomainVersion);
        Assert.Equal(k.GetProperty("session_domain").Felt("revision_felt"), SessionConstants.DomainRevision);
        Assert.Equal(OutsideExecutionTypedData.DomainNameText, k.GetProperty("outside_execution_domain").GetProperty("name").GetString());

        // The type hashes are the keccak of the encoded types the typed data declares.
        var typedData = TypedData.Parse(SessionCases.Request(SessionCases.Case(0)).ToTypedDataJson());
        Assert.Equal(SessionConstants.SessionTypeHash, typedData.TypeHash(SessionConstants.SessionTypeName));
        Assert.Equal(SessionConstants.AllowedMethodTypeHash, typedData.TypeHash(SessionConstants.AllowedMethodTypeName));
    }

    [Theory]
    [InlineData("SN_MAIN")]
    [InlineData("SN_SEPOLIA")]
    public void DomainHash_KnownChain_MatchesContractPrecomputation(string chain)
    {
        var expected = SessionCases.Constants.GetProperty("precomputed_domain_permutations").GetProperty(chain);
        var domainHash = Session.DomainHash(CairoShortString.Encode(chain));
        Assert.Equal(expected.Felt("session_domain_struct_hash"), domainHash);

        // The contract starts from perm(['StarkNet Message', domain_hash, 0]) on these chains.
        Felt s0 = SessionConstants.StarknetMessagePrefix, s1 = domainHash, s2 = Felt.Zero;
        Poseidon.Permute(ref s0, ref s1, ref s2);
        Assert.Equal(SessionCases.Felts(expected.GetProperty("session_first_hades_permutation")), new[] { s0, s1, s2 });
    }
}

/// <summary>Session request behaviour that needs no vectors.</summary>
public sealed class SessionRequestUnitTests
{
    private static readonly Felt s_chain = CairoShortString.Encode("SN_SEPOLIA");
    private static readonly Felt s_account = Felt.Parse("0x54f8b8254a6c7d78998e64bdbae51174f3cbc1a535c2a882f7ab353d314e6b4");
    private static readonly AllowedMethod[] s_methods = [new(Felt.Parse("0x2ebf402f82a93f8dadc2d42ecc91461609dc76e190b50366a3e05645a51fbc"), "craft_item")];

    [Fact]
    public void ToTypedDataJson_ExpiryAbove2Pow53_IsWrittenAsStringAndStillHashesExactly()
    {
        var expiry = (1UL << 60) + 1;
        var request = new SessionRequest(s_chain, s_account, Ecdsa.GetPublicKey(7), expiry, s_methods, "{}");
        var json = request.ToTypedDataJson();

        Assert.Contains($"\"Expires At\":\"{expiry}\"", json, StringComparison.Ordinal);
        Assert.Equal(request.SessionHash, TypedData.Parse(json).MessageHash(s_account));
    }

    [Fact]
    public void ToTypedDataJson_OtherMetadataJson_IsAcceptedButNotTyped()
    {
        const string metadata = """{"note":"free-form \"quoted\" text \\ slash","n":[1,2]}""";
        var request = new SessionRequest(s_chain, s_account, Ecdsa.GetPublicKey(7), 1_800_000_000, s_methods, metadata);

        Assert.False(request.TryGetTypedMetadata(out _));
        Assert.Equal(metadata, request.Metadata);
        using var document = JsonDocument.Parse(request.ToTypedDataJson());
        Assert.Equal(metadata, document.RootElement.GetProperty("message").GetProperty("Metadata").GetString());
        Assert.Equal(request.SessionHash, TypedData.Parse(request.ToTypedDataJson()).MessageHash(s_account));
    }

    [Fact]
    public void Constructor_TypedMetadata_SignsItsJson()
    {
        var metadata = new SessionMetadata("game-1", [new SessionTxFee(Felt.Parse("0x49d36570d4e46f48e3674bbf0c3d5b7ad4f4f8e8a5ef25b6f2bdaa0f2e15ae2"), System.Numerics.BigInteger.Pow(10, 30))]);
        var request = new SessionRequest(s_chain, s_account, Ecdsa.GetPublicKey(7), 1_800_000_000, s_methods, metadata);

        Assert.Equal("""{"projectID":"game-1","txFees":[{"tokenAddress":"0x49d36570d4e46f48e3674bbf0c3d5b7ad4f4f8e8a5ef25b6f2bdaa0f2e15ae2","maxAmount":"1000000000000000000000000000000"}]}""", request.Metadata);
        Assert.True(request.TryGetTypedMetadata(out var parsed));
        Assert.Equal(metadata.TxFees, parsed.TxFees);
    }

    [Theory]
    [InlineData("{\"x\":\"é\"}")]
    [InlineData("line\nbreak")]
    public void Constructor_NonPrintableMetadata_Throws(string metadata) =>
        Assert.Throws<ArgumentException>(() => new SessionRequest(s_chain, s_account, Ecdsa.GetPublicKey(7), 1, s_methods, metadata));

    [Fact]
    public void Constructor_ZeroSessionKeyOrNoMethods_Throws()
    {
        Assert.Throws<ArgumentException>(() => new SessionRequest(s_chain, s_account, Felt.Zero, 1, s_methods, ""));
        Assert.Throws<ArgumentException>(() => new SessionRequest(s_chain, s_account, Ecdsa.GetPublicKey(7), 1, [], ""));
    }

    [Fact]
    public void ComputeMetadataHash_LongText_MatchesByteArrayHash()
    {
        var text = new string('a', 5000);
        Assert.Equal(Poseidon.HashMany(ByteArray.Serialize(text)), SessionRequest.ComputeMetadataHash(text));
        Assert.Equal(Poseidon.HashMany(ByteArray.Serialize("")), SessionRequest.ComputeMetadataHash(""));
    }

    [Theory]
    [InlineData("{\"projectID\":\"p\"}")]
    [InlineData("{\"projectID\":1,\"txFees\":[]}")]
    [InlineData("{\"projectID\":\"p\",\"txFees\":[{\"tokenAddress\":\"0x1\",\"maxAmount\":\"-5\"}]}")]
    [InlineData("{\"projectID\":\"p\",\"txFees\":[{\"tokenAddress\":\"zz\",\"maxAmount\":\"5\"}]}")]
    [InlineData("{\"projectID\":\"p\",\"projectID\":\"q\",\"txFees\":[]}")]
    [InlineData("[1]")]
    [InlineData("not json")]
    public void SessionMetadataTryParse_OtherShapes_ReturnsFalse(string json) =>
        Assert.False(SessionMetadata.TryParse(json, out _));

    [Fact]
    public void SessionMetadataTryParse_AmountForms_AreAccepted()
    {
        Assert.True(SessionMetadata.TryParse("""{"projectID":"p","txFees":[{"tokenAddress":"0x1","maxAmount":12},{"tokenAddress":"2","maxAmount":"0x10"}],"extra":true}""", out var m));
        Assert.Equal(12, m.TxFees[0].MaxAmount);
        Assert.Equal(new Felt(2), m.TxFees[1].TokenAddress);
        Assert.Equal(16, m.TxFees[1].MaxAmount);
    }

    [Theory]
    [InlineData("0x16183ebb3eba3d4c84a4fe4e8027d79d329c7cfabe28fca57d6bb2950e84b4e")]
    [InlineData("0X1")]
    [InlineData("")]
    public void AllowedMethod_HexOrEmptyName_Throws(string name) =>
        Assert.Throws<ArgumentException>(() => new AllowedMethod(1, name));
}
