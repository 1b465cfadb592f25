using System.Numerics;
using Starknet.Rpc;
using Starknet.Transactions;

namespace Starknet.Devnet.Execution;

/// <summary>
/// The devnet's gas model. It is not the Cairo VM's: it charges fixed amounts per kind of work so that estimates are
/// plausible, deterministic, and grow with what a transaction does. L1 gas is never used (no L1 messages).
/// </summary>
/// <remarks>
/// <para>L2 gas = validation (<see cref="ValidateBaseGas"/> + <see cref="SignatureFeltGas"/> per signature felt +
/// <see cref="SignatureVerificationGas"/> per ECDSA check the account makes; left out with SKIP_VALIDATE) + execution
/// (<see cref="ExecuteBaseGas"/>, <see cref="CallGas"/> and <see cref="CalldataFeltGas"/> per call and calldata felt,
/// <see cref="StorageWriteGas"/> per storage write, <see cref="EventGas"/> and <see cref="EventFeltGas"/> per event).</para>
/// <para>L1 data gas = <see cref="DataGasBase"/> (the nonce and the fee transfer) + <see cref="DataGasPerWrite"/> per
/// storage write that stands (a reverted transaction's writes are undone and not counted).</para>
/// <para>Fee in FRI = l1_gas·l1_price + l1_data_gas·l1_data_price + l2_gas·(l2_price + tip). The estimate's
/// <c>overall_fee</c> leaves the tip out.</para>
/// </remarks>
internal static class FeeModel
{
    public const ulong ValidateBaseGas = 100_000;
    public const ulong SignatureFeltGas = 1_000;
    public const ulong SignatureVerificationGas = 120_000;
    public const ulong ExecuteBaseGas = 50_000;
    public const ulong CallGas = 20_000;
    public const ulong CalldataFeltGas = 500;
    public const ulong StorageWriteGas = 5_000;
    public const ulong EventGas = 5_000;
    public const ulong EventFeltGas = 200;
    public const ulong DataGasBase = 64;
    public const ulong DataGasPerWrite = 16;

    /// <summary>The L2 gas of <c>__validate__</c> for a signature of <paramref name="signatureLength"/> felts checked
    /// with <paramref name="verifications"/> ECDSA verifications.</summary>
    public static ulong ValidateGas(int signatureLength, int verifications) =>
        ValidateBaseGas + SignatureFeltGas * (ulong)signatureLength + SignatureVerificationGas * (ulong)verifications;

    public static ulong DataGas(int storageWrites) => DataGasBase + DataGasPerWrite * (ulong)storageWrites;

    /// <summary>The fee actually charged: the estimate's formula plus the tip on every unit of L2 gas.</summary>
    public static BigInteger ChargedFee(ulong l2Gas, ulong dataGas, GasPrices prices, ulong tip) =>
        (BigInteger)l2Gas * (prices.L2Gas + (UInt128)tip) + (BigInteger)dataGas * prices.L1DataGas;

    /// <summary>
    /// The most the transaction can cost: every bound's <c>max_amount · max_price_per_unit</c> plus
    /// <c>tip · l2_gas.max_amount</c>. INSUFFICIENT_ACCOUNT_BALANCE when the balance is below it.
    /// </summary>
    public static BigInteger MaxFee(InvokeTransactionV3 tx) =>
        tx.ResourceBounds.MaxFee + (BigInteger)tx.Tip * tx.ResourceBounds.L2Gas.MaxAmount;

    public static FeeEstimate Estimate(ulong l2Gas, ulong dataGas, GasPrices prices) => new()
    {
        L1GasConsumed = 0,
        L1GasPrice = prices.L1Gas,
        L2GasConsumed = l2Gas,
        L2GasPrice = prices.L2Gas,
        L1DataGasConsumed = dataGas,
        L1DataGasPrice = prices.L1DataGas,
        OverallFee = Saturate((BigInteger)l2Gas * prices.L2Gas + (BigInteger)dataGas * prices.L1DataGas),
        Unit = PriceUnit.Fri,
    };

    /// <summary>A fee as a u128, capped at <see cref="UInt128.MaxValue"/> (only absurd genesis prices get there).</summary>
    public static UInt128 Saturate(BigInteger value) => value > (BigInteger)UInt128.MaxValue ? UInt128.MaxValue : (UInt128)value;
}
