using Broker.Hosting.Grpc;
using Starknet;
using Starknet.Transactions;
using Proto = Broker.Contracts.Common.V1;
using StarknetCall = Starknet.Transactions.Call;

namespace SessionBroker.Internal;

/// <summary>Parses the execution requests' fields, refusing bad input with INVALID_ARGUMENT naming the field.</summary>
internal static class ExecutionReader
{
    public static string RequestId(string? requestId) => CommonMessages.RequestId(requestId);

    /// <summary>A signature whose r and s are in [1, n), as the account requires.</summary>
    public static StarkSignature Signature(Proto.StarkSignature? signature, string field)
    {
        var parsed = CommonMessages.Signature(signature, field);
        if (parsed.R.IsZero || parsed.R.ToBigInteger() >= Ecdsa.CurveOrder)
        {
            throw BrokerRpcException.InvalidArgument($"{field}.r", "must be in [1, n)");
        }
        if (parsed.S.IsZero || parsed.S.ToBigInteger() >= Ecdsa.CurveOrder)
        {
            throw BrokerRpcException.InvalidArgument($"{field}.s", "must be in [1, n)");
        }
        return parsed;
    }

    public static StarknetCall[] Calls(IReadOnlyList<Proto.Call> calls, string field) => CommonMessages.Calls(calls, field);

    public static OutsideExecution OutsideExecution(Proto.OutsideExecutionFields? fields, string field) =>
        CommonMessages.OutsideExecution(fields, field);

    public static (InvokeTransactionV3 Transaction, StarknetCall[] Calls) Invoke(Proto.InvokeV3Fields? fields, string field) =>
        CommonMessages.Invoke(fields, field);
}
