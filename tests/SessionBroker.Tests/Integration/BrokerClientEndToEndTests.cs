using Broker.Client;
using Sessions;
using Starknet;
using Starknet.Rpc;

namespace SessionBroker.Tests.Integration;

/// <summary>
/// The C# SDK as a game server uses it, end to end over real in-process channels to SessionBroker and GuardianSigner,
/// with the devnet stand-in as the chain: the session transaction it builds is executed by the devnet's Argent account.
/// </summary>
[Collection(BrokerStackDefinition.Name)]
public sealed class BrokerClientEndToEndTests(BrokerStackFixture stack) : IDisposable
{
    private readonly string _keyDirectory = Directory.CreateTempSubdirectory("sdk-keys-").FullName;

    public void Dispose() => Directory.Delete(_keyDirectory, recursive: true);

    private SessionSpecification Specification(SessionKey key, TimeSpan lifetime, string projectId = "sdk-game") =>
        SessionSpecification.Create(
            stack.Devnet.State.ChainId,
            stack.Account.Address,
            key,
            lifetime,
            [new AllowedMethod(stack.GameContract, "move"), new AllowedMethod(stack.GameContract, "attack")],
            new SessionMetadata(projectId, [new SessionTxFee(stack.Devnet.State.FeeTokenAddress, 1_000_000_000_000_000_000)]),
            stack.Time);

    [Fact]
    public async Task GameServerFlow_GenerateRegisterCosignSubmitRevoke_TransactionExecutesThenCosignsStop()
    {
        // The game server makes a key and keeps it on its own disk.
        var path = Path.Combine(_keyDirectory, "player-1.key");
        await SessionKey.Generate().SaveToFileAsync(path);
        var key = await SessionKey.LoadFromFileAsync(path);

        var broker = stack.BrokerClient;
        var prepared = await broker.PrepareAsync(Specification(key, TimeSpan.FromHours(1)));
        // The wallet signs the typed data's hash; here the genesis owner key stands in for the user's wallet.
        var ownerSignature = DevnetWallet.SignAsOwner(stack.Account, prepared.SessionHash);
        var session = await broker.RegisterAsync(prepared, stack.Account.OwnerPublicKey, ownerSignature);
        Assert.Equal(SessionState.Active, session.Details.State);

        // One session transaction: signed locally, cosigned by the guardian, executed by the account on the devnet.
        var nonce = await stack.Rpc.GetNonceAsync(stack.Account.Address, BlockId.PreConfirmed);
        var cosigned = await stack.GuardianClient.CosignInvokeAsync(session, key,
            new SessionInvoke([new SessionCall(stack.GameContract, "move", [3, 4])], nonce, DevnetWallet.Bounds));
        var sent = await stack.Rpc.AddInvokeTransactionAsync(cosigned.ToBroadcast());
        Assert.Equal(cosigned.TransactionHash, sent);
        var receipt = await DevnetWallet.ReceiptAsync(stack.Rpc, sent);
        Assert.Equal(TransactionExecutionStatus.Succeeded, receipt.ExecutionStatus);
        Assert.Contains(stack.Devnet.State.GetGameActions(stack.GameContract), a => a.TransactionHash == sent && a.EntryPoint == "move");

        var page = await broker.ListByDappAsync("sdk-game");
        Assert.Contains(page.Sessions, s => s.SessionHash == session.SessionHash);

        var revoked = await broker.RevokeAsync(session.SessionHash);
        Assert.Equal(SessionState.Revoked, revoked.Session.State);
        Assert.Equal(SessionRevocation.RevokeSessionCall(stack.Account.Address, session.SessionHash), revoked.RevokeCall);
        await Assert.ThrowsAsync<SessionRevokedException>(() => stack.GuardianClient.CosignInvokeAsync(session, key,
            new SessionInvoke([new SessionCall(stack.GameContract, "move", [5, 6])], nonce + Felt.One, DevnetWallet.Bounds)));
    }

    [Fact]
    public async Task OutsideExecution_Cosigned_TokenVerifiesForTheAccount()
    {
        var key = SessionKey.Generate();
        var prepared = await stack.BrokerClient.PrepareAsync(Specification(key, TimeSpan.FromHours(1)));
        var session = await stack.BrokerClient.RegisterAsync(prepared, stack.Account.OwnerPublicKey, DevnetWallet.SignAsOwner(stack.Account, prepared.SessionHash));

        var cosigned = await stack.GuardianClient.CosignOutsideExecutionAsync(session, key, new SessionOutsideExecution(
            [new SessionCall(stack.GameContract, "attack", [7])], Felt.Parse("0x5eed"), stack.Now - 60, stack.Now + 600));

        var call = cosigned.ToCall();
        Assert.Equal(stack.Account.Address, call.To);
        Assert.True(Ecdsa.VerifyOnChain(cosigned.Token.MessageHash(cosigned.MessageHash, session.SessionHash),
            session.GuardianPublicKey, cosigned.Token.GuardianSignature.Signature));
    }

    [Fact]
    public async Task Refusals_AreTypedExceptions()
    {
        var key = SessionKey.Generate();

        var expired = Specification(key, TimeSpan.FromHours(1)) with { ExpiresAt = stack.Now - 1 };
        var invalid = await Assert.ThrowsAsync<InvalidRequestException>(() => stack.BrokerClient.PrepareAsync(expired));
        Assert.Equal("session.expires_at", Assert.Single(invalid.FieldViolations).Field);

        var prepared = await stack.BrokerClient.PrepareAsync(Specification(key, TimeSpan.FromHours(1)));
        var stranger = DevnetWallet.SignAsOwner(stack.OtherAccount, prepared.SessionHash);
        var rejected = await Assert.ThrowsAsync<OwnerRejectedException>(
            () => stack.BrokerClient.RegisterAsync(prepared, stack.OtherAccount.OwnerPublicKey, stranger));
        Assert.Equal(BrokerErrorReasons.NotAnOwner, rejected.Reason);

        await Assert.ThrowsAsync<SessionNotFoundException>(() => stack.BrokerClient.GetAsync(Felt.Parse("0x404")));
    }

    [Fact]
    public async Task ShortSession_AfterExpiryByTheGuardianClock_SessionExpiredException()
    {
        var key = SessionKey.Generate();
        var prepared = await stack.BrokerClient.PrepareAsync(Specification(key, TimeSpan.FromSeconds(30)));
        var session = await stack.BrokerClient.RegisterAsync(prepared, stack.Account.OwnerPublicKey, DevnetWallet.SignAsOwner(stack.Account, prepared.SessionHash));

        stack.Time.Advance(TimeSpan.FromSeconds(31));

        await Assert.ThrowsAsync<SessionExpiredException>(() => stack.GuardianClient.CosignInvokeAsync(session, key,
            new SessionInvoke([new SessionCall(stack.GameContract, "move", [1])], Felt.Zero, DevnetWallet.Bounds)));
        Assert.Equal(SessionState.Expired, (await stack.BrokerClient.GetAsync(session.SessionHash)).State);
    }
}
