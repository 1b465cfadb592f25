using Sessions;
using Starknet.Devnet.Tests.Support;
using Starknet.Rpc;
using Starknet.Tests.Infrastructure;
using Starknet.Transactions;

namespace Starknet.Devnet.Tests;

/// <summary>
/// The session transactions of sessions.json submitted through the RPC client to our devnet stand-in (not a real
/// node): the account state comes from each case (address, owner and guardian keys, nonce, chain id, block timestamp).
/// Positive cases must execute; every negative mutation must be refused with its expected error as VALIDATION_FAILURE.
/// </summary>
[Trait("Category", "Vectors")]
public sealed class SessionVectorTests(DevnetFixture fixture) : IClassFixture<DevnetFixture>
{
    private readonly TestNode _node = fixture.Node;

    public static TheoryData<int> Simulated() => SessionVectors.Simulated();

    public static TheoryData<int> Legacy() => SessionVectors.Legacy();

    public static TheoryData<int, int> Mutations() => SessionVectors.Mutations();

    public static TheoryData<int> CacheVariant() => SessionVectors.With("account_v050_cache_owner_guid_variant");

    [Theory]
    [MemberData(nameof(Simulated))]
    public async Task AddInvokeTransaction_PositiveCase_ExecutesEveryCall(int index)
    {
        var c = SessionVectors.Case(index);
        SessionVectors.Load(_node, c, SessionVectors.SimulationTimestamp(c));
        var account = SessionVectors.Account(c);
        var calls = SessionVectors.Calls(c);
        var tx = SessionVectors.Transaction(c);

        var receipt = await _node.SubmitAsync(new BroadcastedInvokeV3(tx, SessionVectors.Signature(c)));

        Assert.Equal(SessionVectors.TransactionHash(c), receipt.TransactionHash);
        Assert.Equal(TransactionExecutionStatus.Succeeded, receipt.ExecutionStatus);
        Assert.Equal(TransactionFinalityStatus.AcceptedOnL2, receipt.FinalityStatus);
        var actions = _node.State.GetGameActions();
        Assert.Equal(calls.Select(call => (call.To, call.Selector)), actions.Select(a => (a.Contract, a.Selector)));
        Assert.All(actions, a => Assert.Equal(account, a.Caller));
        Assert.Equal(calls.Select(call => call.Calldata), actions.Select(a => a.Arguments));
        Assert.Contains(receipt.Events, e => e.FromAddress == account
            && e.Keys.SequenceEqual([Selector.FromName("TransactionExecuted"), receipt.TransactionHash]));
        Assert.Equal(tx.Nonce + 1, await _node.Client.GetNonceAsync(account, BlockId.Latest));
    }

    [Theory]
    [MemberData(nameof(Simulated))]
    public async Task EstimateFee_PositiveCaseAsQueryWithValidation_FitsTheRecordedBounds(int index)
    {
        var c = SessionVectors.Case(index);
        SessionVectors.Load(_node, c, SessionVectors.SimulationTimestamp(c));
        var tx = SessionVectors.Transaction(c) with { Version = TransactionVersion.V3Query };

        // Estimate mode (caller 0, query version): the token's signatures cover the v3 hash, not this one, and pass anyway.
        var estimate = await _node.Client.EstimateFeeAsync(new BroadcastedInvokeV3(tx, SessionVectors.Signature(c)), SimulationOptions.None, BlockId.PreConfirmed);

        var bounds = tx.ResourceBounds;
        Assert.InRange(estimate.L2GasConsumed, 1UL, bounds.L2Gas.MaxAmount);
        Assert.InRange(estimate.L1DataGasConsumed, 1UL, bounds.L1DataGas.MaxAmount);
        Assert.Equal(0UL, estimate.L1GasConsumed);
        Assert.Equal(PriceUnit.Fri, estimate.Unit);
    }

    [Theory]
    [MemberData(nameof(Legacy))]
    public async Task AddInvokeTransaction_LegacyCacheFlagCase_IsRefusedAsOwnerKeyMismatch(int index)
    {
        var c = SessionVectors.Case(index);
        SessionVectors.Load(_node, c, SessionVectors.ExpiresAt(c) - 3600);

        var error = await Assert.ThrowsAsync<ValidationFailureException>(() =>
            _node.Client.AddInvokeTransactionAsync(new BroadcastedInvokeV3(SessionVectors.Transaction(c), SessionVectors.Signature(c))));

        // x-sessions writes the 0.4.0 flag 1, which account 0.5.0 reads as cache_owner_guid 1.
        Assert.Equal(SessionErrors.OwnerKeyMismatch, error.Reason);
    }

    [Theory]
    [MemberData(nameof(Mutations))]
    public async Task AddInvokeTransaction_NegativeMutation_IsRefusedWithExpectedError(int index, int mutation)
    {
        var c = SessionVectors.Case(index);
        var m = c.GetProperty("negative_mutations")[mutation];
        var description = m.GetProperty("description").GetString()!;
        var expected = m.GetProperty("expected_onchain_result").GetString();
        var account = SessionVectors.Account(c);
        var tx = SessionVectors.Transaction(c);
        var signature = m.Felts("signature_array");
        var timestamp = SessionVectors.SimulationTimestamp(c);

        if (m.TryGetProperty("block_timestamp", out var ts))
        {
            // __validate__ sees the timestamp rounded down to the hour, so one second after expiry still validates (it
            // reverts in __execute__, see ExpiryTests). The first hour boundary after expiry fails validation.
            var exact = JsonFelts.Read(ts).ToUInt64();
            Assert.Equal(SessionVectors.ExpiresAt(c) + 1, exact);
            timestamp = (exact + 3599) / 3600 * 3600;
        }
        SessionVectors.Load(_node, c, timestamp);
        if (m.TryGetProperty("calls_override", out var overrides))
        {
            // The vector keeps the signed hash; a real submission changes it, so the token is re-signed for the new
            // transaction and the Merkle check is what fails.
            var calls = SessionVectors.Calls(c);
            var replaced = overrides.EnumerateArray().Select(o => new Call(o.Felt("to"), o.Felt("selector"), [])).ToArray();
            tx = tx with { Calldata = ExecuteCalldata.Encode([.. replaced, .. calls.Skip(replaced.Length)]) };
            signature = SessionVectors.Resign(c, signature, tx.ComputeHash());
        }
        else if (description == "session revoked")
        {
            _node.State.RevokeSession(account, SessionVectors.SessionHash(c, signature));
        }
        else if (description.StartsWith("guardian of the token is not a guardian of the account", StringComparison.Ordinal))
        {
            _node.State.SetGuardians(account, [Ecdsa.GetPublicKey(0x6a7d)]);
        }
        else if (!m.TryGetProperty("block_timestamp", out _))
        {
            Assert.NotEqual(SessionVectors.Signature(c), signature);
        }

        var error = await Assert.ThrowsAsync<ValidationFailureException>(() =>
            _node.Client.AddInvokeTransactionAsync(new BroadcastedInvokeV3(tx, signature)));

        Assert.Equal(expected, error.Reason);
        Assert.Equal(tx.Nonce, await _node.Client.GetNonceAsync(account, BlockId.PreConfirmed));
        Assert.Empty(_node.State.GetGameActions());
    }

    [Theory]
    [MemberData(nameof(CacheVariant))]
    public async Task AddInvokeTransaction_CacheOwnerGuidVariant_CachesThenAcceptsEmptyAuthorization(int index)
    {
        var c = SessionVectors.Case(index);
        var v = c.GetProperty("account_v050_cache_owner_guid_variant");
        var sr = c.GetProperty("session_request");
        SessionVectors.Load(_node, c, SessionVectors.SimulationTimestamp(c));
        var account = SessionVectors.Account(c);
        var first = v.Felts("signature_array_first_use_with_authorization");
        var sessionHash = SessionVectors.SessionHash(c, first);
        var cachedCall = FunctionCall.ToEntryPoint(account, "is_session_authorization_cached", sessionHash, sr.Felt("owner_guid"), sr.Felt("guardian_guid"));
        Assert.Equal([Felt.Zero], await _node.Client.CallAsync(cachedCall, BlockId.Latest));

        var receipt = await _node.SubmitAsync(new BroadcastedInvokeV3(SessionVectors.Transaction(c), first));

        Assert.Equal(TransactionExecutionStatus.Succeeded, receipt.ExecutionStatus);
        Assert.Equal([Felt.One], await _node.Client.CallAsync(cachedCall, BlockId.Latest));

        // The next transaction sends an empty authorization; the cached one stands in for it.
        var next = SessionVectors.Transaction(c) with { Nonce = SessionVectors.Transaction(c).Nonce + 1 };
        var later = SessionVectors.Resign(c, v.Felts("signature_array_later_use_empty_authorization"), next.ComputeHash());
        Assert.Empty(SessionToken.Parse(later).Authorization);
        var second = await _node.SubmitAsync(new BroadcastedInvokeV3(next, later));
        Assert.Equal(TransactionExecutionStatus.Succeeded, second.ExecutionStatus);
    }
}
