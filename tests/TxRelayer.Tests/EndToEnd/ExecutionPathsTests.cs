using Broker.Client;
using Grpc.Core.Interceptors;
using SessionBrokerContracts = Broker.Contracts.Session.V1;
using Starknet;
using Starknet.Rpc;
using TxRelayer.Tests.Infrastructure;

namespace TxRelayer.Tests.EndToEnd;

/// <summary>
/// Both execution paths through the real hosts (SessionBroker → GuardianSigner, SessionBroker → TxRelayer → devnet
/// stand-in with instant blocks), driven with Broker.Client as a game server would.
/// </summary>
[Collection(InstantStackDefinition.Name)]
public sealed class ExecutionPathsTests(InstantStackFixture fixture)
{
    private Stack S => fixture.Stack;

    [Fact]
    public async Task Execute_OutsideExecution_AcceptedOnL2WithTheMoveOnChain()
    {
        var player = await TestSession.RegisterAsync(S);

        var submitted = await S.Broker.ExecuteAsync(player.Session, player.Key, TestSession.Move(S, 3, 4), "oe-" + Guid.NewGuid());
        Assert.Contains(submitted.State, new[] { TransactionState.Submitted, TransactionState.AcceptedOnL2 });
        Assert.NotNull(submitted.TransactionHash);

        var final = await S.Broker.WaitForFinalAsync(submitted.RequestId);
        Assert.True(final.State == TransactionState.AcceptedOnL2, $"{final.State} {final.Reason}\n{TestLog.Dump()}");
        Assert.NotNull(final.ActualFee);
        Assert.Contains(S.Relayer.GetRelayerInfo(new()).Accounts, a => Felt.Parse(a) == final.RelayerAddress);
        var action = Assert.Single(S.Devnet.State.GetGameActions(S.GameContract), a => a.TransactionHash == final.TransactionHash);
        Assert.Equal("move", action.EntryPoint);
        Assert.Equal(S.Account.Address, action.Caller);
        Assert.Equal([(Felt)3, (Felt)4], action.Arguments);

        // The broker reports the guardian's own count of what it cosigned for the session.
        var details = await S.Broker.GetAsync(player.Session.SessionHash);
        Assert.Equal(1UL, details.TransactionsCosigned);
    }

    [Fact]
    public async Task PrepareAndSubmitInvoke_AccountPaid_AcceptedOnL2AndPaidByTheAccount()
    {
        var player = await TestSession.RegisterAsync(S);
        var balanceBefore = await BalanceAsync(S.Account.Address);

        var prepared = await S.Broker.PrepareInvokeAsync(player.Session, [new SessionCall(S.GameContract, "attack", [7])]);
        Assert.Equal(await S.Rpc.GetNonceAsync(S.Account.Address, BlockId.PreConfirmed), prepared.Transaction.Nonce);
        Assert.True(prepared.MaxFee >= prepared.EstimatedFee);
        var submitted = await S.Broker.SubmitInvokeAsync(player.Session, player.Key, prepared, "inv-" + Guid.NewGuid());
        Assert.Equal(prepared.TransactionHash, submitted.TransactionHash);
        Assert.Equal(TransactionPath.Invoke, submitted.Path);

        var final = await S.Broker.WaitForFinalAsync(submitted.RequestId);
        Assert.True(final.State == TransactionState.AcceptedOnL2, $"{final.State} {final.Reason}\n{TestLog.Dump()}");
        var action = Assert.Single(S.Devnet.State.GetGameActions(S.GameContract), a => a.TransactionHash == prepared.TransactionHash);
        Assert.Equal("attack", action.EntryPoint);
        Assert.True(await BalanceAsync(S.Account.Address) < balanceBefore, "the account paid the fee");
    }

    [Fact]
    public async Task ExecuteAndWait_OneCall_AnswersWithTheFinalState()
    {
        var player = await TestSession.RegisterAsync(S);
        var calls = new MethodRecorder();
        var broker = new BrokerClient(new SessionBrokerContracts.SessionBroker.SessionBrokerClient(S.BrokerChannel.Intercept(calls)), TimeSpan.FromSeconds(30));

        var final = await broker.ExecuteAndWaitAsync(player.Session, player.Key, TestSession.Move(S, 5, 6), "oe-wait-" + Guid.NewGuid());

        Assert.True(final.State == TransactionState.AcceptedOnL2, $"{final.State} {final.Reason}\n{TestLog.Dump()}");
        Assert.NotNull(final.BlockNumber);
        Assert.Equal(["Execute"], calls.Methods);
        Assert.Single(S.Devnet.State.GetGameActions(S.GameContract), a => a.TransactionHash == final.TransactionHash);
    }

    [Fact]
    public async Task SubmitInvokeAndWait_OneCall_AnswersWithTheFinalState()
    {
        var player = await TestSession.RegisterAsync(S);
        var calls = new MethodRecorder();
        var broker = new BrokerClient(new SessionBrokerContracts.SessionBroker.SessionBrokerClient(S.BrokerChannel.Intercept(calls)), TimeSpan.FromSeconds(30));
        var prepared = await broker.PrepareInvokeAsync(player.Session, [new SessionCall(S.GameContract, "attack", [8])]);

        var final = await broker.SubmitInvokeAndWaitAsync(player.Session, player.Key, prepared, "inv-wait-" + Guid.NewGuid());

        Assert.True(final.State == TransactionState.AcceptedOnL2, $"{final.State} {final.Reason}\n{TestLog.Dump()}");
        Assert.Equal(prepared.TransactionHash, final.TransactionHash);
        Assert.Equal(["PrepareInvoke", "SubmitInvoke"], calls.Methods);
    }

    [Fact]
    public async Task ExecuteAndWait_SameRequestIdAgain_SameFinalAnswerAndOneMove()
    {
        var player = await TestSession.RegisterAsync(S);
        var id = "oe-wait-retry-" + Guid.NewGuid();
        var move = TestSession.Move(S, 9, 9);

        var first = await S.Broker.ExecuteAndWaitAsync(player.Session, player.Key, move, id);
        var again = await S.Broker.ExecuteAndWaitAsync(player.Session, player.Key, move, id);

        Assert.Equal(TransactionState.AcceptedOnL2, first.State);
        Assert.Equal(first.TransactionHash, again.TransactionHash);
        Assert.Equal(TransactionState.AcceptedOnL2, again.State);
        Assert.Single(S.Devnet.State.GetGameActions(S.GameContract), a => a.TransactionHash == first.TransactionHash && a.Arguments.SequenceEqual([(Felt)9, (Felt)9]));
    }

    private async Task<System.Numerics.BigInteger> BalanceAsync(Felt address)
    {
        var result = await S.Rpc.CallAsync(new FunctionCall(S.Devnet.State.FeeTokenAddress, Selector.FromName("balance_of"), [address]), BlockId.Latest);
        return result[0].ToBigInteger() + (result[1].ToBigInteger() << 128);
    }
}
