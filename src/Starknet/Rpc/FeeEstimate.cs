namespace Starknet.Rpc;

/// <summary>The unit a fee is given in (the spec's <c>PRICE_UNIT</c>).</summary>
public enum PriceUnit
{
    /// <summary><c>FRI</c>: 10^-18 STRK, the unit of every v3 transaction.</summary>
    Fri = 0,

    /// <summary><c>WEI</c>: 10^-18 ETH, only for L1→L2 message estimates and old receipts.</summary>
    Wei = 1,
}

/// <summary>
/// One element of a <c>starknet_estimateFee</c> result (the spec's <c>FEE_ESTIMATE</c>). Amounts are read at their full
/// width (u64 gas, u128 prices and fee); a node value that does not fit is rejected, never truncated.
/// </summary>
public sealed record FeeEstimate
{
    /// <summary>L1 gas consumed (<c>l1_gas_consumed</c>, u64).</summary>
    public required ulong L1GasConsumed { get; init; }

    /// <summary>L1 gas price used for the estimate, per unit (<c>l1_gas_price</c>, u128).</summary>
    public required UInt128 L1GasPrice { get; init; }

    /// <summary>L2 gas consumed (<c>l2_gas_consumed</c>, u64).</summary>
    public required ulong L2GasConsumed { get; init; }

    /// <summary>L2 gas price used for the estimate, per unit (<c>l2_gas_price</c>, u128).</summary>
    public required UInt128 L2GasPrice { get; init; }

    /// <summary>L1 data (blob) gas consumed (<c>l1_data_gas_consumed</c>, u64).</summary>
    public required ulong L1DataGasConsumed { get; init; }

    /// <summary>L1 data gas price used for the estimate, per unit (<c>l1_data_gas_price</c>, u128).</summary>
    public required UInt128 L1DataGasPrice { get; init; }

    /// <summary>
    /// The estimated fee (<c>overall_fee</c>, u128): <c>l1_gas_consumed·l1_gas_price + l1_data_gas_consumed·l1_data_gas_price
    /// + l2_gas_consumed·l2_gas_price</c>.
    /// </summary>
    public required UInt128 OverallFee { get; init; }

    /// <summary>The unit of the prices and the fee; <see cref="PriceUnit.Fri"/> for transactions.</summary>
    public required PriceUnit Unit { get; init; }
}
