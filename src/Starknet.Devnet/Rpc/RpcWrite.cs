using System.Globalization;
using System.Text.Json;
using Starknet.Rpc;

namespace Starknet.Devnet.Rpc;

/// <summary>Writes the spec 0.10 result shapes: felts as minimal lowercase <c>0x</c> hex, u64/u128 as <c>0x</c> hex.</summary>
internal static class RpcWrite
{
    public static void Felt(Utf8JsonWriter w, Felt value)
    {
        Span<char> buffer = stackalloc char[66];
        value.TryFormat(buffer, out var written, default, null);
        w.WriteStringValue(buffer[..written]);
    }

    public static void Felt(Utf8JsonWriter w, string name, Felt value)
    {
        w.WritePropertyName(name);
        Felt(w, value);
    }

    public static void Felts(Utf8JsonWriter w, IReadOnlyList<Felt> values)
    {
        w.WriteStartArray();
        foreach (var value in values)
        {
            Felt(w, value);
        }
        w.WriteEndArray();
    }

    public static void Felts(Utf8JsonWriter w, string name, IReadOnlyList<Felt> values)
    {
        w.WritePropertyName(name);
        Felts(w, values);
    }

    public static void Hex(Utf8JsonWriter w, string name, UInt128 value) =>
        w.WriteString(name, "0x" + value.ToString("x", CultureInfo.InvariantCulture));

    public static void FeeEstimate(Utf8JsonWriter w, FeeEstimate e)
    {
        w.WriteStartObject();
        Hex(w, "l1_gas_consumed", e.L1GasConsumed);
        Hex(w, "l1_gas_price", e.L1GasPrice);
        Hex(w, "l2_gas_consumed", e.L2GasConsumed);
        Hex(w, "l2_gas_price", e.L2GasPrice);
        Hex(w, "l1_data_gas_consumed", e.L1DataGasConsumed);
        Hex(w, "l1_data_gas_price", e.L1DataGasPrice);
        Hex(w, "overall_fee", e.OverallFee);
        w.WriteString("unit", "FRI");
        w.WriteEndObject();
    }

    public static void Status(Utf8JsonWriter w, TransactionStatusResult s)
    {
        w.WriteStartObject();
        w.WriteString("finality_status", Finality(s.FinalityStatus));
        if (s.ExecutionStatus is { } execution)
        {
            w.WriteString("execution_status", Execution(execution));
        }
        if (s.FailureReason is { } reason)
        {
            w.WriteString("failure_reason", reason);
        }
        w.WriteEndObject();
    }

    public static void Receipt(Utf8JsonWriter w, TransactionReceipt r)
    {
        w.WriteStartObject();
        w.WriteString("type", "INVOKE");
        Felt(w, "transaction_hash", r.TransactionHash);
        w.WriteStartObject("actual_fee");
        Felt(w, "amount", r.ActualFee.Amount);
        w.WriteString("unit", "FRI");
        w.WriteEndObject();
        w.WriteString("finality_status", Finality(r.FinalityStatus));
        w.WriteString("execution_status", Execution(r.ExecutionStatus));
        if (r.RevertReason is { } reason)
        {
            w.WriteString("revert_reason", reason);
        }
        w.WriteStartArray("messages_sent");
        w.WriteEndArray();
        w.WriteStartArray("events");
        foreach (var e in r.Events)
        {
            w.WriteStartObject();
            Felt(w, "from_address", e.FromAddress);
            Felts(w, "keys", e.Keys);
            Felts(w, "data", e.Data);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("execution_resources");
        w.WriteNumber("l1_gas", r.ExecutionResources.L1Gas);
        w.WriteNumber("l1_data_gas", r.ExecutionResources.L1DataGas);
        w.WriteNumber("l2_gas", r.ExecutionResources.L2Gas);
        w.WriteEndObject();
        if (r.BlockHash is { } hash)
        {
            Felt(w, "block_hash", hash);
        }
        if (r.BlockNumber is { } number)
        {
            w.WriteNumber("block_number", number);
        }
        w.WriteEndObject();
    }

    public static void EventsPage(Utf8JsonWriter w, EventsPage page)
    {
        w.WriteStartObject();
        w.WriteStartArray("events");
        foreach (var e in page.Events)
        {
            w.WriteStartObject();
            Felt(w, "from_address", e.FromAddress);
            Felts(w, "keys", e.Keys);
            Felts(w, "data", e.Data);
            if (e.BlockHash is { } hash)
            {
                Felt(w, "block_hash", hash);
            }
            if (e.BlockNumber is { } number)
            {
                w.WriteNumber("block_number", number);
            }
            Felt(w, "transaction_hash", e.TransactionHash);
            if (e.TransactionIndex is { } ti)
            {
                w.WriteNumber("transaction_index", ti);
            }
            if (e.EventIndex is { } ei)
            {
                w.WriteNumber("event_index", ei);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (page.ContinuationToken is { } token)
        {
            w.WriteString("continuation_token", token);
        }
        w.WriteEndObject();
    }

    private static string Finality(TransactionFinalityStatus status) => status switch
    {
        TransactionFinalityStatus.Received => "RECEIVED",
        TransactionFinalityStatus.Candidate => "CANDIDATE",
        TransactionFinalityStatus.PreConfirmed => "PRE_CONFIRMED",
        TransactionFinalityStatus.AcceptedOnL2 => "ACCEPTED_ON_L2",
        TransactionFinalityStatus.AcceptedOnL1 => "ACCEPTED_ON_L1",
        TransactionFinalityStatus.Rejected => "REJECTED",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    private static string Execution(TransactionExecutionStatus status) =>
        status == TransactionExecutionStatus.Succeeded ? "SUCCEEDED" : "REVERTED";
}
