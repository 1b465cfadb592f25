using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Broker.Hosting.Grpc;
using Starknet;
using Starknet.Transactions;
using Proto = Broker.Contracts.Common.V1;
using StarknetCall = Starknet.Transactions.Call;

namespace TxRelayer.Internal;

/// <summary>Turns request messages into Starknet values, refusing bad input with INVALID_ARGUMENT naming the field.</summary>
internal static class RequestParsing
{
    public const int MaxEntryPointLength = 256;

    /// <summary>Felts in a transaction signature (a session token with a long authorization and 64 proofs fits).</summary>
    public const int MaxSignatureLength = 2048;

    public static string RequestId(string? requestId, string field = "request_id")
    {
        if (string.IsNullOrEmpty(requestId))
        {
            throw BrokerRpcException.InvalidArgument(field, "required (1 to 128 printable ASCII characters, e.g. a UUID)");
        }
        RequestFields.Length(requestId, field, RequestLimits.MaxIdLength);
        if (requestId.Any(c => c is < ' ' or > '~'))
        {
            throw BrokerRpcException.InvalidArgument(field, "must be printable ASCII");
        }
        return requestId;
    }

    public static Felt NonZeroFelt(string? value, string field)
    {
        var felt = RequestFields.Felt(value, field);
        return felt.IsZero ? throw BrokerRpcException.InvalidArgument(field, "must not be 0x0") : felt;
    }

    public static Felt[] Felts(IReadOnlyList<string> values, string field, int max, int min = 0)
    {
        RequestFields.Count(values.Count, field, max, min);
        var felts = new Felt[values.Count];
        for (var i = 0; i < felts.Length; i++)
        {
            felts[i] = RequestFields.Felt(values[i], $"{field}[{i}]");
        }
        return felts;
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
            result[j] = new StarknetCall(NonZeroFelt(call.To, $"{path}.to"), Selector(call.EntryPoint, $"{path}.entry_point"), calldata);
        }
        return result;
    }

    /// <summary>starknet_keccak of an entry-point name (printable ASCII without spaces, not a hex selector).</summary>
    public static Felt Selector(string? entryPoint, string field)
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
        return Starknet.Selector.FromName(entryPoint);
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
        return new OutsideExecution(
            NonZeroFelt(fields.Caller, $"{field}.caller"),
            RequestFields.Felt(fields.Nonce, $"{field}.nonce"),
            fields.ExecuteAfter,
            fields.ExecuteBefore,
            calls);
    }

    public static ResourceBoundsMapping Bounds(Proto.ResourceBoundsMapping? bounds, string field)
    {
        if (bounds is null)
        {
            throw BrokerRpcException.InvalidArgument(field, "required");
        }
        return new ResourceBoundsMapping(Bound(bounds.L1Gas, $"{field}.l1_gas"), Bound(bounds.L2Gas, $"{field}.l2_gas"), Bound(bounds.L1DataGas, $"{field}.l1_data_gas"));
    }

    /// <summary>An INVOKE v3 from its fields (query version refused: it can never be executed).</summary>
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
        return (new InvokeTransactionV3
        {
            SenderAddress = NonZeroFelt(fields.SenderAddress, $"{field}.sender_address"),
            Calldata = ExecuteCalldata.Encode(calls),
            ChainId = NonZeroFelt(fields.ChainId, $"{field}.chain_id"),
            Nonce = RequestFields.Felt(fields.Nonce, $"{field}.nonce"),
            ResourceBounds = Bounds(fields.ResourceBounds, $"{field}.resource_bounds"),
            Tip = fields.Tip,
        }, calls);
    }

    /// <summary>SHA-256 over the felts of a request, so a retry can be told from another request under the same id.</summary>
    public static string Fingerprint(string kind, IEnumerable<Felt> felts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.ASCII.GetBytes(kind));
        Span<byte> buffer = stackalloc byte[32];
        foreach (var felt in felts)
        {
            felt.WriteBigEndian(buffer);
            hash.AppendData(buffer);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public static IEnumerable<Felt> Felts(OutsideExecution o)
    {
        yield return o.Caller;
        yield return o.Nonce;
        yield return Felt.FromUInt128(o.ExecuteAfter);
        yield return Felt.FromUInt128(o.ExecuteBefore);
        foreach (var felt in ExecuteCalldata.Encode(o.Calls))
        {
            yield return felt;
        }
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
