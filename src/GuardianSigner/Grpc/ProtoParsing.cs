using System.Numerics;
using Broker.Hosting.Grpc;
using Starknet;
using Starknet.Transactions;
using StarknetCall = Starknet.Transactions.Call;

namespace GuardianSigner.Grpc;

/// <summary>Turns broker.common.v1 messages into Starknet values, refusing bad input with the field's path.</summary>
internal static class ProtoParsing
{
    public const int MaxEntryPointLength = 256;

    public static StarknetCall[] Calls(IReadOnlyList<Broker.Contracts.Common.V1.Call> calls, string field)
    {
        RequestFields.Count(calls.Count, field, RequestLimits.MaxCalls, min: 1);
        var result = new StarknetCall[calls.Count];
        var total = 1;
        for (var j = 0; j < calls.Count; j++)
        {
            var call = calls[j];
            var path = $"{field}[{j}]";
            RequestFields.Count(call.Calldata.Count, $"{path}.calldata", RequestLimits.MaxCalldataPerCall);
            total += 3 + call.Calldata.Count;
            if (total > RequestLimits.MaxTotalCalldata)
            {
                throw BrokerRpcException.InvalidArgument(field, $"at most {RequestLimits.MaxTotalCalldata} calldata felts in all");
            }
            var calldata = new Felt[call.Calldata.Count];
            for (var k = 0; k < calldata.Length; k++)
            {
                calldata[k] = RequestFields.Felt(call.Calldata[k], $"{path}.calldata[{k}]");
            }
            result[j] = new StarknetCall(RequestFields.Felt(call.To, $"{path}.to"), Selector(call.EntryPoint, $"{path}.entry_point"), calldata);
        }
        return result;
    }

    /// <summary>starknet_keccak of an entry-point name (printable ASCII, not a hex selector).</summary>
    public static Felt Selector(string? entryPoint, string field)
    {
        CheckEntryPoint(entryPoint, field);
        return Starknet.Selector.FromName(entryPoint!);
    }

    public static void CheckEntryPoint(string? entryPoint, string field)
    {
        if (string.IsNullOrEmpty(entryPoint)) throw BrokerRpcException.InvalidArgument(field, "required (an entry point name such as \"transfer\")");
        RequestFields.Length(entryPoint, field, MaxEntryPointLength);
        if (entryPoint.Any(c => c is < '!' or > '~'))
        {
            throw BrokerRpcException.InvalidArgument(field, "an entry point name is printable ASCII without spaces");
        }
        if (entryPoint.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            throw BrokerRpcException.InvalidArgument(field, "give the entry point name, not a hex selector");
        }
    }

    public static StarkSignature Signature(Broker.Contracts.Common.V1.StarkSignature? signature, string field)
    {
        if (signature is null)
        {
            throw BrokerRpcException.InvalidArgument(field, "required");
        }
        return new StarkSignature(RequestFields.Felt(signature.R, $"{field}.r"), RequestFields.Felt(signature.S, $"{field}.s"));
    }

    public static ResourceBoundsMapping ResourceBounds(Broker.Contracts.Common.V1.ResourceBoundsMapping? bounds, string field)
    {
        if (bounds is null)
        {
            throw BrokerRpcException.InvalidArgument(field, "required");
        }
        return new ResourceBoundsMapping(
            Bound(bounds.L1Gas, $"{field}.l1_gas"),
            Bound(bounds.L2Gas, $"{field}.l2_gas"),
            Bound(bounds.L1DataGas, $"{field}.l1_data_gas"));
    }

    private static Starknet.Transactions.ResourceBounds Bound(Broker.Contracts.Common.V1.ResourceBounds? bound, string field)
    {
        if (bound is null) return Starknet.Transactions.ResourceBounds.Zero;
        var price = string.IsNullOrEmpty(bound.MaxPricePerUnit) ? BigInteger.Zero : RequestFields.UnsignedDecimal(bound.MaxPricePerUnit, $"{field}.max_price_per_unit", 128);
        return new Starknet.Transactions.ResourceBounds(bound.MaxAmount, (UInt128)price);
    }
}
