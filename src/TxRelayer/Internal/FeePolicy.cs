using System.Numerics;
using Microsoft.Extensions.Options;
using Starknet.Rpc;
using Starknet.Transactions;

namespace TxRelayer.Internal;

/// <summary>
/// Resource bounds from a fee estimate: each amount and each price times its overhead (rounded up), unless that
/// exceeds the hard cap per transaction, in which case the plain estimate is used; an estimate above the cap itself
/// is refused (null).
/// </summary>
internal sealed class FeePolicy(IOptions<RelayerOptions> options)
{
    private const int Scale = 1000;

    public BigInteger Cap => options.Value.Fees.MaxFeeValue;

    public ResourceBoundsMapping? Bounds(FeeEstimate estimate)
    {
        var fees = options.Value.Fees;
        var padded = Scaled(estimate, fees.AmountOverhead, fees.PriceOverhead);
        if (padded.MaxFee <= Cap)
        {
            return padded;
        }
        var plain = Scaled(estimate, 1, 1);
        return plain.MaxFee <= Cap ? plain : null;
    }

    private static ResourceBoundsMapping Scaled(FeeEstimate e, double amountOverhead, double priceOverhead)
    {
        var amount = (BigInteger)Math.Round(amountOverhead * Scale);
        var price = (BigInteger)Math.Round(priceOverhead * Scale);
        return new ResourceBoundsMapping(
            Bound(e.L1GasConsumed, e.L1GasPrice, amount, price),
            Bound(e.L2GasConsumed, e.L2GasPrice, amount, price),
            Bound(e.L1DataGasConsumed, e.L1DataGasPrice, amount, price));
    }

    private static ResourceBounds Bound(ulong consumed, UInt128 unitPrice, BigInteger amountScale, BigInteger priceScale)
    {
        var maxAmount = CeilDiv(consumed * amountScale, Scale);
        var maxPrice = CeilDiv((BigInteger)unitPrice * priceScale, Scale);
        return new ResourceBounds(
            maxAmount > ulong.MaxValue ? ulong.MaxValue : (ulong)maxAmount,
            maxPrice > (BigInteger)UInt128.MaxValue ? UInt128.MaxValue : (UInt128)maxPrice);
    }

    private static BigInteger CeilDiv(BigInteger value, BigInteger divisor) => (value + divisor - 1) / divisor;
}
