using Sessions;
using Starknet.Devnet.Tests.Support;
using Starknet.Rpc;
using Starknet.Tests.Infrastructure;
using Starknet.Transactions;

namespace Starknet.Devnet.Tests;

/// <summary>
/// The outside-execution (SNIP-9 v2) session vectors of sessions.json, submitted by a relayer account to our devnet
/// stand-in (not a real node). The session checks run inside the relayer's transaction, so a failing outside execution
/// reverts that transaction (it is not refused at admission).
/// </summary>
[Trait("Category", "Vectors")]
public sealed class OutsideExecutionVectorTests(DevnetFixture fixture) : IClassFixture<DevnetFixture>
{
    private readonly TestNode _node = fixture.Node;

    public static TheoryData<int> Cases() => SessionVectors.With("outside_execution");

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ExecuteFromOutsideV2_Case_RunsOnceThenRefusesTheNonce(int index)
    {
        var c = SessionVectors.Case(index);
        var o = c.GetProperty("outside_execution");
        var call = o.GetProperty("execute_from_outside_v2_call");
        var p = o.GetProperty("params");
        var account = SessionVectors.Account(c);
        var relayer = SessionVectors.Relayer(c);
        // Outside execution sees the exact block timestamp: inside the window and not after the session's expiry.
        var timestamp = Math.Min(SessionVectors.ExpiresAt(c), p.GetProperty("execute_before").GetUInt64() - 1);
        Assert.True(timestamp > p.GetProperty("execute_after").GetUInt64());
        SessionVectors.Load(_node, c, timestamp);
        var outsideCall = new Call(call.Felt("contract_address"), call.Felt("selector"), call.Felts("calldata"));
        var legacy = !SessionToken.Parse(o.Felts("session_token_signature_array")).CacheField.IsZero;

        var receipt = await _node.SubmitAsync(TestChain.RelayerSigned(TestChain.Invoke(relayer, 0, [outsideCall], chainId: SessionVectors.ChainId(c))));

        if (legacy)
        {
            Assert.Equal(TransactionExecutionStatus.Reverted, receipt.ExecutionStatus);
            Assert.Equal(SessionErrors.OwnerKeyMismatch, receipt.RevertReason);
            Assert.Empty(_node.State.GetGameActions());
            return;
        }
        Assert.Equal(TransactionExecutionStatus.Succeeded, receipt.ExecutionStatus);
        var calls = o.GetProperty("outside_execution_typed_data").GetProperty("message").GetProperty("Calls").EnumerateArray()
            .Select(x => (x.Felt("To"), x.Felt("Selector"))).ToArray();
        var actions = _node.State.GetGameActions();
        Assert.Equal(calls, actions.Select(a => (a.Contract, a.Selector)));
        Assert.All(actions, a => Assert.Equal(account, a.Caller));
        Assert.Contains(receipt.Events, e => e.FromAddress == account
            && e.Keys.SequenceEqual([ArgentEvents.TransactionExecuted, o.Felt("outside_execution_message_hash")]));
        Assert.True(_node.State.IsOutsideExecutionNonceUsed(account, p.Felt("nonce")));
        Assert.Equal([Felt.Zero], await _node.Client.CallAsync(
            FunctionCall.ToEntryPoint(account, "is_valid_outside_execution_nonce", p.Felt("nonce")), BlockId.Latest));

        var again = await _node.SubmitAsync(TestChain.RelayerSigned(TestChain.Invoke(relayer, 1, [outsideCall], chainId: SessionVectors.ChainId(c))));

        Assert.Equal(TransactionExecutionStatus.Reverted, again.ExecutionStatus);
        Assert.Equal(SessionErrors.DuplicatedOutsideNonce, again.RevertReason);
        Assert.Equal(calls.Length, _node.State.GetGameActions().Count);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ExecuteFromOutsideV2_TamperedOrOutOfWindow_RevertsWithContractError(int index)
    {
        var c = SessionVectors.Case(index);
        var o = c.GetProperty("outside_execution");
        var p = o.GetProperty("params");
        var call = o.GetProperty("execute_from_outside_v2_call");
        var calldata = call.Felts("calldata");
        var account = SessionVectors.Account(c);
        var relayer = SessionVectors.Relayer(c);
        var chainId = SessionVectors.ChainId(c);
        var before = p.GetProperty("execute_before").GetUInt64();
        var inside = Math.Min(SessionVectors.ExpiresAt(c), before - 1);
        if (!SessionToken.Parse(o.Felts("session_token_signature_array")).CacheField.IsZero)
        {
            return; // the legacy case fails anyway (see the test above)
        }

        // The session key's r + 1 (the last felts of the calldata are the token; its session signature r sits at
        // offset 9 + A of the token).
        var token = o.Felts("session_token_signature_array");
        var tokenStart = calldata.Length - token.Length;
        var tampered = (Felt[])calldata.Clone();
        var authorizationLength = (int)token[SessionToken.AuthorizationLengthOffset].ToUInt64();
        tampered[tokenStart + 9 + authorizationLength] += 1;
        await ExpectRevert(inside, tampered, relayer, SessionErrors.InvalidSessionSignature);

        // execute_before is exclusive.
        await ExpectRevert(before, calldata, relayer, SessionErrors.InvalidTimestamp);

        // A relayer that is not the named caller.
        if (p.Felt("caller") != OutsideExecution.AnyCaller)
        {
            await ExpectRevert(inside, calldata, TestChain.Relayer, SessionErrors.InvalidCaller);
        }

        async Task ExpectRevert(ulong timestamp, Felt[] data, Felt sender, string reason)
        {
            SessionVectors.Load(_node, c, timestamp);
            _node.State.AddRelayerAccount(new GenesisRelayerAccount { Address = sender, PublicKey = Ecdsa.GetPublicKey(TestChain.RelayerKey), Balance = 1000 * TestChain.Strk });
            var receipt = await _node.SubmitAsync(TestChain.RelayerSigned(TestChain.Invoke(sender, 0,
                [new Call(account, OutsideExecution.ExecuteFromOutsideV2Selector, data)], chainId: chainId)));
            Assert.Equal(TransactionExecutionStatus.Reverted, receipt.ExecutionStatus);
            Assert.Equal(reason, receipt.RevertReason);
            Assert.Empty(_node.State.GetGameActions());
            Assert.False(_node.State.IsOutsideExecutionNonceUsed(account, p.Felt("nonce")));
        }
    }
}

/// <summary>Event keys of the Argent account.</summary>
internal static class ArgentEvents
{
    /// <summary>starknet_keccak("TransactionExecuted"), checked against the value of spec §13.6.</summary>
    public static Felt TransactionExecuted { get; } = Felt.Parse("0x1dcde06aabdbca2f80aa51392b345d7549d7757aa855f7e37f5d335ac8243b1");
}
