using Sessions;
using Starknet.Devnet.Tests.Support;
using Starknet.Rpc;

namespace Starknet.Devnet.Tests;

/// <summary>
/// The exact expiry re-check of <c>__execute__</c> (spec §13.2) on our devnet stand-in (not a real node): validation sees
/// the block timestamp rounded down to the hour, execution the exact one.
/// </summary>
[Trait("Category", "Vectors")]
public sealed class ExpiryTests(DevnetFixture fixture) : IClassFixture<DevnetFixture>
{
    private readonly TestNode _node = fixture.Node;

    public static TheoryData<int> Simulated() => SessionVectors.Simulated();

    [Theory]
    [MemberData(nameof(Simulated))]
    public async Task AddInvokeTransaction_OneSecondAfterExpiry_ValidatesThenRevertsAsExpired(int index)
    {
        var c = SessionVectors.Case(index);
        var expiresAt = SessionVectors.ExpiresAt(c);
        var exact = expiresAt + 1;
        Assert.True(exact / 3600 * 3600 <= expiresAt, "the case must not expire on an hour boundary");
        SessionVectors.Load(_node, c, exact);
        var tx = SessionVectors.Transaction(c);

        var receipt = await _node.SubmitAsync(new BroadcastedInvokeV3(tx, SessionVectors.Signature(c)));

        Assert.Equal(TransactionExecutionStatus.Reverted, receipt.ExecutionStatus);
        Assert.Equal(SessionErrors.Expired, receipt.RevertReason);
        Assert.Empty(_node.State.GetGameActions());
        // A reverted transaction still uses its nonce and pays its fee.
        Assert.Equal(tx.Nonce + 1, await _node.Client.GetNonceAsync(SessionVectors.Account(c), BlockId.Latest));
        Assert.True(receipt.ActualFee.Amount > Felt.Zero);
        var status = await _node.Client.GetTransactionStatusAsync(receipt.TransactionHash);
        Assert.Equal(new TransactionStatusResult(TransactionFinalityStatus.AcceptedOnL2, TransactionExecutionStatus.Reverted, SessionErrors.Expired), status);
    }

    [Theory]
    [MemberData(nameof(Simulated))]
    public async Task AddInvokeTransaction_AtExpiry_Executes(int index)
    {
        var c = SessionVectors.Case(index);
        SessionVectors.Load(_node, c, SessionVectors.ExpiresAt(c));

        var receipt = await _node.SubmitAsync(new BroadcastedInvokeV3(SessionVectors.Transaction(c), SessionVectors.Signature(c)));

        Assert.Equal(TransactionExecutionStatus.Succeeded, receipt.ExecutionStatus);
    }
}
