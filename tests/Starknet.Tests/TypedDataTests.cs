using System.Numerics;
using System.Text.Json;
using Starknet.Tests.Infrastructure;

namespace Starknet.Tests;

/// <summary>SNIP-12 revision 1 against <c>crypto.json → snip12_rev1_typed_data</c> (starknet.js typedData).</summary>
[Trait("Category", "Vectors")]
public sealed class TypedDataVectorTests
{
    private const string File = "crypto.json";
    private const string Section = "snip12_rev1_typed_data";

    public static TheoryData<int> Cases => VectorFiles.CaseIndexes(File, Section);

    private static (JsonElement Vector, TypedData TypedData) Load(int index)
    {
        var vector = VectorFiles.Case(File, Section, index);
        return (vector, TypedData.Parse(vector.GetProperty("typed_data")));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EncodeType_VectorCase_MatchesEveryEncodedType(int index)
    {
        var (vector, typedData) = Load(index);

        foreach (var expected in vector.GetProperty("encoded_types").EnumerateObject())
        {
            Assert.Equal(expected.Value.GetString(), typedData.EncodeType(expected.Name));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TypeHash_VectorCase_MatchesEveryTypeHash(int index)
    {
        var (vector, typedData) = Load(index);

        foreach (var expected in vector.GetProperty("type_hashes").EnumerateObject())
        {
            Assert.Equal(expected.Value.GetString(), typedData.TypeHash(expected.Name).ToString());
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void DomainHash_VectorCase_MatchesDomainStructHash(int index)
    {
        var (vector, typedData) = Load(index);

        Assert.Equal(vector.GetProperty("domain_struct_hash").GetString(), typedData.DomainHash.ToString());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MessageStructHash_VectorCase_MatchesMessageStructHash(int index)
    {
        var (vector, typedData) = Load(index);

        Assert.Equal(vector.GetProperty("message_struct_hash").GetString(), typedData.MessageStructHash.ToString());
        Assert.Equal(typedData.MessageStructHash, typedData.StructHash(typedData.PrimaryType, typedData.Message));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MessageHash_VectorCase_MatchesMessageHash(int index)
    {
        var (vector, typedData) = Load(index);
        var account = Felt.Parse(vector.GetProperty("account_address").GetString()!);

        Assert.Equal(vector.GetProperty("message_hash").GetString(), typedData.MessageHash(account).ToString());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parse_VectorCaseAsText_GivesSameMessageHash(int index)
    {
        var vector = VectorFiles.Case(File, Section, index);
        var account = Felt.Parse(vector.GetProperty("account_address").GetString()!);

        var typedData = TypedData.Parse(vector.GetProperty("typed_data").GetRawText());

        Assert.Equal(vector.GetProperty("message_hash").GetString(), typedData.MessageHash(account).ToString());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void StringEncodings_VectorCase_MatchStringFieldHashes(int index)
    {
        var (vector, typedData) = Load(index);
        if (!vector.TryGetProperty("string_encodings", out var encodings))
        {
            return;
        }

        foreach (var field in encodings.EnumerateObject())
        {
            // A one-field struct {v: string} hashes to Hm([typeHash, enc(v)]); compare enc(v) through it.
            var single = TypedDataTests.Single("string", JsonSerializer.Serialize(typedData.Message.GetProperty(field.Name).GetString()));
            Felt[] expected = [single.TypeHash("Example"), Felt.Parse(field.Value.GetProperty("hash").GetString()!)];
            Assert.Equal(Poseidon.HashMany(expected), single.MessageStructHash);
        }
    }
}

/// <summary>Session and SNIP-9 v2 typed data against <c>sessions.json</c> (x-sessions 9.0.4 with starknet 8.5.2).</summary>
[Trait("Category", "Vectors")]
public sealed class SessionTypedDataVectorTests
{
    private static JsonElement Sessions => VectorFiles.Load("sessions.json");

    public static TheoryData<int> Cases()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Sessions.GetProperty("cases").GetArrayLength(); i++)
        {
            data.Add(i);
        }
        return data;
    }

    public static TheoryData<int> OutsideExecutionCases()
    {
        var data = new TheoryData<int>();
        var cases = Sessions.GetProperty("cases");
        for (var i = 0; i < cases.GetArrayLength(); i++)
        {
            if (cases[i].TryGetProperty("outside_execution", out _))
            {
                data.Add(i);
            }
        }
        return data;
    }

    [Fact]
    public void OutsideExecutionCases_Vectors_ArePresent()
    {
        Assert.NotEmpty(OutsideExecutionCases());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SessionRequest_VectorCase_MatchesDomainStructAndMessageHash(int index)
    {
        var testCase = Sessions.GetProperty("cases")[index];
        var request = testCase.GetProperty("session_request");
        var account = Felt.Parse(testCase.GetProperty("inputs").GetProperty("account_address").GetString()!);

        var typedData = TypedData.Parse(request.GetProperty("session_typed_data"));

        Assert.Equal(request.GetProperty("domain_struct_hash").GetString(), typedData.DomainHash.ToString());
        Assert.Equal(request.GetProperty("session_struct_hash").GetString(), typedData.MessageStructHash.ToString());
        Assert.Equal(request.GetProperty("session_message_hash").GetString(), typedData.MessageHash(account).ToString());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SessionRequest_VectorCase_MerkleRootMatchesAllowedMethodsTree(int index)
    {
        var testCase = Sessions.GetProperty("cases")[index];
        var typedData = TypedData.Parse(testCase.GetProperty("session_request").GetProperty("session_typed_data"));
        var methods = typedData.Message.GetProperty("Allowed Methods");
        var leaves = methods.EnumerateArray().Select(m => typedData.StructHash("Allowed Method", m)).ToArray();

        var root = new MerkleTree(leaves).Root;

        Assert.Equal(testCase.GetProperty("allowed_methods_merkle").GetProperty("root").GetString(), root.ToString());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SessionTypes_VectorCase_MatchConstants(int index)
    {
        var constants = Sessions.GetProperty("constants");
        var typedData = TypedData.Parse(Sessions.GetProperty("cases")[index].GetProperty("session_request").GetProperty("session_typed_data"));

        Assert.Equal(constants.GetProperty("SESSION_TYPE_HASH").GetString(), typedData.TypeHash("Session").ToString());
        Assert.Equal(constants.GetProperty("ALLOWED_METHOD_TYPE_HASH").GetString(), typedData.TypeHash("Allowed Method").ToString());
        Assert.Equal(constants.GetProperty("STARKNET_DOMAIN_TYPE_HASH").GetString(), typedData.TypeHash("StarknetDomain").ToString());
    }

    [Theory]
    [MemberData(nameof(OutsideExecutionCases))]
    public void OutsideExecution_VectorCase_MatchesSnip9MessageHash(int index)
    {
        var testCase = Sessions.GetProperty("cases")[index];
        var outside = testCase.GetProperty("outside_execution");
        var account = Felt.Parse(testCase.GetProperty("inputs").GetProperty("account_address").GetString()!);

        var typedData = TypedData.Parse(outside.GetProperty("outside_execution_typed_data"));

        Assert.Equal(outside.GetProperty("outside_execution_message_hash").GetString(), typedData.MessageHash(account).ToString());
    }
}

public sealed class TypedDataTests
{
    private const string Domain = """
        "StarknetDomain": [
          { "name": "name", "type": "shortstring" },
          { "name": "version", "type": "shortstring" },
          { "name": "chainId", "type": "shortstring" },
          { "name": "revision", "type": "shortstring" }
        ]
        """;

    private const string DomainValue = """{ "name": "Test", "version": "1", "chainId": "SN_MAIN", "revision": "1" }""";

    // starknet.js __tests__/utils/typedData.test.ts uses this account for its revision 1 mocks.
    private static readonly Felt s_starknetJsTestAccount = Felt.Parse("0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826");

    private static readonly BigInteger s_p = Felt.Modulus;

    /// <summary>Typed data whose message is <c>{ "v": valueJson }</c> with <c>v</c> of type <paramref name="type"/>.</summary>
    internal static TypedData Single(string type, string valueJson, string extraTypes = "") => TypedData.Parse($$"""
        {
          "types": { {{Domain}}, "Example": [{ "name": "v", "type": "{{type}}" }] {{extraTypes}} },
          "primaryType": "Example",
          "domain": {{DomainValue}},
          "message": { "v": {{valueJson}} }
        }
        """);

    /// <summary>The felt that <paramref name="valueJson"/> encodes to as a <paramref name="type"/>.</summary>
    private static void AssertEncodes(string type, string valueJson, Felt expected)
    {
        var typedData = Single(type, valueJson);
        Felt[] elements = [typedData.TypeHash("Example"), expected];
        Assert.Equal(Poseidon.HashMany(elements), typedData.MessageStructHash);
    }

    private static TypedDataException AssertFails(string type, string valueJson)
    {
        var typedData = Single(type, valueJson);
        return Assert.Throws<TypedDataException>(() => typedData.MessageHash(Felt.One));
    }

    // ---- starknet.js's own revision 1 mocks (__mocks__/typedData/*.json) and expected hashes ----

    [Fact]
    public void MessageHash_StarknetJsBaseTypesMock_MatchesStarknetJs()
    {
        const string json = """
            {
              "types": {
                "StarknetDomain": [
                  { "name": "name", "type": "shortstring" }, { "name": "version", "type": "shortstring" },
                  { "name": "chainId", "type": "shortstring" }, { "name": "revision", "type": "shortstring" }
                ],
                "Example": [
                  { "name": "n0", "type": "felt" }, { "name": "n1", "type": "bool" }, { "name": "n2", "type": "string" },
                  { "name": "n3", "type": "selector" }, { "name": "n4", "type": "u128" }, { "name": "n5", "type": "i128" },
                  { "name": "n6", "type": "ContractAddress" }, { "name": "n7", "type": "ClassHash" },
                  { "name": "n8", "type": "timestamp" }, { "name": "n9", "type": "shortstring" }
                ]
              },
              "primaryType": "Example",
              "domain": { "name": "StarkNet Mail", "version": "1", "chainId": "1", "revision": "1" },
              "message": {
                "n0": "0x3e8", "n1": true,
                "n2": "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.",
                "n3": "transfer", "n4": 10, "n5": -10, "n6": "0x3e8", "n7": "0x3e8", "n8": 1000, "n9": "transfer"
              }
            }
            """;

        var hash = TypedData.Parse(json).MessageHash(s_starknetJsTestAccount);
        var numericRevision = TypedData.Parse(json.Replace("\"revision\": \"1\"", "\"revision\": 1", StringComparison.Ordinal));

        Assert.Equal("0xdb7829db8909c0c5496f5952bcfc4fc894341ce01842537fc4f448743480b6", hash.ToString());
        Assert.Equal(hash, numericRevision.MessageHash(s_starknetJsTestAccount));
    }

    [Fact]
    public void MessageHash_StarknetJsPresetTypesMock_MatchesStarknetJs()
    {
        const string json = """
            {
              "types": {
                "StarknetDomain": [
                  { "name": "name", "type": "shortstring" }, { "name": "version", "type": "shortstring" },
                  { "name": "chainId", "type": "shortstring" }, { "name": "revision", "type": "shortstring" }
                ],
                "Example": [{ "name": "n0", "type": "TokenAmount" }, { "name": "n1", "type": "NftId" }]
              },
              "primaryType": "Example",
              "domain": { "name": "StarkNet Mail", "version": "1", "chainId": "1", "revision": "1" },
              "message": {
                "n0": { "token_address": "0x049d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7", "amount": { "low": "0x3e8", "high": "0x0" } },
                "n1": { "collection_address": "0x049d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7", "token_id": { "low": "0x3e8", "high": "0x0" } }
              }
            }
            """;

        var typedData = TypedData.Parse(json);

        Assert.Equal(
            "\"Example\"(\"n0\":\"TokenAmount\",\"n1\":\"NftId\")\"NftId\"(\"collection_address\":\"ContractAddress\",\"token_id\":\"u256\")\"TokenAmount\"(\"token_address\":\"ContractAddress\",\"amount\":\"u256\")\"u256\"(\"low\":\"u128\",\"high\":\"u128\")",
            typedData.EncodeType("Example"));
        Assert.Equal("0x185b339d5c566a883561a88fb36da301051e2c0225deb325c91bb7aa2f3473a", typedData.MessageHash(s_starknetJsTestAccount).ToString());
    }

    [Fact]
    public void MessageHash_StarknetJsEnumMockWithUnitVariant_MatchesStarknetJs()
    {
        const string json = """
            {
              "types": {
                "StarknetDomain": [
                  { "name": "name", "type": "shortstring" }, { "name": "version", "type": "shortstring" },
                  { "name": "chainId", "type": "shortstring" }, { "name": "revision", "type": "shortstring" }
                ],
                "Example": [
                  { "name": "someEnum1", "type": "enum", "contains": "EnumA" },
                  { "name": "someEnum2", "type": "enum", "contains": "EnumB" }
                ],
                "EnumA": [
                  { "name": "Variant 1", "type": "()" }, { "name": "Variant 2", "type": "(u128,u128*)" }, { "name": "Variant 3", "type": "(u128)" }
                ],
                "EnumB": [{ "name": "Variant 1", "type": "()" }, { "name": "Variant 2", "type": "(u128)" }]
              },
              "primaryType": "Example",
              "domain": { "name": "StarkNet Mail", "version": "1", "chainId": "1", "revision": "1" },
              "message": { "someEnum1": { "Variant 2": [2, [0, 1]] }, "someEnum2": { "Variant 1": [] } }
            }
            """;

        var typedData = TypedData.Parse(json);

        Assert.Equal(
            "\"Example\"(\"someEnum1\":\"EnumA\",\"someEnum2\":\"EnumB\")\"EnumA\"(\"Variant 1\":(),\"Variant 2\":(\"u128\",\"u128*\"),\"Variant 3\":(\"u128\"))\"EnumB\"(\"Variant 1\":(),\"Variant 2\":(\"u128\"))",
            typedData.EncodeType("Example"));
        Assert.Equal("0x8eb4aeac64b707f3e843284c4258df6df1f0f7fd38dcffdd8a153a495cd351", typedData.TypeHash("Example").ToString());
        Assert.Equal("0x6e61abaf480b1370bbf231f54e298c5f4872f40a6d2dd409ff30accee5bbd1e", typedData.MessageHash(s_starknetJsTestAccount).ToString());
    }

    [Fact]
    public void MessageHash_StarknetJsNestedEnumMock_MatchesStarknetJs()
    {
        const string json = """
            {
              "types": {
                "StarknetDomain": [
                  { "name": "name", "type": "shortstring" }, { "name": "version", "type": "shortstring" },
                  { "name": "chainId", "type": "shortstring" }, { "name": "revision", "type": "shortstring" }
                ],
                "Example": [{ "name": "someEnum", "type": "enum", "contains": "EnumA" }],
                "EnumA": [{ "name": "Variant 1", "type": "()" }, { "name": "Variant 2", "type": "(u128,StructA)" }],
                "StructA": [{ "name": "nestedEnum", "type": "enum", "contains": "EnumB" }],
                "EnumB": [{ "name": "Variant A", "type": "()" }, { "name": "Variant B", "type": "(StructB*)" }],
                "StructB": [{ "name": "flag", "type": "bool" }]
              },
              "primaryType": "Example",
              "domain": { "name": "StarkNet Mail", "version": "1", "chainId": "1", "revision": "1" },
              "message": { "someEnum": { "Variant 2": [2, { "nestedEnum": { "Variant B": [[{ "flag": true }, { "flag": false }]] } }] } }
            }
            """;

        var typedData = TypedData.Parse(json);

        Assert.Equal(
            "\"Example\"(\"someEnum\":\"EnumA\")\"EnumA\"(\"Variant 1\":(),\"Variant 2\":(\"u128\",\"StructA\"))\"EnumB\"(\"Variant A\":(),\"Variant B\":(\"StructB*\"))\"StructA\"(\"nestedEnum\":\"EnumB\")\"StructB\"(\"flag\":\"bool\")",
            typedData.EncodeType("Example"));
        Assert.Equal("0x2143bb787fabace39d62e9acf8b6e97d9a369000516c3e6ffd963dc1370fc1a", typedData.TypeHash("Example").ToString());
        Assert.Equal("0x691fc54567306a8ea5431130f1b98299e74a748ac391540a86736f20ef5f2b7", typedData.MessageHash(s_starknetJsTestAccount).ToString());
    }

    // ---- value encodings (spec §3) ----

    [Theory]
    [InlineData("\"1\"", 1UL)]
    [InlineData("1", 1UL)]
    [InlineData("\"0x1F\"", 31UL)]
    [InlineData("\"0X1f\"", 31UL)]
    [InlineData("\"0b101\"", 5UL)]
    [InlineData("\"0o17\"", 15UL)]
    [InlineData("\"  42 \\n\"", 42UL)]
    [InlineData("\"+7\"", 7UL)]
    [InlineData("\"-0\"", 0UL)]
    [InlineData("\"\"", 0UL)]
    [InlineData("\"   \"", 0UL)]
    [InlineData("true", 1UL)]
    [InlineData("false", 0UL)]
    [InlineData("1e3", 1000UL)]
    [InlineData("2.0", 2UL)]
    public void Encode_FeltNumericForms_ReadLikeJavaScriptBigInt(string json, ulong expected)
    {
        AssertEncodes("felt", json, new Felt(expected));
        AssertEncodes("shortstring", json, new Felt(expected));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0x")]
    [InlineData("0xg1")]
    [InlineData("1_000")]
    [InlineData("- 5")]
    [InlineData("0x-5")]
    [InlineData("1.5")]
    [InlineData("SN_MAIN")]
    [InlineData("0123456789012345678901234567890x")]
    public void Encode_FeltNonNumericString_IsShortString(string text)
    {
        var json = JsonSerializer.Serialize(text);
        if (text.Length <= 31)
        {
            AssertEncodes("felt", json, CairoShortString.Encode(text));
        }
        else
        {
            var e = AssertFails("felt", json);
            Assert.Contains("message.v", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Encode_FeltDigitsWithSurroundingWhiteSpace_IsNumber()
    {
        // 31 digits and a space: BigInt() trims it, so this is a decimal number, not a 32-character short string.
        AssertEncodes("felt", "\"0123456789012345678901234567890 \"", Felt.Parse("123456789012345678901234567890"));
    }

    [Fact]
    public void Encode_FeltNumberAbove2Pow53_RoundsLikeJavaScript()
    {
        // 9007199254740993 is not a double; JavaScript reads it as 9007199254740992 before BigInt() sees it.
        AssertEncodes("felt", "9007199254740993", new Felt(9007199254740992));
        AssertEncodes("felt", "\"9007199254740993\"", new Felt(9007199254740993));
    }

    [Fact]
    public void Encode_FeltLargestValue_IsAccepted()
    {
        AssertEncodes("felt", $"\"{s_p - 1}\"", Felt.MinusOne);
        AssertEncodes("ContractAddress", "\"0x800000000000011000000000000000000000000000000000000000000000000\"", Felt.MinusOne);
    }

    [Theory]
    [InlineData("\"-1\"", "-1")]
    [InlineData("-170141183460469231731687303715884105728", "-170141183460469231731687303715884105728")]
    [InlineData("\"170141183460469231731687303715884105727\"", "170141183460469231731687303715884105727")]
    [InlineData("-10", "-10")]
    public void Encode_I128_NegativeBecomesPPlusValue(string json, string value)
    {
        var v = BigInteger.Parse(value, System.Globalization.CultureInfo.InvariantCulture);

        AssertEncodes("i128", json, Felt.FromBigIntegerReduced(v));
    }

    [Theory]
    [InlineData("\"340282366920938463463374607431768211455\"")]
    [InlineData("\"0xffffffffffffffffffffffffffffffff\"")]
    public void Encode_U128Maximum_IsAccepted(string json)
    {
        AssertEncodes("u128", json, Felt.FromBigInteger((BigInteger.One << 128) - 1));
        AssertEncodes("timestamp", json, Felt.FromBigInteger((BigInteger.One << 128) - 1));
    }

    [Fact]
    public void Encode_Bool_TrueIsOneFalseIsZero()
    {
        AssertEncodes("bool", "true", Felt.One);
        AssertEncodes("bool", "false", Felt.Zero);
    }

    [Fact]
    public void Encode_SelectorNameOrHex_KeccakOrPassThrough()
    {
        AssertEncodes("selector", "\"transfer\"", Selector.FromName("transfer"));
        AssertEncodes("selector", "\"0x0abc\"", new Felt(0xabc));
        // Not matching /^0[xX][0-9a-fA-F]*$/ exactly, so it is a name.
        AssertEncodes("selector", "\" 0xabc\"", Selector.FromName(" 0xabc"));
        AssertEncodes("selector", "\"123\"", Selector.FromName("123"));
    }

    [Fact]
    public void Encode_String_IsPoseidonOfByteArray()
    {
        const string text = "hello, a string that is longer than thirty-one characters";

        AssertEncodes("string", JsonSerializer.Serialize(text), Poseidon.HashMany(ByteArray.Serialize(text)));
    }

    [Fact]
    public void Encode_ArrayOfFelts_IsPoseidonOfElements()
    {
        Felt[] empty = [];
        Felt[] three = [new Felt(1), CairoShortString.Encode("ab"), new Felt(3)];

        AssertEncodes("felt*", "[]", Poseidon.HashMany(empty));
        AssertEncodes("felt*", "[1, \"ab\", \"0x3\"]", Poseidon.HashMany(three));
    }

    [Fact]
    public void Encode_U256Preset_IsStructHashOfLowHigh()
    {
        var typedData = Single("u256", """{ "low": "0x5", "high": 7 }""");
        Felt[] u256 = [typedData.TypeHash("u256"), new Felt(5), new Felt(7)];
        Felt[] message = [typedData.TypeHash("Example"), Poseidon.HashMany(u256)];

        Assert.Equal("\"u256\"(\"low\":\"u128\",\"high\":\"u128\")", typedData.EncodeType("u256"));
        Assert.Equal(Poseidon.HashMany(message), typedData.MessageStructHash);
    }

    [Fact]
    public void Encode_MerkleTreeOfStructs_IsRootOfStructHashes()
    {
        const string types = """, "Leaf": [{ "name": "a", "type": "felt" }]""";
        var typedData = TypedData.Parse($$"""
            {
              "types": { {{Domain}}, "Example": [{ "name": "v", "type": "merkletree", "contains": "Leaf" }] {{types}} },
              "primaryType": "Example", "domain": {{DomainValue}},
              "message": { "v": [{ "a": 1 }, { "a": 2 }, { "a": 3 }] }
            }
            """);
        var leaves = new Felt[3];
        for (var a = 1; a <= 3; a++)
        {
            Felt[] elements = [typedData.TypeHash("Leaf"), new Felt((ulong)a)];
            leaves[a - 1] = Poseidon.HashMany(elements);
        }
        Felt[] message = [typedData.TypeHash("Example"), new MerkleTree(leaves).Root];

        Assert.Equal("\"Example\"(\"v\":\"merkletree\")", typedData.EncodeType("Example"));
        Assert.Equal(Poseidon.HashMany(message), typedData.MessageStructHash);
    }

    [Fact]
    public void Encode_MessageKeyOrder_DoesNotMatter()
    {
        const string types = """{ "StarknetDomain": [{ "name": "name", "type": "shortstring" }, { "name": "revision", "type": "shortstring" }], "T": [{ "name": "a", "type": "felt" }, { "name": "b", "type": "felt" }] }""";
        var first = TypedData.Parse($$"""{ "types": {{types}}, "primaryType": "T", "domain": { "name": "x", "revision": "1" }, "message": { "a": 1, "b": 2 } }""");
        var second = TypedData.Parse($$"""{ "message": { "b": 2, "a": 1 }, "domain": { "revision": "1", "name": "x" }, "primaryType": "T", "types": {{types}} }""");

        Assert.Equal(first.MessageHash(Felt.One), second.MessageHash(Felt.One));
    }

    // ---- errors: each names the field path ----

    [Fact]
    public void MessageHash_OutOfRangeFeltDeepInArray_NamesFullPath()
    {
        var typedData = TypedData.Parse($$"""
            {
              "types": {
                {{Domain}},
                "OutsideExecution": [{ "name": "Caller", "type": "ContractAddress" }, { "name": "calls", "type": "Call*" }],
                "Call": [{ "name": "To", "type": "ContractAddress" }, { "name": "Selector", "type": "selector" }, { "name": "Calldata", "type": "felt*" }]
              },
              "primaryType": "OutsideExecution",
              "domain": {{DomainValue}},
              "message": {
                "Caller": "0x1",
                "calls": [
                  { "To": "0x1", "Selector": "a", "Calldata": [] },
                  { "To": "0x2", "Selector": "b", "Calldata": ["0x1"] },
                  { "To": "0x3", "Selector": "c", "Calldata": ["0x800000000000011000000000000000000000000000000000000000000000001"] }
                ]
              }
            }
            """);

        var e = Assert.Throws<TypedDataException>(() => typedData.MessageHash(Felt.One));

        Assert.Equal("message.calls[2].Calldata[0]", e.Path);
        Assert.StartsWith("message.calls[2].Calldata[0]: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("felt", e.Message, StringComparison.Ordinal);
        Assert.Contains("out of range", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MessageHash_UnknownFieldType_NamesFieldAndType()
    {
        var e = AssertFails("feltz", "1");

        Assert.Equal("message.v", e.Path);
        Assert.Contains("unknown type 'feltz'", e.Message, StringComparison.Ordinal);
        Assert.Contains("types.Example[0]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EncodeType_UnknownTypeName_Throws()
    {
        var typedData = Single("felt", "1");

        var e = Assert.Throws<TypedDataException>(() => typedData.EncodeType("Nope"));

        Assert.Contains("'Nope'", e.Message, StringComparison.Ordinal);
        Assert.Throws<TypedDataException>(() => typedData.StructHash("Nope", typedData.Message));
    }

    [Fact]
    public void Parse_UnknownPrimaryType_Throws()
    {
        var e = Assert.Throws<TypedDataException>(() => TypedData.Parse($$"""
            { "types": { {{Domain}} }, "primaryType": "Missing", "domain": {{DomainValue}}, "message": {} }
            """));

        Assert.Equal("primaryType", e.Path);
        Assert.Contains("'Missing'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MessageHash_MissingField_NamesField()
    {
        var typedData = TypedData.Parse($$"""
            {
              "types": { {{Domain}}, "Outer": [{ "name": "inner", "type": "Inner" }], "Inner": [{ "name": "a", "type": "felt" }, { "name": "b", "type": "u128" }] },
              "primaryType": "Outer", "domain": {{DomainValue}}, "message": { "inner": { "a": 1 } }
            }
            """);

        var e = Assert.Throws<TypedDataException>(() => typedData.MessageHash(Felt.One));

        Assert.Equal("message.inner.b", e.Path);
        Assert.Contains("missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DomainHash_MissingDomainField_NamesField()
    {
        var typedData = TypedData.Parse($$"""
            { "types": { {{Domain}}, "Example": [] }, "primaryType": "Example", "domain": { "name": "x", "version": "1", "revision": "1" }, "message": {} }
            """);

        var e = Assert.Throws<TypedDataException>(() => typedData.DomainHash);

        Assert.Equal("domain.chainId", e.Path);
    }

    [Fact]
    public void MessageHash_NullField_IsMissing()
    {
        var e = AssertFails("felt", "null");

        Assert.Contains("missing", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"340282366920938463463374607431768211456\"")]
    [InlineData("\"-1\"")]
    [InlineData("-1")]
    [InlineData("\"0x100000000000000000000000000000000\"")]
    public void MessageHash_U128OutOfRange_NamesFieldAndType(string json)
    {
        var e = AssertFails("u128", json);

        Assert.Equal("message.v", e.Path);
        Assert.Contains("u128", e.Message, StringComparison.Ordinal);
        Assert.Contains("out of range", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"170141183460469231731687303715884105728\"")]
    [InlineData("\"-170141183460469231731687303715884105729\"")]
    public void MessageHash_I128OutOfRange_NamesFieldAndType(string json)
    {
        var e = AssertFails("i128", json);

        Assert.Equal("message.v", e.Path);
        Assert.Contains("i128", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("felt", "\"0x800000000000011000000000000000000000000000000000000000000000001\"")]
    [InlineData("felt", "\"3618502788666131213697322783095070105623107215331596699973092056135872020481\"")]
    [InlineData("felt", "\"-5\"")]
    [InlineData("shortstring", "\"0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\"")]
    [InlineData("ContractAddress", "\"0x800000000000011000000000000000000000000000000000000000000000001\"")]
    [InlineData("ClassHash", "\"-1\"")]
    [InlineData("selector", "\"0x800000000000011000000000000000000000000000000000000000000000001\"")]
    public void MessageHash_FeltNotBelowP_NamesFieldAndType(string type, string json)
    {
        var e = AssertFails(type, json);

        Assert.Equal("message.v", e.Path);
        Assert.Contains(type, e.Message, StringComparison.Ordinal);
        Assert.Contains("out of range", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MessageHash_ShortStringOver31Characters_NamesFieldAndLimit()
    {
        var e = AssertFails("shortstring", "\"this text is longer than thirty-one characters\"");

        Assert.Equal("message.v", e.Path);
        Assert.Contains("31", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("shortstring", "\"caf\\u00e9\"")]
    [InlineData("string", "\"caf\\u00e9\"")]
    [InlineData("string", "\"line\\nbreak\"")]
    [InlineData("shortstring", "\"tab\\there\"")]
    public void MessageHash_TextJsWouldMisencode_Throws(string type, string json)
    {
        var e = AssertFails(type, json);

        Assert.Equal("message.v", e.Path);
    }

    [Theory]
    [InlineData("ContractAddress", "\"not a number\"")]
    [InlineData("u128", "\"abc\"")]
    [InlineData("u128", "1.5")]
    [InlineData("felt", "1.5")]
    [InlineData("felt", "{}")]
    [InlineData("felt", "[1]")]
    [InlineData("bool", "\"true\"")]
    [InlineData("bool", "1")]
    [InlineData("selector", "5")]
    [InlineData("selector", "\"0x\"")]
    [InlineData("string", "5")]
    [InlineData("felt*", "\"0x1\"")]
    public void MessageHash_WrongKindOfValue_Throws(string type, string json)
    {
        var e = AssertFails(type, json);

        Assert.StartsWith("message.v", e.Path, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RevisionZero_ThrowsNotSupported()
    {
        var e = Assert.Throws<TypedDataException>(() => TypedData.Parse("""
            {
              "types": { "StarkNetDomain": [{ "name": "name", "type": "felt" }], "M": [{ "name": "a", "type": "felt" }] },
              "primaryType": "M", "domain": { "name": "x" }, "message": { "a": 1 }
            }
            """));

        Assert.Contains("revision 0", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"2\"")]
    [InlineData("\" 1\"")]
    [InlineData("true")]
    public void Parse_UnsupportedRevision_Throws(string revision)
    {
        Assert.Throws<TypedDataException>(() => TypedData.Parse($$"""
            { "types": { {{Domain}} }, "primaryType": "StarknetDomain", "domain": { "revision": {{revision}} }, "message": {} }
            """));
    }

    [Theory]
    [InlineData("u256")]
    [InlineData("TokenAmount")]
    [InlineData("NftId")]
    [InlineData("felt")]
    [InlineData("merkletree")]
    public void Parse_RedefinedPresetOrBasicType_Throws(string name)
    {
        var e = Assert.Throws<TypedDataException>(() => Single("felt", "1", $$""", "{{name}}": [{ "name": "low", "type": "u128" }]"""));

        Assert.Equal($"types.{name}", e.Path);
    }

    [Fact]
    public void Parse_DuplicateJsonProperty_Throws()
    {
        Assert.Throws<TypedDataException>(() => TypedData.Parse($$"""
            { "types": { {{Domain}} }, "primaryType": "StarknetDomain", "domain": {{DomainValue}}, "message": {}, "message": {} }
            """));
    }

    [Fact]
    public void Parse_DuplicateFieldName_Throws()
    {
        var e = Assert.Throws<TypedDataException>(() => Single("felt", "1", """, "T": [{ "name": "a", "type": "felt" }, { "name": "a", "type": "u128" }]"""));

        Assert.Equal("types.T[1]", e.Path);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("""{ "types": [], "primaryType": "A", "domain": {}, "message": {} }""")]
    public void Parse_MalformedDocument_ThrowsTypedDataException(string json)
    {
        Assert.Throws<TypedDataException>(() => TypedData.Parse(json));
    }

    [Fact]
    public void TypeHash_RecursiveType_Throws()
    {
        var typedData = Single("Node", """{ "next": [] }""", """, "Node": [{ "name": "next", "type": "Node*" }]""");

        var e = Assert.Throws<TypedDataException>(() => typedData.MessageHash(Felt.One));

        Assert.Contains("recursive", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MessageHash_EmptyMerkleTree_Throws()
    {
        var e = AssertFailsMerkle("[]");

        Assert.Equal("message.v", e.Path);
        Assert.Contains("at least one leaf", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MessageHash_BadMerkleLeaf_NamesLeafIndex()
    {
        var e = AssertFailsMerkle("""[{ "a": 1 }, { "b": 2 }]""");

        Assert.Equal("message.v[1].a", e.Path);
    }

    private static TypedDataException AssertFailsMerkle(string leavesJson)
    {
        var typedData = TypedData.Parse($$"""
            {
              "types": { {{Domain}}, "Example": [{ "name": "v", "type": "merkletree", "contains": "Leaf" }], "Leaf": [{ "name": "a", "type": "felt" }] },
              "primaryType": "Example", "domain": {{DomainValue}}, "message": { "v": {{leavesJson}} }
            }
            """);
        return Assert.Throws<TypedDataException>(() => typedData.MessageHash(Felt.One));
    }

    [Theory]
    [InlineData("""{ "Nope": [] }""", "message.v.Nope")]
    [InlineData("""{ "A": [], "B": [1] }""", "message.v")]
    [InlineData("""{}""", "message.v")]
    [InlineData("""{ "B": [] }""", "message.v.B[0]")]
    [InlineData("""{ "B": ["0x100000000000000000000000000000000"] }""", "message.v.B[0]")]
    [InlineData("""{ "B": [1, 2] }""", "message.v.B")]
    public void MessageHash_BadEnumValue_NamesPath(string valueJson, string path)
    {
        var typedData = TypedData.Parse($$"""
            {
              "types": { {{Domain}}, "Example": [{ "name": "v", "type": "enum", "contains": "E" }], "E": [{ "name": "A", "type": "()" }, { "name": "B", "type": "(u128)" }] },
              "primaryType": "Example", "domain": {{DomainValue}}, "message": { "v": {{valueJson}} }
            }
            """);

        var e = Assert.Throws<TypedDataException>(() => typedData.MessageHash(Felt.One));

        Assert.Equal(path, e.Path);
    }

    [Fact]
    public void MessageHash_EnumVariantIndex_IsPositionInDefinition()
    {
        var typedData = TypedData.Parse($$"""
            {
              "types": { {{Domain}}, "Example": [{ "name": "v", "type": "enum", "contains": "E" }], "E": [{ "name": "A", "type": "()" }, { "name": "B", "type": "(u128,felt)" }] },
              "primaryType": "Example", "domain": {{DomainValue}}, "message": { "v": { "B": [5, "x"] } }
            }
            """);
        Felt[] variant = [Felt.One, new Felt(5), CairoShortString.Encode("x")];
        Felt[] message = [typedData.TypeHash("Example"), Poseidon.HashMany(variant)];

        Assert.Equal(Poseidon.HashMany(message), typedData.MessageStructHash);
    }

    // ---- API behaviour ----

    [Fact]
    public void Parse_JsonElementFromDisposedDocument_StillWorks()
    {
        TypedData typedData;
        using (var document = JsonDocument.Parse(Single("felt", "7").Root.GetRawText()))
        {
            typedData = TypedData.Parse(document.RootElement);
        }

        Assert.Equal(Single("felt", "7").MessageHash(Felt.One), typedData.MessageHash(Felt.One));
    }

    [Theory]
    [InlineData("SN_MAIN")]
    [InlineData("SN_SEPOLIA")]
    [InlineData("0x534e5f4d41494e")]
    [InlineData("MY_CHAIN")]
    public void DomainHash_AnyChain_EqualsStructHashOfDomain(string chainId)
    {
        var typedData = TypedData.Parse($$"""
            { "types": { {{Domain}} }, "primaryType": "StarknetDomain",
              "domain": { "name": "Memo", "version": "1", "chainId": "{{chainId}}", "revision": "1" }, "message": {} }
            """);
        Felt[] elements = [typedData.TypeHash("StarknetDomain"), CairoShortString.Encode("Memo"), Felt.One, Felt.Parse(chainId.StartsWith("0x", StringComparison.Ordinal) ? chainId : CairoShortString.Encode(chainId).ToString()), Felt.One];

        Assert.Equal(Poseidon.HashMany(elements), typedData.DomainHash);
        Assert.Equal(typedData.StructHash("StarknetDomain", typedData.Domain), typedData.DomainHash);
    }

    [Fact]
    public void DomainHash_DomainWithManyFields_EqualsStructHashOfDomain()
    {
        var typedData = TypedData.Parse("""
            {
              "types": { "StarknetDomain": [
                { "name": "a", "type": "felt" }, { "name": "b", "type": "felt" }, { "name": "c", "type": "felt" },
                { "name": "d", "type": "felt" }, { "name": "e", "type": "felt" }, { "name": "f", "type": "felt" },
                { "name": "g", "type": "felt" }, { "name": "h", "type": "felt" }, { "name": "revision", "type": "shortstring" } ] },
              "primaryType": "StarknetDomain",
              "domain": { "a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8, "revision": "1" },
              "message": { "a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8, "revision": "1" }
            }
            """);

        Assert.Equal(typedData.StructHash("StarknetDomain", typedData.Domain), typedData.DomainHash);
        Assert.Equal(typedData.DomainHash, typedData.MessageStructHash);
    }

    [Fact]
    public void Parse_DefaultJsonElement_Throws()
    {
        Assert.Throws<TypedDataException>(() => TypedData.Parse(default(JsonElement)));
    }

    [Fact]
    public void MessageHash_DifferentAccounts_DifferOnlyInAccount()
    {
        var typedData = Single("felt", "7");
        Felt[] expected = [CairoShortString.Encode("StarkNet Message"), typedData.DomainHash, new Felt(99), typedData.MessageStructHash];

        Assert.Equal(Poseidon.HashMany(expected), typedData.MessageHash(new Felt(99)));
        Assert.NotEqual(typedData.MessageHash(new Felt(1)), typedData.MessageHash(new Felt(2)));
    }

    [Fact]
    public void MessageHash_ManyThreadsOnOneInstance_AgreeWithSingleThread()
    {
        var vector = VectorFiles.Case("crypto.json", "snip12_rev1_typed_data", 1);
        var expected = TypedData.Parse(vector.GetProperty("typed_data")).MessageHash(Felt.One);
        var shared = TypedData.Parse(vector.GetProperty("typed_data"));
        var results = new Felt[64];

        Parallel.For(0, results.Length, i => results[i] = shared.MessageHash(Felt.One));

        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void TypeNames_ListsDefinedTypesOnly()
    {
        var typedData = Single("u256", """{ "low": 1, "high": 0 }""");

        Assert.Equal(2, typedData.TypeNames.Count);
        Assert.Contains("Example", typedData.TypeNames);
        Assert.Contains("StarknetDomain", typedData.TypeNames);
        Assert.Equal(1, typedData.Revision);
        Assert.Equal("Example", typedData.PrimaryType);
    }
}
