using Broker.Contracts.Guardian.V1;
using Broker.Contracts.Session.V1;
using Grpc.Core;
using SessionBroker.Tests.Infrastructure;
using Sessions;
using Starknet;
using Starknet.Rpc;
using Starknet.Transactions;
using Proto = Broker.Contracts.Common.V1;

namespace SessionBroker.Tests.Integration;

/// <summary>
/// SessionBroker through a real in-process gRPC channel, with the real GuardianSigner in-process and the devnet
/// stand-in (not a real Starknet node) as the chain.
/// </summary>
[Collection(BrokerStackDefinition.Name)]
public sealed class SessionBrokerDevnetTests(BrokerStackFixture stack)
{
    private readonly Felt _sessionPrivateKey = Ecdsa.GeneratePrivateKey();

    private SessionSpec Spec(ulong lifetime = 3600, string dappId = "devnet-game")
    {
        var spec = TestSessions.Spec(Ecdsa.GetPublicKey(_sessionPrivateKey), stack.Now + lifetime, dappId, stack.Account.Address, stack.Devnet.State.ChainId);
        foreach (var method in spec.AllowedMethods)
        {
            method.ContractAddress = stack.GameContract.ToString();
        }
        return spec;
    }

    private RegisterSessionRequest Register(SessionSpec spec, Felt? ownerPrivateKey = null) =>
        TestSessions.Register(spec, ownerPrivateKey ?? stack.Account.OwnerPrivateKey!.Value);

    /// <summary>A cosign request for one "move" on the game contract, signed by the session key.</summary>
    private CosignInvokeRequest CosignMove(SessionSpec spec, ulong nonce = 0)
    {
        var sessionHash = TestSessions.Request(spec).SessionHash;
        var calls = new[] { Call.ToEntryPoint(stack.GameContract, "move", 1, 2) };
        var transaction = new InvokeTransactionV3
        {
            SenderAddress = stack.Account.Address,
            Calldata = ExecuteCalldata.Encode(calls),
            ChainId = stack.Devnet.State.ChainId,
            Nonce = nonce,
            ResourceBounds = DevnetWallet.Bounds,
        };
        var signature = Ecdsa.Sign(_sessionPrivateKey, SessionMessage.Hash(transaction.ComputeHash(), sessionHash, Felt.Zero));
        var fields = new Proto.InvokeV3Fields
        {
            SenderAddress = stack.Account.Address.ToString(),
            Nonce = new Felt(nonce).ToString(),
            ChainId = stack.Devnet.State.ChainId.ToString(),
            ResourceBounds = new Proto.ResourceBoundsMapping
            {
                L1Gas = Bounds(DevnetWallet.Bounds.L1Gas),
                L2Gas = Bounds(DevnetWallet.Bounds.L2Gas),
                L1DataGas = Bounds(DevnetWallet.Bounds.L1DataGas),
            },
        };
        fields.Calls.Add(new Proto.Call { To = stack.GameContract.ToString(), EntryPoint = "move", Calldata = { "0x1", "0x2" } });
        return new CosignInvokeRequest
        {
            SessionHash = sessionHash.ToString(),
            Transaction = fields,
            SessionSignature = new Proto.StarkSignature { R = signature.R.ToString(), S = signature.S.ToString() },
        };

        static Proto.ResourceBounds Bounds(ResourceBounds b) => new() { MaxAmount = b.MaxAmount, MaxPricePerUnit = b.MaxPricePerUnit.ToString() };
    }

    [Fact]
    public async Task RegisterGetListRevoke_HappyPath_EachStepAnswersTheSession()
    {
        var spec = Spec(dappId: "happy-path");
        var prepared = await stack.Broker.PrepareSessionAsync(new PrepareSessionRequest { Session = spec });
        var hash = Felt.Parse(prepared.SessionHash);
        var signature = DevnetWallet.SignAsOwner(stack.Account, hash);

        var registered = await stack.Broker.RegisterSessionAsync(new RegisterSessionRequest
        {
            Session = spec,
            OwnerPublicKey = stack.Account.OwnerPublicKey.ToString(),
            OwnerSignature = new Proto.StarkSignature { R = signature.R.ToString(), S = signature.S.ToString() },
        });
        Assert.Equal(prepared.SessionHash, registered.Session.SessionHash);
        Assert.Equal(SessionStatus.Active, registered.Session.Status);
        Assert.Equal(stack.Account.GuardianPublicKey!.Value.ToString(), registered.GuardianPublicKey);
        Assert.Equal(9, registered.Authorization.Count);

        var fetched = await stack.Broker.GetSessionAsync(new GetSessionRequest { SessionHash = prepared.SessionHash });
        Assert.Equal(registered.Session, fetched);

        var byDapp = await stack.Broker.ListSessionsAsync(new ListSessionsRequest { DappId = "happy-path" });
        Assert.Equal([prepared.SessionHash], byDapp.Sessions.Select(s => s.SessionHash));
        var byAccount = await stack.Broker.ListSessionsAsync(new ListSessionsRequest { AccountAddress = stack.Account.Address.ToString() });
        Assert.Contains(byAccount.Sessions, s => s.SessionHash == prepared.SessionHash);

        // Before the revocation the guardian cosigns the session's transactions.
        var cosigned = await stack.Guardian.CosignInvokeAsync(CosignMove(spec));
        Assert.Equal(stack.Account.GuardianPublicKey!.Value.ToString(), cosigned.GuardianPublicKey);

        var revoked = await stack.Broker.RevokeSessionAsync(new RevokeSessionRequest { SessionHash = prepared.SessionHash });
        Assert.Equal(SessionStatus.Revoked, revoked.Session.Status);
        Assert.Equal(stack.Account.Address.ToString(), revoked.RevokeCall.To);
        Assert.Equal("revoke_session", revoked.RevokeCall.EntryPoint);
        Assert.Equal([prepared.SessionHash], revoked.RevokeCall.Calldata);
    }

    [Fact]
    public async Task RevokeSession_OffChain_GuardianRefusesEveryLaterCosign()
    {
        var spec = Spec();
        var registered = await stack.Broker.RegisterSessionAsync(Register(spec));
        await stack.Broker.RevokeSessionAsync(new RevokeSessionRequest { SessionHash = registered.Session.SessionHash });

        await Refusals.OverTheWireAsync(StatusCode.FailedPrecondition, "SESSION_REVOKED",
            () => stack.Guardian.CosignInvokeAsync(CosignMove(spec)).ResponseAsync);
        // Registering it again does not bring it back.
        await Refusals.OverTheWireAsync(StatusCode.FailedPrecondition, "SESSION_REVOKED",
            () => stack.Broker.RegisterSessionAsync(Register(spec)).ResponseAsync);
    }

    [Fact]
    public async Task RevokeSession_OnChainByTheOwner_WatcherMarksItAndTheGuardianRefuses()
    {
        var spec = Spec();
        var registered = await stack.Broker.RegisterSessionAsync(Register(spec));
        var hash = Felt.Parse(registered.Session.SessionHash);

        // The owner revokes from the wallet, without the broker.
        var receipt = await DevnetWallet.SendAsOwnerAsync(stack.Rpc, stack.Account, stack.Devnet.State.ChainId,
            SessionRevocation.RevokeSessionCall(stack.Account.Address, hash));
        Assert.Equal(TransactionExecutionStatus.Succeeded, receipt.ExecutionStatus);

        stack.Time.Advance(BrokerStackFixture.WatcherInterval);
        SessionInfo? info = null;
        await BrokerStackFixture.WaitUntilAsync(async () =>
        {
            info = await stack.Broker.GetSessionAsync(new GetSessionRequest { SessionHash = hash.ToString() });
            return info.RevokedOnChain;
        }, "the watcher to see the SessionRevoked event");
        Assert.Equal(SessionStatus.Revoked, info!.Status);

        await Refusals.OverTheWireAsync(StatusCode.FailedPrecondition, "SESSION_REVOKED",
            () => stack.Guardian.CosignInvokeAsync(CosignMove(spec)).ResponseAsync);
    }

    [Fact]
    public async Task RegisterSession_KeyOwnsAnotherAccountOnly_PermissionDeniedNotAnOwner()
    {
        var e = await Refusals.OverTheWireAsync(StatusCode.PermissionDenied, "NOT_AN_OWNER",
            () => stack.Broker.RegisterSessionAsync(Register(Spec(), stack.OtherAccount.OwnerPrivateKey)).ResponseAsync);
        Assert.Equal(["owner_public_key"], Refusals.Fields(e));
    }

    [Fact]
    public async Task RegisterSession_SignatureOverAnotherHash_PermissionDeniedOwnerSignatureInvalid()
    {
        var spec = Spec();
        var request = Register(spec);
        var wrong = DevnetWallet.SignAsOwner(stack.Account, TestSessions.Request(spec).SessionHash + Felt.One);
        request.OwnerSignature = new Proto.StarkSignature { R = wrong.R.ToString(), S = wrong.S.ToString() };

        await Refusals.OverTheWireAsync(StatusCode.PermissionDenied, "OWNER_SIGNATURE_INVALID",
            () => stack.Broker.RegisterSessionAsync(request).ResponseAsync);
        await Refusals.OverTheWireAsync(StatusCode.NotFound, "SESSION_NOT_FOUND",
            () => stack.Broker.GetSessionAsync(new GetSessionRequest { SessionHash = TestSessions.Request(spec).SessionHash.ToString() }).ResponseAsync);
    }

    [Fact]
    public async Task RegisterSession_AccountNotDeployed_FailedPrecondition()
    {
        var spec = TestSessions.Spec(Ecdsa.GetPublicKey(_sessionPrivateKey), stack.Now + 3600, account: Felt.Parse("0xdead"), chainId: stack.Devnet.State.ChainId);
        await Refusals.OverTheWireAsync(StatusCode.FailedPrecondition, "ACCOUNT_NOT_DEPLOYED",
            () => stack.Broker.RegisterSessionAsync(Register(spec)).ResponseAsync);
    }

    [Fact]
    public async Task Calls_MalformedFeltsAndOversizedArrays_InvalidArgumentNamingTheField()
    {
        var malformed = Spec();
        malformed.AccountAddress = "0xnot-hex";
        malformed.AllowedMethods[0].ContractAddress = "0x" + new string('1', 65);
        var e = await Refusals.OverTheWireAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT",
            () => stack.Broker.PrepareSessionAsync(new PrepareSessionRequest { Session = malformed }).ResponseAsync);
        Assert.Equal(["session.account_address", "session.allowed_methods[0].contract_address"], Refusals.Fields(e));

        var oversized = Spec();
        for (var i = 0; i < 1000; i++)
        {
            oversized.AllowedMethods.Add(new Proto.AllowedMethod { ContractAddress = stack.GameContract.ToString(), EntryPoint = $"m{i}" });
        }
        e = await Refusals.OverTheWireAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT",
            () => stack.Broker.RegisterSessionAsync(Register(oversized)).ResponseAsync);
        Assert.Equal(["session.allowed_methods"], Refusals.Fields(e));

        var badSignature = Register(Spec());
        badSignature.OwnerSignature.R = "12345";
        e = await Refusals.OverTheWireAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT",
            () => stack.Broker.RegisterSessionAsync(badSignature).ResponseAsync);
        Assert.Equal(["owner_signature.r"], Refusals.Fields(e));

        e = await Refusals.OverTheWireAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT",
            () => stack.Broker.RevokeSessionAsync(new RevokeSessionRequest { SessionHash = "0x" }).ResponseAsync);
        Assert.Equal(["session_hash"], Refusals.Fields(e));
    }

    [Fact]
    public async Task Calls_UnknownSession_NotFound()
    {
        await Refusals.OverTheWireAsync(StatusCode.NotFound, "SESSION_NOT_FOUND",
            () => stack.Broker.GetSessionAsync(new GetSessionRequest { SessionHash = "0x1234" }).ResponseAsync);
        await Refusals.OverTheWireAsync(StatusCode.NotFound, "SESSION_NOT_FOUND",
            () => stack.Broker.RevokeSessionAsync(new RevokeSessionRequest { SessionHash = "0x1234" }).ResponseAsync);
    }

    [Fact]
    public async Task RegisterSession_WithDeadline_GuardianCallInheritsIt()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        await stack.Broker.RegisterSessionAsync(Register(Spec()), deadline: deadline);

        var seen = stack.GuardianCalls.DeadlineOf("CosignAuthorization");
        Assert.NotNull(seen);
        // The deadline travels as a relative timeout, so it comes back within transport rounding.
        Assert.InRange(seen.Value, deadline.AddSeconds(-2), deadline.AddSeconds(1));
    }
}
