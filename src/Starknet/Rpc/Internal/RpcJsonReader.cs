using System.Globalization;
using System.Text.Json;

namespace Starknet.Rpc.Internal;

/// <summary>
/// Reads JSON-RPC results into our types by hand (no reflection). Every failure throws <see cref="FormatException"/>,
/// <see cref="OverflowException"/>, <see cref="InvalidOperationException"/> or <see cref="KeyNotFoundException"/>; the
/// client turns them into <see cref="StarknetRpcResponseException"/>.
/// </summary>
internal static class RpcJsonReader
{
    public static Felt Felt(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? Starknet.Felt.Parse(e.GetString()!)
        : throw new FormatException($"Expected a felt string, found {e.ValueKind}.");

    public static Felt Felt(JsonElement e, string name) => Felt(Required(e, name));

    public static Felt? OptionalFelt(JsonElement e, string name) => Optional(e, name, out var v) ? Felt(v) : null;

    public static Felt[] Felts(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"Expected an array of felts, found {e.ValueKind}.");
        }
        var result = new Felt[e.GetArrayLength()];
        var i = 0;
        foreach (var item in e.EnumerateArray())
        {
            result[i++] = Felt(item);
        }
        return result;
    }

    public static Felt[] Felts(JsonElement e, string name) => Felts(Required(e, name));

    public static string String(JsonElement e, string name)
    {
        var v = Required(e, name);
        return v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new FormatException($"'{name}' must be a string, found {v.ValueKind}.");
    }

    public static string? OptionalString(JsonElement e, string name) =>
        Optional(e, name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText() : null;

    /// <summary>The spec's <c>u64</c>: a hex string (a JSON integer is accepted too).</summary>
    public static ulong U64(JsonElement e, string name)
    {
        var v = Required(e, name);
        if (v.ValueKind == JsonValueKind.Number)
        {
            return v.TryGetUInt64(out var n) ? n : throw new OverflowException($"'{name}' = {v.GetRawText()} does not fit in 64 bits.");
        }
        var value = U128Value(v, name);
        return value <= ulong.MaxValue ? (ulong)value : throw new OverflowException($"'{name}' = {v.GetString()} does not fit in 64 bits.");
    }

    /// <summary>The spec's <c>u128</c>: a hex string (a JSON integer is accepted too).</summary>
    public static UInt128 U128(JsonElement e, string name) => U128Value(Required(e, name), name);

    private static UInt128 U128Value(JsonElement v, string name)
    {
        if (v.ValueKind == JsonValueKind.Number)
        {
            return UInt128.TryParse(v.GetRawText(), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                ? n
                : throw new OverflowException($"'{name}' = {v.GetRawText()} is not an unsigned 128-bit integer.");
        }
        if (v.ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"'{name}' must be a hex string, found {v.ValueKind}.");
        }
        var text = v.GetString()!.AsSpan();
        if (text.Length < 3 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X'))
        {
            throw new FormatException($"'{name}' = '{v.GetString()}' is not 0x-prefixed hex.");
        }
        var digits = text[2..].TrimStart('0');
        if (digits.Length > 32)
        {
            throw new OverflowException($"'{name}' = {v.GetString()} does not fit in 128 bits.");
        }
        if (digits.IsEmpty)
        {
            return UInt128.Zero;
        }
        return UInt128.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"'{name}' = '{v.GetString()}' is not hex.");
    }

    /// <summary>A non-negative JSON integer such as <c>block_number</c> (a hex string is accepted too).</summary>
    public static ulong UInt(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number => v.TryGetUInt64(out var n) ? n : throw new FormatException($"{v.GetRawText()} is not a non-negative 64-bit integer."),
        JsonValueKind.String => Felt(v).ToUInt64(),
        _ => throw new FormatException($"Expected an integer, found {v.ValueKind}."),
    };

    public static ulong UInt(JsonElement e, string name) => UInt(Required(e, name));

    public static ulong? OptionalUInt(JsonElement e, string name) => Optional(e, name, out var v) ? UInt(v) : null;

    public static PriceUnit Unit(JsonElement e, string name) => String(e, name) switch
    {
        "FRI" => PriceUnit.Fri,
        "WEI" => PriceUnit.Wei,
        var other => throw new FormatException($"Unknown price unit '{other}'."),
    };

    public static TransactionFinalityStatus Finality(JsonElement e, string name) => String(e, name) switch
    {
        "RECEIVED" => TransactionFinalityStatus.Received,
        "CANDIDATE" => TransactionFinalityStatus.Candidate,
        "PRE_CONFIRMED" => TransactionFinalityStatus.PreConfirmed,
        "ACCEPTED_ON_L2" => TransactionFinalityStatus.AcceptedOnL2,
        "ACCEPTED_ON_L1" => TransactionFinalityStatus.AcceptedOnL1,
        "REJECTED" => TransactionFinalityStatus.Rejected,
        var other => throw new FormatException($"Unknown finality status '{other}'."),
    };

    public static TransactionExecutionStatus Execution(JsonElement v) => v.GetString() switch
    {
        "SUCCEEDED" => TransactionExecutionStatus.Succeeded,
        "REVERTED" => TransactionExecutionStatus.Reverted,
        var other => throw new FormatException($"Unknown execution status '{other}'."),
    };

    public static TransactionType TxType(JsonElement e, string name) => String(e, name) switch
    {
        "INVOKE" => TransactionType.Invoke,
        "L1_HANDLER" => TransactionType.L1Handler,
        "DECLARE" => TransactionType.Declare,
        "DEPLOY" => TransactionType.Deploy,
        "DEPLOY_ACCOUNT" => TransactionType.DeployAccount,
        var other => throw new FormatException($"Unknown transaction type '{other}'."),
    };

    public static JsonElement Required(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"Expected an object with '{name}', found {e.ValueKind}.");
        }
        return e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null
            ? v
            : throw new FormatException($"'{name}' is missing.");
    }

    /// <summary>A member that may be absent; JSON null counts as absent.</summary>
    public static bool Optional(JsonElement e, string name, out JsonElement value)
    {
        if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }
        value = default;
        return false;
    }

    // ---- result shapes ----

    public static FeeEstimate FeeEstimate(JsonElement e) => new()
    {
        L1GasConsumed = U64(e, "l1_gas_consumed"),
        L1GasPrice = U128(e, "l1_gas_price"),
        L2GasConsumed = U64(e, "l2_gas_consumed"),
        L2GasPrice = U128(e, "l2_gas_price"),
        L1DataGasConsumed = U64(e, "l1_data_gas_consumed"),
        L1DataGasPrice = U128(e, "l1_data_gas_price"),
        OverallFee = U128(e, "overall_fee"),
        Unit = Unit(e, "unit"),
    };

    public static TransactionStatusResult Status(JsonElement e) => new(
        Finality(e, "finality_status"),
        Optional(e, "execution_status", out var x) ? Execution(x) : null,
        OptionalString(e, "failure_reason"));

    public static StarknetEvent Event(JsonElement e) => new(Felt(e, "from_address"), Felts(e, "keys"), Felts(e, "data"));

    public static TransactionReceipt Receipt(JsonElement e)
    {
        var fee = Required(e, "actual_fee");
        var resources = Required(e, "execution_resources");
        return new TransactionReceipt
        {
            Type = TxType(e, "type"),
            TransactionHash = Felt(e, "transaction_hash"),
            ActualFee = new FeePayment(Felt(fee, "amount"), Unit(fee, "unit")),
            FinalityStatus = Finality(e, "finality_status"),
            ExecutionStatus = Execution(Required(e, "execution_status")),
            RevertReason = OptionalString(e, "revert_reason"),
            MessagesSent = Optional(e, "messages_sent", out var messages)
                ? messages.EnumerateArray().Select(m => new MessageToL1(Felt(m, "from_address"), Felt(m, "to_address"), Felts(m, "payload"))).ToArray()
                : [],
            Events = Required(e, "events").EnumerateArray().Select(Event).ToArray(),
            ExecutionResources = new ExecutionResources(UInt(resources, "l1_gas"), UInt(resources, "l1_data_gas"), UInt(resources, "l2_gas")),
            BlockHash = OptionalFelt(e, "block_hash"),
            BlockNumber = OptionalUInt(e, "block_number"),
            ContractAddress = OptionalFelt(e, "contract_address"),
        };
    }

    public static EventsPage EventsPage(JsonElement e) => new(
        Required(e, "events").EnumerateArray().Select(v => new EmittedEvent
        {
            FromAddress = Felt(v, "from_address"),
            Keys = Felts(v, "keys"),
            Data = Felts(v, "data"),
            BlockHash = OptionalFelt(v, "block_hash"),
            BlockNumber = OptionalUInt(v, "block_number"),
            TransactionHash = Felt(v, "transaction_hash"),
            TransactionIndex = OptionalUInt(v, "transaction_index"),
            EventIndex = OptionalUInt(v, "event_index"),
        }).ToArray(),
        OptionalString(e, "continuation_token"));
}
