using Sessions;
using Starknet.Devnet.Tests.Support;
using Starknet.Rpc;
using Starknet.Transactions;

namespace Starknet.Devnet.Tests;

/// <summary>
/// The Argent 0.5.0 rules of our devnet stand-in (not a real node) with fresh sessions: revocation by the owner,
/// owner+guardian transactions, the owner and guardian views, SNIP-6 and the self-call rules.
/// </summary>
public sealed class ArgentAccountTests : IAsyncLifetime
{
    private TestNode _node = null!;

    public async Task InitializeAsync() => _node = await TestNode.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task RevokeSession_ByOwner_RefusesTheSessionAndEmitsSessionRevoked()
    {
        var session = TestSession.Create(TestChain.StartTime + 86_400, "move", "attack");
        Call[] move = [TestChain.GameCall("move", 1, 2)];
        var tx0 = TestChain.Invoke(TestChain.Account, 0, move);
        Assert.Equal(TransactionExecutionStatus.Succeeded, (await _node.SubmitAsync(session.Sign(tx0, move))).ExecutionStatus);

        var revoke = await _node.SubmitAsync(TestChain.OwnerSigned(
            TestChain.Invoke(TestChain.Account, 1, [SessionRevocation.RevokeSessionCall(TestChain.Account, session.Hash)])));

        Assert.Equal(TransactionExecutionStatus.Succeeded, revoke.ExecutionStatus);
        Assert.Contains(revoke.Events, e => e.FromAddress == TestChain.Account
            && SessionRevocation.TryReadSessionRevokedEvent(e.Keys, e.Data, out var h) && h == session.Hash);
        Assert.Equal([Felt.One], await _node.Client.CallAsync(
            new FunctionCall(TestChain.Account, SessionRevocation.IsSessionRevokedSelector, SessionRevocation.IsSessionRevokedCalldata(session.Hash)), BlockId.Latest));

        var tx2 = TestChain.Invoke(TestChain.Account, 2, move);
        var refused = await Assert.ThrowsAsync<ValidationFailureException>(() => _node.Client.AddInvokeTransactionAsync(session.Sign(tx2, move)));
        Assert.Equal(SessionErrors.Revoked, refused.Reason);

        var page = await _node.Client.GetEventsAsync(new EventFilter
        {
            Address = TestChain.Account,
            Keys = [[SessionRevocation.SessionRevokedEventKey]],
            ChunkSize = 10,
        });
        var revoked = Assert.Single(page.Events);
        Assert.Equal([session.Hash], revoked.Data);
        Assert.Equal(revoke.TransactionHash, revoked.TransactionHash);
        Assert.Equal(revoke.BlockNumber, revoked.BlockNumber);
        Assert.Null(page.ContinuationToken);

        var again = await _node.SubmitAsync(TestChain.OwnerSigned(
            TestChain.Invoke(TestChain.Account, 2, [SessionRevocation.RevokeSessionCall(TestChain.Account, session.Hash)])));
        Assert.Equal(TransactionExecutionStatus.Reverted, again.ExecutionStatus);
        Assert.Equal("session/already-revoked", again.RevertReason);
    }

    [Fact]
    public async Task RevokeSession_CalledByAnotherAccount_RevertsOnlySelf()
    {
        var receipt = await _node.SubmitAsync(TestChain.RelayerSigned(
            TestChain.Invoke(TestChain.Relayer, 0, [SessionRevocation.RevokeSessionCall(TestChain.Account, 0x1234)])));

        Assert.Equal(TransactionExecutionStatus.Reverted, receipt.ExecutionStatus);
        Assert.Equal("argent/only-self", receipt.RevertReason);
        Assert.False(_node.State.IsSessionRevoked(TestChain.Account, 0x1234));
    }

    [Fact]
    public async Task AddInvokeTransaction_ConciseOwnerGuardianSignature_Executes()
    {
        var receipt = await _node.SubmitAsync(TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, 0, [TestChain.GameCall("craft_item", 7)]), concise: true));

        Assert.Equal(TransactionExecutionStatus.Succeeded, receipt.ExecutionStatus);
        var action = Assert.Single(_node.State.GetGameActions(TestChain.Game));
        Assert.Equal(("craft_item", TestChain.Account), (action.EntryPoint, action.Caller));
        Assert.Equal([(Felt)7], action.Arguments);
        Assert.Equal(receipt.TransactionHash, action.TransactionHash);
    }

    [Theory]
    [InlineData("owner only", "argent/missing-guardian-sig")]
    [InlineData("wrong guardian", "argent/invalid-guardian-sig")]
    [InlineData("wrong owner", "argent/invalid-owner-sig")]
    [InlineData("multicall to self", "argent/no-multicall-to-self")]
    [InlineData("paymaster", "argent/unsupported-paymaster")]
    [InlineData("bad length", "argent/invalid-signature-length")]
    public async Task AddInvokeTransaction_BadOwnerTransaction_IsRefusedWithArgentError(string mutation, string expected)
    {
        Call[] calls = mutation == "multicall to self"
            ? [TestChain.GameCall("move"), SessionRevocation.RevokeSessionCall(TestChain.Account, 1)]
            : [TestChain.GameCall("move")];
        var tx = TestChain.Invoke(TestChain.Account, 0, calls);
        if (mutation == "paymaster")
        {
            tx = tx with { PaymasterData = [1] };
        }
        var signed = mutation switch
        {
            "owner only" => TestChain.OwnerSigned(tx, guardianKey: Felt.Zero),
            "wrong guardian" => TestChain.OwnerSigned(tx, guardianKey: 0x777),
            "wrong owner" => TestChain.OwnerSigned(tx, ownerKey: 0x778),
            _ => TestChain.OwnerSigned(tx),
        };
        if (mutation == "bad length")
        {
            signed = signed with { Signature = [.. signed.Signature, 0] };
        }

        var error = await Assert.ThrowsAsync<ValidationFailureException>(() => _node.Client.AddInvokeTransactionAsync(signed));

        Assert.Equal(expected, error.Reason);
    }

    [Fact]
    public async Task AddInvokeTransaction_SoloAccountOwnerSignature_ExecutesWithoutGuardian()
    {
        var receipt = await _node.SubmitAsync(TestChain.OwnerSigned(
            TestChain.Invoke(TestChain.SoloAccount, 0, [TestChain.GameCall("attack", 3)]), ownerKey: TestChain.SoloOwnerKey, guardianKey: Felt.Zero));

        Assert.Equal(TransactionExecutionStatus.Succeeded, receipt.ExecutionStatus);
    }

    [Fact]
    public async Task AddInvokeTransaction_SessionCallingTheAccount_IsRefusedNoMulticallToSelf()
    {
        var session = TestSession.Create(TestChain.StartTime + 3600, "move");
        Call[] calls = [SessionRevocation.RevokeSessionCall(TestChain.Account, session.Hash)];
        var tx = TestChain.Invoke(TestChain.Account, 0, calls);
        var token = session.Token(tx.ComputeHash(), [TestChain.GameCall("move")]);

        var error = await Assert.ThrowsAsync<ValidationFailureException>(() => _node.Client.AddInvokeTransactionAsync(new BroadcastedInvokeV3(tx, token)));

        Assert.Equal(SessionErrors.NoMulticallToSelf, error.Reason);
    }

    [Fact]
    public async Task AddInvokeTransaction_SessionCallNotAllowed_IsRefusedInvalidCall()
    {
        var session = TestSession.Create(TestChain.StartTime + 3600, "move");
        Call[] calls = [TestChain.GameCall("attack")];
        var tx = TestChain.Invoke(TestChain.Account, 0, calls);
        // Prove "move" for the "attack" call: the leaf does not verify.
        var token = session.Token(tx.ComputeHash(), [TestChain.GameCall("move")]);

        var error = await Assert.ThrowsAsync<ValidationFailureException>(() => _node.Client.AddInvokeTransactionAsync(new BroadcastedInvokeV3(tx, token)));

        Assert.Equal(SessionErrors.InvalidCall, error.Reason);
    }

    [Fact]
    public async Task Call_OwnerAndGuardianViews_NameTheAccountKeys()
    {
        var ownerGuid = SignerGuid.Starknet(TestChain.OwnerPublicKey);
        var guardianGuid = SignerGuid.Starknet(TestChain.GuardianPublicKey);

        Assert.Equal([1, ownerGuid], await View("get_owners_guids"));
        Assert.Equal([1, guardianGuid], await View("get_guardians_guids"));
        Assert.Equal([Felt.One], await View("is_owner_guid", ownerGuid));
        Assert.Equal([Felt.Zero], await View("is_owner_guid", guardianGuid));
        Assert.Equal([Felt.One], await View("is_guardian_guid", guardianGuid));
        Assert.Equal([Felt.Zero], await View("is_guardian_guid", ownerGuid));
        Assert.Equal([Felt.One], await View("is_owner", 0, TestChain.OwnerPublicKey));
        Assert.Equal([Felt.One], await View("is_guardian", 0, TestChain.GuardianPublicKey));
        Assert.Equal([TestChain.OwnerPublicKey], await View("get_owner"));
        Assert.Equal([ownerGuid], await View("get_owner_guid"));
        Assert.Equal([TestChain.GuardianPublicKey], await View("get_guardian"));
        Assert.Equal([0, guardianGuid], await View("get_guardian_guid"));
        Assert.Equal([CairoShortString.Encode("ArgentAccount")], await View("get_name"));
        Assert.Equal([0, 5, 0], await View("get_version"));
        Assert.Equal([Felt.One], await _node.Client.CallAsync(FunctionCall.ToEntryPoint(TestChain.SoloAccount, "get_guardian_guid"), BlockId.Latest));

        Task<IReadOnlyList<Felt>> View(string name, params Felt[] args) =>
            _node.Client.CallAsync(FunctionCall.ToEntryPoint(TestChain.Account, name, args), BlockId.Latest);
    }

    [Fact]
    public async Task Call_IsValidSignature_AcceptsOwnerGuardianAndPanicsOtherwise()
    {
        Felt hash = 0xabcdef;
        var owner = Ecdsa.Sign(TestChain.OwnerKey, hash);
        var guardian = Ecdsa.Sign(TestChain.GuardianKey, hash);
        Felt[] concise = [owner.R, owner.S, guardian.R, guardian.S];
        Felt[] regular = [2, 0, TestChain.OwnerPublicKey, owner.R, owner.S, 0, TestChain.GuardianPublicKey, guardian.R, guardian.S];

        Assert.Equal([CairoShortString.Encode("VALID")], await IsValid(concise));
        Assert.Equal([(Felt)0x56414c4944], await IsValid(regular));

        // Like account 0.5.0, an invalid signature panics instead of returning 0.
        var error = await Assert.ThrowsAsync<ContractErrorException>(() => IsValid([owner.R, owner.S + 1, guardian.R, guardian.S]));
        Assert.Equal("argent/invalid-owner-sig", error.RevertError);
        var missing = await Assert.ThrowsAsync<ContractErrorException>(() => IsValid([owner.R, owner.S]));
        Assert.Equal("argent/missing-guardian-sig", missing.RevertError);
        // A session token is not an account signature (spec §13.7).
        var token = await Assert.ThrowsAsync<ContractErrorException>(() => IsValid([SessionConstants.SessionMagic, 1, 2, 3, 4]));
        Assert.StartsWith("argent/", token.RevertError, StringComparison.Ordinal);

        Task<IReadOnlyList<Felt>> IsValid(Felt[] signature) => _node.Client.CallAsync(
            FunctionCall.ToEntryPoint(TestChain.Account, "is_valid_signature", [hash, (ulong)signature.Length, .. signature]), BlockId.Latest);
    }

    [Fact]
    public async Task AddInvokeTransaction_CallToMissingContractOrEntryPoint_RevertsWithClearReason()
    {
        var missingContract = await _node.SubmitAsync(TestChain.OwnerSigned(
            TestChain.Invoke(TestChain.Account, 0, [Call.ToEntryPoint(0xdead, "move")])));
        var missingEntryPoint = await _node.SubmitAsync(TestChain.OwnerSigned(
            TestChain.Invoke(TestChain.Account, 1, [TestChain.GameCall("fly")])));

        Assert.Equal(TransactionExecutionStatus.Reverted, missingContract.ExecutionStatus);
        Assert.StartsWith("CONTRACT_NOT_FOUND", missingContract.RevertReason, StringComparison.Ordinal);
        Assert.Equal(TransactionExecutionStatus.Reverted, missingEntryPoint.ExecutionStatus);
        Assert.StartsWith("ENTRYPOINT_NOT_FOUND", missingEntryPoint.RevertReason, StringComparison.Ordinal);
        Assert.Empty(_node.State.GetGameActions());
        Assert.Equal(2UL, _node.State.GetNonce(TestChain.Account));
    }

    [Fact]
    public async Task Call_GameViews_CountRecordedCalls()
    {
        Call[] calls = [TestChain.GameCall("move", 1), TestChain.GameCall("move_player", 2), TestChain.GameCall("attack", 3)];
        await _node.SubmitAsync(TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, 0, calls)));

        Assert.Equal([(Felt)2], await _node.Client.CallAsync(FunctionCall.ToEntryPoint(TestChain.Game, "get_move_count", TestChain.Account), BlockId.Latest));
        Assert.Equal([Felt.One], await _node.Client.CallAsync(
            FunctionCall.ToEntryPoint(TestChain.Game, "get_action_count", TestChain.Account, Selector.FromName("attack")), BlockId.Latest));
        Assert.Equal([(Felt)3], await _node.Client.CallAsync(FunctionCall.ToEntryPoint(TestChain.Game, "get_total_action_count"), BlockId.Latest));
        var events = await _node.Client.GetEventsAsync(new EventFilter { Address = TestChain.Game, ChunkSize = 10 });
        Assert.Equal(3, events.Events.Count);
        Assert.All(events.Events, e => Assert.Equal([Selector.FromName("ActionRecorded"), TestChain.Account], e.Keys.Take(2)));
    }

    [Fact]
    public async Task EstimateFee_SessionWithQueryVersionAndDummySignatures_SkipsSignatureChecks()
    {
        var session = TestSession.Create(TestChain.StartTime + 3600, "move");
        Call[] calls = [TestChain.GameCall("move")];
        var query = TestChain.Invoke(TestChain.Account, 0, calls, version: TransactionVersion.V3Query);
        var token = session.Token(query.ComputeHash(), calls);
        // Replace the session key's and the guardian's (r, s) over m with dummies below n, as a relayer does (spec §13.4).
        var dummy = (Felt[])token.Clone();
        var a = (int)token[SessionToken.AuthorizationLengthOffset].ToUInt64();
        dummy[9 + a] = 1;
        dummy[10 + a] = 2;
        dummy[13 + a] = 3;
        dummy[14 + a] = 4;

        var estimate = await _node.Client.EstimateFeeAsync(new BroadcastedInvokeV3(query, dummy), SimulationOptions.None, BlockId.PreConfirmed);
        Assert.True(estimate.OverallFee > 0);

        // The same dummies with version 3 are checked: estimation fails with the account's error.
        var real = query with { Version = TransactionVersion.V3 };
        var error = await Assert.ThrowsAsync<TransactionExecutionErrorException>(() =>
            _node.Client.EstimateFeeAsync(new BroadcastedInvokeV3(real, dummy), SimulationOptions.None, BlockId.PreConfirmed));
        Assert.Equal(0UL, error.TransactionIndex);
        Assert.Contains(SessionErrors.InvalidSessionSignature, error.ExecutionError, StringComparison.Ordinal);
    }
}
