using System.Text.Json;
using Sessions.Tests.Support;
using Starknet;
using Starknet.Tests.Infrastructure;
using Starknet.Transactions;

namespace Sessions.Tests;

/// <summary>
/// The bodies x-sessions sent to the cosigner (spec §14) agree with what this library computes: a cosigner can
/// rebuild the transaction hash, the session hash and m from them and check the session key's signature.
/// </summary>
[Trait("Category", "Vectors")]
public sealed class CosignerRequestTests
{
    public static TheoryData<int> Cases() => SessionCases.All();

    public static TheoryData<int> OutsideExecutionCases() => SessionCases.With("outside_execution");

    [Theory]
    [MemberData(nameof(Cases))]
    public void SignSessionBody_Case_MatchesLibrary(int index)
    {
        var c = SessionCases.Case(index);
        var request = c.GetProperty("cosigner_request");
        Assert.Equal("/cosigner/signSession", request.GetProperty("url_path").GetString());
        var body = request.GetProperty("body");
        var m = AssertSession(c, body.GetProperty("session"), SessionCases.TransactionHash(c), c.GetProperty("session_token").Felts("signature_array"));

        var t = body.GetProperty("transaction");
        Assert.Equal("3", t.GetProperty("version").GetString());
        var calldata = t.GetProperty("calldata").EnumerateArray().Select(e => Felt.Parse(e.GetString()!)).ToArray();
        Assert.Equal(Starknet.Transactions.ExecuteCalldata.Encode(SessionCases.Calls(c)), calldata);
        var tx = new InvokeTransactionV3
        {
            SenderAddress = Felt.Parse(t.GetProperty("sender_address").GetString()!),
            Calldata = calldata,
            ChainId = Felt.Parse(t.GetProperty("chain_id").GetString()!),
            Nonce = Felt.Parse(t.GetProperty("nonce").GetString()!),
            Version = Felt.Parse(t.GetProperty("version").GetString()!),
            ResourceBounds = JsonFelts.Bounds(t.GetProperty("resource_bounds")),
            Tip = Felt.Parse(t.GetProperty("tip").GetString()!).ToUInt64(),
            PaymasterData = t.GetProperty("paymaster_data").EnumerateArray().Select(e => Felt.Parse(e.GetString()!)).ToArray(),
            AccountDeploymentData = t.GetProperty("account_deployment_data").EnumerateArray().Select(e => Felt.Parse(e.GetString()!)).ToArray(),
            NonceDataAvailabilityMode = JsonFelts.Mode(t.GetProperty("nonce_data_availability_mode")),
            FeeDataAvailabilityMode = JsonFelts.Mode(t.GetProperty("fee_data_availability_mode")),
        };
        Assert.Equal(SessionCases.TransactionHash(c), tx.ComputeHash());
        Assert.Equal(c.GetProperty("inputs").Felt("chain_id"), tx.ChainId);

        AssertResponse(c, request.GetProperty("mock_response_body"), m, c.GetProperty("session_token").Felts("signature_array"));
    }

    [Theory]
    [MemberData(nameof(OutsideExecutionCases))]
    public void SignSessionEfoBody_Case_MatchesLibrary(int index)
    {
        var c = SessionCases.Case(index);
        var o = c.GetProperty("outside_execution");
        var inputs = c.GetProperty("inputs");
        var request = o.GetProperty("cosigner_request");
        Assert.Equal("/cosigner/signSessionEFO", request.GetProperty("url_path").GetString());
        var body = request.GetProperty("body");
        var m = AssertSession(c, body.GetProperty("session"), o.Felt("outside_execution_message_hash"), o.Felts("session_token_signature_array"));

        var message = body.GetProperty("message");
        Assert.Equal("eip712", message.GetProperty("type").GetString());
        Assert.Equal("starknet", message.GetProperty("chain").GetString());
        Assert.Equal(inputs.Felt("account_address"), message.Felt("accountAddress"));
        var expectedNetwork = inputs.GetProperty("chain").GetString() switch
        {
            "SN_MAIN" => "mainnet",
            "SN_SEPOLIA" => "sepolia",
            _ => null,
        };
        if (expectedNetwork is not null)
        {
            Assert.Equal(expectedNetwork, message.GetProperty("network").GetString());
        }
        var typedData = message.GetProperty("message");
        var oe = SessionCases.OutsideExecution(typedData.GetProperty("message"));
        using var ours = JsonDocument.Parse(OutsideExecutionTypedData.ToJson(oe, inputs.Felt("chain_id")));
        JsonAssert.SameShape(typedData, ours.RootElement);
        Assert.Equal(o.Felt("outside_execution_message_hash"), TypedData.Parse(typedData).MessageHash(inputs.Felt("account_address")));

        AssertResponse(c, request.GetProperty("mock_response_body"), m, o.Felts("session_token_signature_array"));
    }

    /// <summary>Checks the "session" part against the token x-sessions built, and returns m.</summary>
    private static Felt AssertSession(JsonElement c, JsonElement session, Felt executionHash, Felt[] tokenFelts)
    {
        var token = SessionToken.Parse(tokenFelts, SessionTokenLayout.CacheFlag);
        var request = SessionCases.Request(c);
        Assert.Equal(request.SessionHash, session.Felt("sessionHash"));
        Assert.Equal(c.GetProperty("authorization").Felts("session_authorization_array"), session.Felts("sessionAuthorisation"));
        var cache = session.GetProperty("cacheAuthorisation").GetBoolean();
        Assert.Equal(token.CacheAuthorization, cache);
        Assert.Equal(token.Authorization, session.Felts("sessionAuthorisation"));

        var signature = session.GetProperty("sessionSignature");
        Assert.Equal("StarknetKey", signature.GetProperty("type").GetString());
        var signer = signature.GetProperty("signer");
        var sessionKey = signer.Felt("publicKey");
        Assert.Equal(request.SessionPublicKey, sessionKey);

        var m = SessionMessage.Hash(executionHash, request.SessionHash, cache ? Felt.One : Felt.Zero);
        Assert.True(Ecdsa.VerifyOnChain(m, sessionKey, signer.Felt("r"), signer.Felt("s")));
        Assert.Equal(token.SessionSignature, new StarknetSignerSignature(sessionKey, new StarkSignature(signer.Felt("r"), signer.Felt("s"))));
        Assert.Equal(m, token.MessageHash(executionHash, request.SessionHash));
        return m;
    }

    /// <summary>The cosigner's answer is the guardian signature over m that the token carries.</summary>
    private static void AssertResponse(JsonElement c, JsonElement response, Felt m, Felt[] tokenFelts)
    {
        var signature = response.GetProperty("signature");
        Assert.Equal(SessionToken.Parse(tokenFelts).GuardianSignature, new StarknetSignerSignature(signature.Felt("publicKey"), new StarkSignature(signature.Felt("r"), signature.Felt("s"))));
        var guardian = c.GetProperty("inputs").Felt("guardian_public_key");
        Assert.Equal(guardian, signature.Felt("publicKey"));
        Assert.Equal(Ecdsa.Sign(c.GetProperty("inputs").Felt("guardian_private_key"), m), new StarkSignature(signature.Felt("r"), signature.Felt("s")));
        Assert.True(Ecdsa.VerifyOnChain(m, guardian, signature.Felt("r"), signature.Felt("s")));
    }
}
