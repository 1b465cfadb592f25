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
    /// <summary>Felts in a transaction signature (a session token with a long authorization and 64 proofs fits).</summary>
    public const int MaxSignatureLength = 2048;

    public static string RequestId(string? requestId, string field = "request_id") => CommonMessages.RequestId(requestId, field);

    public static Felt NonZeroFelt(string? value, string field) => CommonMessages.NonZeroFelt(value, field);

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

    // The relayer refuses 0x0 as a caller, sender, chain id or call target: such a transaction can only fail.
    public static StarknetCall[] Calls(IReadOnlyList<Proto.Call> calls, string field) => CommonMessages.Calls(calls, field, nonZeroTargets: true);

    public static OutsideExecution OutsideExecution(Proto.OutsideExecutionFields? fields, string field) =>
        CommonMessages.OutsideExecution(fields, field, nonZeroAddresses: true);

    /// <summary>An INVOKE v3 from its fields (query version refused: it can never be executed).</summary>
    public static (InvokeTransactionV3 Transaction, StarknetCall[] Calls) Invoke(Proto.InvokeV3Fields? fields, string field) =>
        CommonMessages.Invoke(fields, field, nonZeroAddresses: true);

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
}
