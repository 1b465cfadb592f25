using System.Numerics;
using Broker.Hosting.Grpc;
using Starknet;
using Starknet.Transactions;
using Proto = Broker.Contracts.Common.V1;
using StarknetCall = Starknet.Transactions.Call;

namespace SessionBroker.Internal;

/// <summary>Parses the execution requests' fields, refusing bad input with INVALID_ARGUMENT naming the field.</summary>
internal static class ExecutionReader
{
    private const int MaxEntryPointLength = 256;

    public static string RequestId(string? requestId)
    {
        if (string.IsNullOrEmpty(requestId))
        {
            throw BrokerRpcException.InvalidArgument("request_id", "required (1 to 128 printable ASCII characters, e.g. a UUID)");
        }
        RequestFields.Length(requestId, "request_id", RequestLimits.MaxIdLength);
        return requestId.Any(c => c is < ' ' or > '~') ? throw BrokerRpcException.InvalidArgument("request_id", "must be printable ASCII") : requestId;
    }

    public static StarkSignature Signature(Proto.StarkSignature? signature, string field)
    {
        if (signature is null)
        {
            throw BrokerRpcException.InvalidArgument(field, "required");
        }
        var r = RequestFields.Felt(signature.R, $"{field}.r");
        var s = RequestFields.Felt(signature.S, $"{field}.s");
        if (r.IsZero || r.ToBigInteger() >= Ecdsa.CurveOrder)
        {
            throw BrokerRpcException.InvalidArgument($"{field}.r", "must be in [1, n)");
        }
        if (s.IsZero || s.ToBigInteger() >= Ecdsa.CurveOrder)
        {
            throw BrokerRpcException.InvalidArgument($"{field}.s", "must be in [1, n)");
        }
        return new StarkSignature(r, s);
    }

    public static StarknetCall[] Calls(IReadOnlyList<Proto.Call> calls, string field)
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
            var entryField = $"{path}.entry_point";
            if (string.IsNullOrEmpty(call.EntryPoint))
            {
                throw BrokerRpcException.InvalidArgument(entryField, "required (an entry point name such as \"move\")");
            }
            RequestFields.Length(call.EntryPoint, entryField, MaxEntryPointLength);
            if (call.EntryPoint.Any(c => c is < '!' or > '~') || call.EntryPoint.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            {
                throw BrokerRpcException.InvalidArgument(entryField, "an entry point name (printable ASCII, not a hex selector)");
            }
            result[j] = new StarknetCall(RequestFields.Felt(call.To, $"{path}.to"), Selector.FromName(call.EntryPoint), calldata);
        }
        return result;
    }

    public static OutsideExecution OutsideExecution(Proto.OutsideExecutionFields? fields, string field)
    {
        if (fields is null)
        {
            throw BrokerRpcException.InvalidArgument(field, "required");
        }
        var calls = Calls(fields.Calls, $"{field}.calls");
        if (fields.ExecuteBefore <= fields.ExecuteAfter)
        {
            throw BrokerRpcException.InvalidArgument($"{field}.execute_before", "must be greater than execute_after");
        }
        return new OutsideExecution(RequestFields.Felt(fields.Caller, $"{field}.caller"), RequestFields.Felt(fields.Nonce, $"{field}.nonce"),
            fields.ExecuteAfter, fields.ExecuteBefore, calls);
    }

    public static (InvokeTransactionV3 Transaction, StarknetCall[] Calls) Invoke(Proto.InvokeV3Fields? fields, string field)
    {
        if (fields is null)
        {
            throw BrokerRpcException.InvalidArgument(field, "required");
        }
        if (fields.QueryVersion)
        {
            throw BrokerRpcException.InvalidArgument($"{field}.query_version", "a query-version transaction can only be estimated, never submitted");
        }
        var calls = Calls(fields.Calls, $"{field}.calls");
        var bounds = fields.ResourceBounds ?? throw BrokerRpcException.InvalidArgument($"{field}.resource_bounds", "required");
        return (new InvokeTransactionV3
        {
            SenderAddress = RequestFields.Felt(fields.SenderAddress, $"{field}.sender_address"),
            Calldata = ExecuteCalldata.Encode(calls),
            ChainId = RequestFields.Felt(fields.ChainId, $"{field}.chain_id"),
            Nonce = RequestFields.Felt(fields.Nonce, $"{field}.nonce"),
            ResourceBounds = new ResourceBoundsMapping(
                Bound(bounds.L1Gas, $"{field}.resource_bounds.l1_gas"),
                Bound(bounds.L2Gas, $"{field}.resource_bounds.l2_gas"),
                Bound(bounds.L1DataGas, $"{field}.resource_bounds.l1_data_gas")),
            Tip = fields.Tip,
        }, calls);
    }

    private static ResourceBounds Bound(Proto.ResourceBounds? bound, string field)
    {
        if (bound is null)
        {
            return ResourceBounds.Zero;
        }
        var price = string.IsNullOrEmpty(bound.MaxPricePerUnit) ? BigInteger.Zero : RequestFields.UnsignedDecimal(bound.MaxPricePerUnit, $"{field}.max_price_per_unit", 128);
        return new ResourceBounds(bound.MaxAmount, (UInt128)price);
    }
}
