using System.Numerics;
using Starknet;
using Starknet.Transactions;
using Proto = Broker.Contracts.Common.V1;
using StarknetCall = Starknet.Transactions.Call;

namespace Broker.Hosting.Grpc;

/// <summary>
/// Turns the shared <c>broker.common.v1</c> messages into Starknet values for every service, refusing bad input with
/// INVALID_ARGUMENT naming the field's path (e.g. <c>outside_execution.calls[2].calldata[0]</c>).
/// </summary>
public static class CommonMessages
{
    /// <summary>Longest entry-point name accepted.</summary>
    public const int MaxEntryPointLength = 256;

    /// <summary>A client request id: 1 to <see cref="RequestLimits.MaxIdLength"/> printable ASCII characters.</summary>
    public static string RequestId(string? requestId, string field = "request_id")
    {
        if (string.IsNullOrEmpty(requestId))
        {
            throw BrokerRpcException.InvalidArgument(field, "required (1 to 128 printable ASCII characters, e.g. a UUID)");
        }
        RequestFields.Length(requestId, field, RequestLimits.MaxIdLength);
        return requestId.Any(c => c is < ' ' or > '~') ? throw BrokerRpcException.InvalidArgument(field, "must be printable ASCII") : requestId;
    }

    /// <summary>A felt that must not be zero (an address or a chain id).</summary>
    public static Felt NonZeroFelt(string? value, string field)
    {
        var felt = RequestFields.Felt(value, field);
        return felt.IsZero ? throw BrokerRpcException.InvalidArgument(field, "must not be 0x0") : felt;
    }

    /// <summary>Checks an entry-point name: required, printable ASCII without spaces, not a hex selector.</summary>
    public static void CheckEntryPoint(string? entryPoint, string field)
    {
        if (string.IsNullOrEmpty(entryPoint))
        {
            throw BrokerRpcException.InvalidArgument(field, "required (an entry point name such as \"move\")");
        }
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

    /// <summary>starknet_keccak of a checked entry-point name.</summary>
    public static Felt EntryPointSelector(string? entryPoint, string field)
    {
        CheckEntryPoint(entryPoint, field);
        return Selector.FromName(entryPoint!);
    }

    /// <summary>
    /// The calls (at least one, within <see cref="RequestLimits"/>); with <paramref name="nonZeroTargets"/> a call to
    /// 0x0 is refused too.
    /// </summary>
    public static StarknetCall[] Calls(IReadOnlyList<Proto.Call> calls, string field, bool nonZeroTargets = false)
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
            var to = nonZeroTargets ? NonZeroFelt(call.To, $"{path}.to") : RequestFields.Felt(call.To, $"{path}.to");
            result[j] = new StarknetCall(to, EntryPointSelector(call.EntryPoint, $"{path}.entry_point"), calldata);
        }
        return result;
    }

    /// <summary>A signature's two felts (range checks are the caller's: the guardian and the broker differ).</summary>
    public static StarkSignature Signature(Proto.StarkSignature? signature, string field)
    {
        if (signature is null)
        {
            throw BrokerRpcException.InvalidArgument(field, "required");
        }
        return new StarkSignature(RequestFields.Felt(signature.R, $"{field}.r"), RequestFields.Felt(signature.S, $"{field}.s"));
    }

    /// <summary>The three resource bounds; a missing bound is zero, a price is a u128 decimal string.</summary>
    public static ResourceBoundsMapping ResourceBounds(Proto.ResourceBoundsMapping? bounds, string field)
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

    /// <summary>
    /// A SNIP-9 v2 outside execution (execute_before after execute_after); with <paramref name="nonZeroAddresses"/>
    /// the caller and the call targets must not be 0x0.
    /// </summary>
    public static OutsideExecution OutsideExecution(Proto.OutsideExecutionFields? fields, string field, bool nonZeroAddresses = false)
    {
        if (fields is null)
        {
            throw BrokerRpcException.InvalidArgument(field, "required");
        }
        var calls = Calls(fields.Calls, $"{field}.calls", nonZeroAddresses);
        if (fields.ExecuteBefore <= fields.ExecuteAfter)
        {
            throw BrokerRpcException.InvalidArgument($"{field}.execute_before", "must be greater than execute_after");
        }
        var caller = nonZeroAddresses ? NonZeroFelt(fields.Caller, $"{field}.caller") : RequestFields.Felt(fields.Caller, $"{field}.caller");
        return new OutsideExecution(caller, RequestFields.Felt(fields.Nonce, $"{field}.nonce"), fields.ExecuteAfter, fields.ExecuteBefore, calls);
    }

    /// <summary>
    /// An INVOKE v3 from its fields, with its calls; the query version is refused (it can never be executed). With
    /// <paramref name="nonZeroAddresses"/> the sender, the chain id and the call targets must not be 0x0.
    /// </summary>
    public static (InvokeTransactionV3 Transaction, StarknetCall[] Calls) Invoke(Proto.InvokeV3Fields? fields, string field, bool nonZeroAddresses = false)
    {
        if (fields is null)
        {
            throw BrokerRpcException.InvalidArgument(field, "required");
        }
        if (fields.QueryVersion)
        {
            throw BrokerRpcException.InvalidArgument($"{field}.query_version", "a query-version transaction can only be estimated, never submitted");
        }
        var calls = Calls(fields.Calls, $"{field}.calls", nonZeroAddresses);
        Felt Address(string value, string name) => nonZeroAddresses ? NonZeroFelt(value, name) : RequestFields.Felt(value, name);
        return (new InvokeTransactionV3
        {
            SenderAddress = Address(fields.SenderAddress, $"{field}.sender_address"),
            Calldata = ExecuteCalldata.Encode(calls),
            ChainId = Address(fields.ChainId, $"{field}.chain_id"),
            Nonce = RequestFields.Felt(fields.Nonce, $"{field}.nonce"),
            ResourceBounds = ResourceBounds(fields.ResourceBounds, $"{field}.resource_bounds"),
            Tip = fields.Tip,
        }, calls);
    }

    private static Starknet.Transactions.ResourceBounds Bound(Proto.ResourceBounds? bound, string field)
    {
        if (bound is null)
        {
            return Starknet.Transactions.ResourceBounds.Zero;
        }
        var price = string.IsNullOrEmpty(bound.MaxPricePerUnit) ? BigInteger.Zero : RequestFields.UnsignedDecimal(bound.MaxPricePerUnit, $"{field}.max_price_per_unit", 128);
        return new Starknet.Transactions.ResourceBounds(bound.MaxAmount, (UInt128)price);
    }
}
