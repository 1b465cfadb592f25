using System.Numerics;
using Starknet.Devnet.Tests.Support;
using Starknet.Rpc;
using Starknet.Transactions;

namespace Starknet.Devnet.Tests;

/// <summary>Fees in STRK (FRI) on our devnet stand-in (not a real node): estimates, charging, balance and bound checks.</summary>
public sealed class FeeTests : IAsyncLifetime
{
    private TestNode _node = null!;

    public async Task InitializeAsync() => _node = await TestNode.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task EstimateFee_OwnerTransaction_GivesPlausibleFigures()
    {
        Call[] calls = [TestChain.GameCall("move", 1, 2), TestChain.GameCall("attack", 3)];
        var query = TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, 0, calls, version: TransactionVersion.V3Query));

        var withValidation = await _node.Client.EstimateFeeAsync(query, SimulationOptions.None, BlockId.PreConfirmed);
        var skipValidate = await _node.Client.EstimateFeeAsync(query, SimulationOptions.SkipValidate, BlockId.Latest);

        var prices = _node.State.GasPrices;
        Assert.Equal(PriceUnit.Fri, withValidation.Unit);
        Assert.Equal(0UL, withValidation.L1GasConsumed);
        Assert.Equal(prices.L1Gas, withValidation.L1GasPrice);
        Assert.Equal(prices.L2Gas, withValidation.L2GasPrice);
        Assert.Equal(prices.L1DataGas, withValidation.L1DataGasPrice);
        Assert.InRange(withValidation.L2GasConsumed, 100_000UL, 5_000_000UL);
        Assert.InRange(withValidation.L1DataGasConsumed, 64UL, 1_000UL);
        Assert.Equal(withValidation.L2GasConsumed * withValidation.L2GasPrice + withValidation.L1DataGasConsumed * withValidation.L1DataGasPrice,
            withValidation.OverallFee);
        // SKIP_VALIDATE leaves the validation gas out (spec §13.4).
        Assert.True(skipValidate.L2GasConsumed < withValidation.L2GasConsumed);
        Assert.Equal(withValidation.L1DataGasConsumed, skipValidate.L1DataGasConsumed);

        // More calls, more gas.
        var one = TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, 0, [calls[0]], version: TransactionVersion.V3Query));
        Assert.True((await _node.Client.EstimateFeeAsync(one, SimulationOptions.None, BlockId.Latest)).L2GasConsumed < withValidation.L2GasConsumed);
        // Estimation leaves no trace.
        Assert.Equal(0UL, _node.State.GetNonce(TestChain.Account));
        Assert.Empty(_node.State.GetGameActions());
    }

    [Fact]
    public async Task AddInvokeTransaction_Executed_ChargesTheActualFeeToTheSender()
    {
        Call[] calls = [TestChain.GameCall("craft_item", 5)];
        var estimate = await _node.Client.EstimateFeeAsync(
            TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, 0, calls, version: TransactionVersion.V3Query)), SimulationOptions.None, BlockId.PreConfirmed);
        var before = _node.State.GetBalance(TestChain.Account);
        var sequencerBefore = _node.State.GetBalance(_node.State.SequencerAddress);
        const ulong tip = 1_000;

        var receipt = await _node.SubmitAsync(TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, 0, calls, tip: tip)));

        var fee = (UInt128)receipt.ActualFee.Amount.ToBigInteger();
        Assert.Equal(PriceUnit.Fri, receipt.ActualFee.Unit);
        Assert.Equal(estimate.L2GasConsumed, receipt.ExecutionResources.L2Gas);
        Assert.Equal(estimate.L1DataGasConsumed, receipt.ExecutionResources.L1DataGas);
        // The tip is paid on every unit of L2 gas; the estimate's overall_fee leaves it out.
        Assert.Equal(estimate.OverallFee + (UInt128)receipt.ExecutionResources.L2Gas * tip, fee);
        Assert.True((BigInteger)fee <= TestChain.Bounds.MaxFee + (BigInteger)tip * TestChain.Bounds.L2Gas.MaxAmount);
        Assert.Equal(before - fee, _node.State.GetBalance(TestChain.Account));
        Assert.Equal(sequencerBefore + fee, _node.State.GetBalance(_node.State.SequencerAddress));
        var transfer = Assert.Single(receipt.Events, e => e.FromAddress == _node.State.FeeTokenAddress);
        Assert.Equal([Selector.FromName("Transfer"), TestChain.Account, _node.State.SequencerAddress], transfer.Keys);
        Assert.Equal([Felt.FromUInt128(fee), Felt.Zero], transfer.Data);
        var balance = await _node.Client.CallAsync(FunctionCall.ToEntryPoint(_node.State.FeeTokenAddress, "balance_of", TestChain.Account), BlockId.Latest);
        Assert.Equal([Felt.FromUInt128(before - fee), Felt.Zero], balance);
    }

    [Fact]
    public async Task AddInvokeTransaction_MaxFeeAboveBalance_IsRefusedInsufficientBalance()
    {
        var tx = TestChain.Invoke(TestChain.Account, 0, [TestChain.GameCall("move")]);
        _node.State.SetBalance(TestChain.Account, (UInt128)(tx.ResourceBounds.MaxFee - 1));

        var error = await Assert.ThrowsAsync<InsufficientAccountBalanceException>(() => _node.Client.AddInvokeTransactionAsync(TestChain.OwnerSigned(tx)));

        Assert.Equal((int)StarknetErrorCode.InsufficientAccountBalance, error.Code);
        Assert.Equal(0UL, _node.State.GetNonce(TestChain.Account));

        // Exactly the max fee is enough.
        _node.State.SetBalance(TestChain.Account, (UInt128)tx.ResourceBounds.MaxFee);
        Assert.Equal(TransactionExecutionStatus.Succeeded, (await _node.SubmitAsync(TestChain.OwnerSigned(tx))).ExecutionStatus);
    }

    [Fact]
    public async Task AddInvokeTransaction_PriceBelowGasPrice_IsRefusedInsufficientResources()
    {
        var bounds = TestChain.Bounds with { L2Gas = new ResourceBounds(20_000_000, _node.State.GasPrices.L2Gas - 1) };

        var error = await Assert.ThrowsAsync<InsufficientResourcesForValidateException>(() =>
            _node.Client.AddInvokeTransactionAsync(TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, 0, [TestChain.GameCall("move")], bounds))));

        Assert.Contains("l2_gas.max_price_per_unit", error.ErrorDataText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddInvokeTransaction_L2GasBelowValidation_IsRefusedInsufficientResources()
    {
        var bounds = TestChain.Bounds with { L2Gas = TestChain.Bounds.L2Gas with { MaxAmount = 1_000 } };

        await Assert.ThrowsAsync<InsufficientResourcesForValidateException>(() =>
            _node.Client.AddInvokeTransactionAsync(TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, 0, [TestChain.GameCall("move")], bounds))));
    }

    [Fact]
    public async Task AddInvokeTransaction_L2GasCoversValidationOnly_RevertsOutOfGasAndChargesTheBound()
    {
        Call[] calls = [TestChain.GameCall("move")];
        var skip = await _node.Client.EstimateFeeAsync(
            TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, 0, calls, version: TransactionVersion.V3Query)), SimulationOptions.None, BlockId.Latest);
        var bounds = TestChain.Bounds with { L2Gas = TestChain.Bounds.L2Gas with { MaxAmount = skip.L2GasConsumed - 1 } };

        var receipt = await _node.SubmitAsync(TestChain.OwnerSigned(TestChain.Invoke(TestChain.Account, 0, calls, bounds)));

        Assert.Equal(TransactionExecutionStatus.Reverted, receipt.ExecutionStatus);
        Assert.StartsWith("Insufficient max L2Gas", receipt.RevertReason, StringComparison.Ordinal);
        Assert.Equal(bounds.L2Gas.MaxAmount, receipt.ExecutionResources.L2Gas);
        Assert.Empty(_node.State.GetGameActions());
        Assert.Equal(1UL, _node.State.GetNonce(TestChain.Account));
    }
}
