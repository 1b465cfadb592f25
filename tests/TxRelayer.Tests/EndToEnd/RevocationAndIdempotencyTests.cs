using Broker.Client;
using Sessions;
using Starknet;
using TxRelayer.Tests.Infrastructure;
using RelayerContracts = Broker.Contracts.Relayer.V1;

namespace TxRelayer.Tests.EndToEnd;

/// <summary>Revocations and retried requests through the real hosts, on the devnet stand-in with instant blocks.</summary>
[Collection(InstantStackDefinition.Name)]
public sealed class RevocationAndIdempotencyTests(InstantStackFixture fixture)
{
    private Stack S => fixture.Stack;

    [Fact]
    public async Task RevokeOffChain_NextMove_RefusedWithSessionRevoked()
    {
        var player = await TestSession.RegisterAsync(S);
        var first = await S.Broker.ExecuteAsync(player.Session, player.Key, TestSession.Move(S, 1));
        Assert.Equal(TransactionState.AcceptedOnL2, (await S.Broker.WaitForFinalAsync(first.RequestId)).State);

        await S.Broker.RevokeAsync(player.Session.SessionHash);

        await Assert.ThrowsAsync<SessionRevokedException>(() => S.Broker.ExecuteAsync(player.Session, player.Key, TestSession.Move(S, 2)));
        var prepared = Assert.ThrowsAsync<SessionRevokedException>(() => S.Broker.PrepareInvokeAsync(player.Session, [new SessionCall(S.GameContract, "move", [3])]));
        await prepared;
    }

    [Fact]
    public async Task RevokeOnChain_NextMoves_RejectedByTheChainThenRefusedByTheBroker()
    {
        var player = await TestSession.RegisterAsync(S);
        var hash = player.Session.SessionHash;
        await Owner.SendAsync(S.Rpc, S.Account, S.Devnet.State.ChainId, SessionRevocation.RevokeSessionCall(S.Account.Address, hash));
        Assert.True(S.Devnet.State.IsSessionRevoked(S.Account.Address, hash));

        // Until the broker's watcher sees the event, the chain itself refuses: the outside execution would fail.
        TransactionResult? rejected = null;
        try
        {
            rejected = await S.Broker.ExecuteAsync(player.Session, player.Key, TestSession.Move(S, 9));
        }
        catch (SessionRevokedException)
        {
            // The watcher was faster.
        }
        if (rejected is not null)
        {
            var final = await S.Broker.WaitForFinalAsync(rejected.RequestId);
            Assert.Equal(TransactionState.Rejected, final.State);
            Assert.Contains("session/revoked", final.Reason);
        }
        var account = await Assert.ThrowsAnyAsync<BrokerException>(() => S.Broker.PrepareInvokeAsync(player.Session, [new SessionCall(S.GameContract, "move", [3])]));
        Assert.True(account.Reason is BrokerErrorReasons.EstimateFailed or BrokerErrorReasons.SessionRevoked, account.Reason);

        // Then the broker knows it from the SessionRevoked event and refuses at once.
        await Stack.WaitUntilAsync(async () => (await S.Broker.GetAsync(hash)).State == SessionState.Revoked, "the watcher");
        Assert.True((await S.Broker.GetAsync(hash)).RevokedOnChain);
        await Assert.ThrowsAsync<SessionRevokedException>(() => S.Broker.ExecuteAsync(player.Session, player.Key, TestSession.Move(S, 10)));
        Assert.DoesNotContain(S.Devnet.State.GetGameActions(S.GameContract), a => a.Arguments.SequenceEqual([(Felt)9]) && a.Caller == S.Account.Address && rejected is not null && a.TransactionHash == rejected.TransactionHash);
    }

    [Fact]
    public async Task Execute_SameRequestIdTwice_OneSubmissionSameAnswer()
    {
        var player = await TestSession.RegisterAsync(S);
        var move = TestSession.Move(S, 42, 42);
        var requestId = "retry-" + Guid.NewGuid();

        var first = await S.Broker.ExecuteAsync(player.Session, player.Key, move, requestId);
        var again = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => S.Broker.ExecuteAsync(player.Session, player.Key, move, requestId)));
        var final = await S.Broker.WaitForFinalAsync(requestId);

        Assert.All(again, r => Assert.Equal(first.TransactionHash, r.TransactionHash));
        Assert.Equal(TransactionState.AcceptedOnL2, final.State);
        Assert.Single(S.Devnet.State.GetGameActions(S.GameContract), a => a.Arguments.SequenceEqual([(Felt)42, (Felt)42]) && a.TransactionHash == final.TransactionHash);
        Assert.Equal(1, S.Devnet.State.GetGameActions(S.GameContract).Count(a => a.TransactionHash == final.TransactionHash));

        // After the session is revoked a retry still gets the stored answer: the request had been accepted.
        await S.Broker.RevokeAsync(player.Session.SessionHash);
        var late = await S.Broker.ExecuteAsync(player.Session, player.Key, move, requestId);
        Assert.Equal(final.TransactionHash, late.TransactionHash);
        Assert.Equal(TransactionState.AcceptedOnL2, late.State);
    }

    [Fact]
    public async Task SubmitInvoke_SameRequestIdTwice_OneTransaction()
    {
        var player = await TestSession.RegisterAsync(S);
        var prepared = await S.Broker.PrepareInvokeAsync(player.Session, [new SessionCall(S.GameContract, "move", [77])]);
        var requestId = "retry-invoke-" + Guid.NewGuid();

        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => S.Broker.SubmitInvokeAsync(player.Session, player.Key, prepared, requestId)));
        var final = await S.Broker.WaitForFinalAsync(requestId);

        Assert.All(results, r => Assert.Equal(prepared.TransactionHash, r.TransactionHash));
        Assert.Equal(TransactionState.AcceptedOnL2, final.State);
        Assert.Single(S.Devnet.State.GetGameActions(S.GameContract), a => a.TransactionHash == prepared.TransactionHash);
    }

    [Fact]
    public async Task Execute_RequestIdReusedForAnotherMove_FailedPreconditionNamingTheField()
    {
        var player = await TestSession.RegisterAsync(S);
        var requestId = "reused-" + Guid.NewGuid();
        await S.Broker.ExecuteAsync(player.Session, player.Key, TestSession.Move(S, 5), requestId);

        var error = await Assert.ThrowsAsync<SessionPreconditionException>(() => S.Broker.ExecuteAsync(player.Session, player.Key, TestSession.Move(S, 6), requestId));
        Assert.Equal(BrokerErrorReasons.RequestIdReused, error.Reason);
    }

    [Fact]
    public async Task GetTransaction_UnknownRequest_RequestNotFound()
    {
        var error = await Assert.ThrowsAsync<RequestNotFoundException>(() => S.Broker.GetTransactionAsync("never-sent-" + Guid.NewGuid()));
        Assert.Equal(BrokerErrorReasons.RequestNotFound, error.Reason);
        var direct = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await S.Relayer.GetTransactionAsync(new RelayerContracts.GetTransactionRequest { RequestId = "" }));
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, direct.StatusCode);
    }
}
