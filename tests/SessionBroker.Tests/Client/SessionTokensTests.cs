using Broker.Client;
using Sessions;
using Starknet;
using Starknet.Transactions;

namespace SessionBroker.Tests.Client;

/// <summary>Assembling a token from its parts, checked against the account's own parser.</summary>
public sealed class SessionTokensTests
{
    [Fact]
    public void Create_TwoCalls_TokenParsesWithProofsInCallOrder()
    {
        var game = Felt.Parse("0x6a3e");
        var key = SessionKey.Generate();
        var request = new SessionRequest(Felt.Parse("0x534e5f5345504f4c4941"), Felt.Parse("0xacc"), key.PublicKey, 2_000_000_000,
            [new AllowedMethod(game, "move"), new AllowedMethod(game, "attack"), new AllowedMethod(game, "craft_item")], "{}");
        var owner = Ecdsa.GeneratePrivateKey();
        var guardian = Ecdsa.GeneratePrivateKey();
        var authorization = SessionAuthorization.Sign(request.SessionHash, owner, guardian, SessionAuthorizationFormat.Regular).ToFelts();
        Call[] calls = [Call.ToEntryPoint(game, "craft_item", 9), Call.ToEntryPoint(game, "move", 1, 2)];
        var executionHash = Felt.Parse("0xe11");
        var m = SessionMessage.Hash(executionHash, request.SessionHash, Felt.Zero);

        var token = SessionTokens.Create(request, authorization, calls, key.SignTransaction(executionHash, request.SessionHash),
            StarknetSignerSignature.Sign(guardian, m));

        var parsed = SessionToken.Parse(token.ToFelts());
        Assert.Equal(request.Session, parsed.Session);
        Assert.Equal(authorization, parsed.Authorization);
        for (var j = 0; j < calls.Length; j++)
        {
            Assert.True(AllowedMethodsTree.Verify(request.AllowedMethodsTree.Root, calls[j].To, calls[j].Selector, [.. parsed.Proofs[j]]));
        }
        Assert.Equal(m, parsed.MessageHash(executionHash, request.SessionHash));
        Assert.True(Ecdsa.VerifyOnChain(m, key.PublicKey, parsed.SessionSignature.Signature));
        Assert.Throws<ArgumentException>(() => SessionTokens.Create(request, authorization, [Call.ToEntryPoint(game, "transfer")],
            key.SignTransaction(executionHash, request.SessionHash), StarknetSignerSignature.Sign(guardian, m)));
    }
}
