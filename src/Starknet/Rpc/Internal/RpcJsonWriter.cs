using System.Globalization;
using System.Text.Json;
using Starknet.Transactions;

namespace Starknet.Rpc.Internal;

/// <summary>
/// Writes JSON-RPC request parameters with a <see cref="Utf8JsonWriter"/>, field for field as starknet.js 10.8 does
/// (same names, same order, minimal lowercase <c>0x</c> hex), so requests can be compared with the captured envelopes.
/// </summary>
internal static class RpcJsonWriter
{
    /// <summary>Longest text of a felt: <c>0x</c> and 64 digits.</summary>
    private const int MaxHexChars = 66;

    public static void WriteFelt(Utf8JsonWriter writer, Felt value)
    {
        Span<char> buffer = stackalloc char[MaxHexChars];
        value.TryFormat(buffer, out var written, default, null);
        writer.WriteStringValue(buffer[..written]);
    }

    public static void WriteFelt(Utf8JsonWriter writer, string name, Felt value)
    {
        writer.WritePropertyName(name);
        WriteFelt(writer, value);
    }

    public static void WriteFelts(Utf8JsonWriter writer, string name, IReadOnlyList<Felt> values)
    {
        writer.WritePropertyName(name);
        WriteFelts(writer, values);
    }

    public static void WriteFelts(Utf8JsonWriter writer, IReadOnlyList<Felt> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        writer.WriteStartArray();
        for (var i = 0; i < values.Count; i++)
        {
            WriteFelt(writer, values[i]);
        }
        writer.WriteEndArray();
    }

    /// <summary>A u64 as the spec's <c>u64</c>: <c>0x</c> and minimal lowercase hex.</summary>
    public static void WriteHex(Utf8JsonWriter writer, string name, ulong value) => WriteHex(writer, name, (UInt128)value);

    /// <summary>A u128 as the spec's <c>u128</c>: <c>0x</c> and minimal lowercase hex.</summary>
    public static void WriteHex(Utf8JsonWriter writer, string name, UInt128 value)
    {
        Span<char> buffer = stackalloc char[2 + 32];
        buffer[0] = '0';
        buffer[1] = 'x';
        value.TryFormat(buffer[2..], out var written, "x", CultureInfo.InvariantCulture);
        writer.WriteString(name, buffer[..(2 + written)]);
    }

    public static void WriteBlockId(Utf8JsonWriter writer, string name, BlockId blockId)
    {
        writer.WritePropertyName(name);
        if (blockId.Tag is { } tag)
        {
            writer.WriteStringValue(BlockId.TagName(tag));
        }
        else if (blockId.Number is { } number)
        {
            writer.WriteStartObject();
            writer.WriteNumber("block_number", number);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteStartObject();
            WriteFelt(writer, "block_hash", blockId.Hash!.Value);
            writer.WriteEndObject();
        }
    }

    /// <summary>The spec's <c>BROADCASTED_INVOKE_TXN</c> (v3) in starknet.js's field order.</summary>
    public static void WriteInvoke(Utf8JsonWriter writer, BroadcastedInvokeV3 invoke)
    {
        ArgumentNullException.ThrowIfNull(invoke);
        var tx = invoke.Transaction ?? throw new ArgumentException("The transaction is missing.", nameof(invoke));
        writer.WriteStartObject();
        writer.WriteString("type", "INVOKE");
        WriteFelt(writer, "sender_address", tx.SenderAddress);
        WriteFelts(writer, "calldata", tx.Calldata);
        WriteFelts(writer, "signature", invoke.Signature);
        WriteFelt(writer, "nonce", tx.Nonce);
        writer.WriteStartObject("resource_bounds");
        WriteBound(writer, "l1_gas", tx.ResourceBounds.L1Gas);
        WriteBound(writer, "l2_gas", tx.ResourceBounds.L2Gas);
        WriteBound(writer, "l1_data_gas", tx.ResourceBounds.L1DataGas);
        writer.WriteEndObject();
        WriteHex(writer, "tip", tx.Tip);
        WriteFelts(writer, "paymaster_data", tx.PaymasterData);
        writer.WriteString("nonce_data_availability_mode", DaMode(tx.NonceDataAvailabilityMode));
        writer.WriteString("fee_data_availability_mode", DaMode(tx.FeeDataAvailabilityMode));
        WriteFelts(writer, "account_deployment_data", tx.AccountDeploymentData);
        WriteFelt(writer, "version", tx.Version);
        if (tx.ProofFacts is { Count: > 0 } proofFacts)
        {
            WriteFelts(writer, "proof_facts", proofFacts);
        }
        writer.WriteEndObject();
    }

    public static void WriteFunctionCall(Utf8JsonWriter writer, FunctionCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        writer.WriteStartObject();
        WriteFelt(writer, "contract_address", call.ContractAddress);
        WriteFelt(writer, "entry_point_selector", call.EntryPointSelector);
        WriteFelts(writer, "calldata", call.Calldata);
        writer.WriteEndObject();
    }

    /// <summary>The <c>filter</c> of <c>starknet_getEvents</c>: EVENT_FILTER and RESULT_PAGE_REQUEST in one object.</summary>
    public static void WriteEventFilter(Utf8JsonWriter writer, EventFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        writer.WriteStartObject();
        if (filter.FromBlock is { } from)
        {
            WriteBlockId(writer, "from_block", from);
        }
        if (filter.ToBlock is { } to)
        {
            WriteBlockId(writer, "to_block", to);
        }
        if (filter.Address is { } address)
        {
            WriteFelt(writer, "address", address);
        }
        if (filter.Keys is { } keys)
        {
            writer.WriteStartArray("keys");
            foreach (var position in keys)
            {
                WriteFelts(writer, position);
            }
            writer.WriteEndArray();
        }
        writer.WriteNumber("chunk_size", filter.ChunkSize);
        if (filter.ContinuationToken is { } token)
        {
            writer.WriteString("continuation_token", token);
        }
        writer.WriteEndObject();
    }

    private static void WriteBound(Utf8JsonWriter writer, string name, ResourceBounds bound)
    {
        writer.WriteStartObject(name);
        WriteHex(writer, "max_amount", bound.MaxAmount);
        WriteHex(writer, "max_price_per_unit", bound.MaxPricePerUnit);
        writer.WriteEndObject();
    }

    private static string DaMode(DataAvailabilityMode mode) => mode switch
    {
        DataAvailabilityMode.L1 => "L1",
        DataAvailabilityMode.L2 => "L2",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown data-availability mode."),
    };
}
