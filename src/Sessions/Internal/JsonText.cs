using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Starknet;

namespace Sessions.Internal;

/// <summary>
/// Compact JSON text as JavaScript's <c>JSON.stringify</c> writes it for printable ASCII: properties in the order
/// written, no spaces, only <c>"</c> and <c>\</c> escaped.
/// </summary>
internal static class JsonText
{
    // 2^53: above it a JSON number is not read back exactly by JavaScript (nor by Starknet.TypedData, which follows it).
    private const ulong MaxSafeInteger = 1UL << 53;

    private static readonly JsonWriterOptions s_options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        SkipValidation = false,
    };

    public static string Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, s_options))
        {
            body(writer);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A felt as starknet.js writes it: <c>0x</c> and minimal lowercase hex.</summary>
    public static void WriteFelt(this Utf8JsonWriter writer, string name, Felt value) => writer.WriteString(name, value.ToString());

    /// <summary>
    /// An integer as a JSON number while JavaScript reads it exactly (≤ 2^53), otherwise as a decimal string, which
    /// SNIP-12 hashers read like <c>BigInt()</c>, so the typed data still hashes to the exact value.
    /// </summary>
    public static void WriteInteger(this Utf8JsonWriter writer, string name, UInt128 value)
    {
        if (value <= MaxSafeInteger)
        {
            writer.WriteNumber(name, (ulong)value);
        }
        else
        {
            writer.WriteString(name, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The SNIP-12 revision 1 <c>StarknetDomain</c> type definition.</summary>
    public static void WriteStarknetDomainType(this Utf8JsonWriter writer)
    {
        writer.WriteStartArray("StarknetDomain");
        writer.WriteField("name", "shortstring");
        writer.WriteField("version", "shortstring");
        writer.WriteField("chainId", "shortstring");
        writer.WriteField("revision", "shortstring");
        writer.WriteEndArray();
    }

    /// <summary>One <c>{"name": .., "type": ..}</c> entry of a type definition.</summary>
    public static void WriteField(this Utf8JsonWriter writer, string name, string type, string? contains = null)
    {
        writer.WriteStartObject();
        writer.WriteString("name", name);
        writer.WriteString("type", type);
        if (contains is not null)
        {
            writer.WriteString("contains", contains);
        }
        writer.WriteEndObject();
    }

    /// <summary>True for text made only of printable ASCII (0x20–0x7E); returns the first other index or −1.</summary>
    public static int IndexOfNonPrintableAscii(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is < ' ' or > '~')
            {
                return i;
            }
        }
        return -1;
    }
}
