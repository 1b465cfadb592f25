using System.Text.Encodings.Web;
using System.Text.Json;

namespace Sessions.Tests.Support;

internal static class JsonAssert
{
    private static readonly JsonSerializerOptions s_stringify = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Same JSON value, with the same property names in the same order, the same value kinds (a number stays a number)
    /// and the same number text.
    /// </summary>
    public static void SameShape(JsonElement expected, JsonElement actual, string path = "$")
    {
        Assert.True(expected.ValueKind == actual.ValueKind, $"{path}: expected {expected.ValueKind}, got {actual.ValueKind}");
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var e = expected.EnumerateObject().ToArray();
                var a = actual.EnumerateObject().ToArray();
                Assert.True(e.Select(p => p.Name).SequenceEqual(a.Select(p => p.Name)),
                    $"{path}: properties [{string.Join(", ", e.Select(p => p.Name))}] expected, got [{string.Join(", ", a.Select(p => p.Name))}]");
                for (var i = 0; i < e.Length; i++)
                {
                    SameShape(e[i].Value, a[i].Value, $"{path}.{e[i].Name}");
                }
                break;
            case JsonValueKind.Array:
                Assert.True(expected.GetArrayLength() == actual.GetArrayLength(), $"{path}: array length");
                for (var i = 0; i < expected.GetArrayLength(); i++)
                {
                    SameShape(expected[i], actual[i], $"{path}[{i}]");
                }
                break;
            case JsonValueKind.String:
                Assert.True(expected.GetString() == actual.GetString(), $"{path}: expected \"{expected.GetString()}\", got \"{actual.GetString()}\"");
                break;
            default:
                Assert.True(expected.GetRawText() == actual.GetRawText(), $"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}");
                break;
        }
    }

    /// <summary>The text JavaScript's JSON.stringify writes for a value parsed from JSON (printable ASCII content).</summary>
    public static string Stringify(JsonElement element) => JsonSerializer.Serialize(element, s_stringify);
}
