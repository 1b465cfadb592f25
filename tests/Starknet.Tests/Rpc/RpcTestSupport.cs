using System.Text;
using System.Text.Json;
using Starknet.Rpc;
using Starknet.Tests.Infrastructure;
using Starknet.Transactions;

namespace Starknet.Tests.Rpc;

/// <summary>Client construction, JSON comparison and vector readers shared by the RPC tests.</summary>
internal static class RpcTestSupport
{
    public static readonly Uri Endpoint = new("http://node.test:5050/rpc");

    /// <summary>Fast settings: millisecond backoff without jitter, short attempt timeout.</summary>
    public static StarknetRpcOptions FastOptions(Uri? endpoint = null) => new()
    {
        Endpoint = endpoint ?? Endpoint,
        Timeout = TimeSpan.FromSeconds(5),
        MaxRetries = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(20),
        UseJitter = false,
    };

    public static (StarknetRpcClient Client, HttpClient Http) Create(StubHttpHandler stub, StarknetRpcOptions? options = null)
    {
        var http = new HttpClient(stub);
        return (new StarknetRpcClient(http, options ?? FastOptions()), http);
    }

    /// <summary>
    /// Asserts two JSON values are structurally equal (object member order ignored, numbers compared by value), skipping
    /// the root members named in <paramref name="ignoreRootMembers"/>. The failure names the first differing path.
    /// </summary>
    public static void AssertJsonEquivalent(JsonElement expected, JsonElement actual, params string[] ignoreRootMembers)
    {
        var difference = Compare(expected, actual, "$", ignoreRootMembers);
        Assert.True(difference is null, $"{difference}\nexpected: {expected.GetRawText()}\nactual:   {actual.GetRawText()}");
    }

    private static string? Compare(JsonElement expected, JsonElement actual, string path, string[] ignore)
    {
        if (expected.ValueKind != actual.ValueKind)
        {
            return $"{path}: expected {expected.ValueKind}, got {actual.ValueKind}";
        }
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var expectedNames = expected.EnumerateObject().Select(p => p.Name).Where(n => path != "$" || !ignore.Contains(n)).ToHashSet();
                var actualNames = actual.EnumerateObject().Select(p => p.Name).Where(n => path != "$" || !ignore.Contains(n)).ToHashSet();
                var missing = expectedNames.Except(actualNames).ToArray();
                var extra = actualNames.Except(expectedNames).ToArray();
                if (missing.Length > 0 || extra.Length > 0)
                {
                    return $"{path}: missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", extra)}]";
                }
                foreach (var name in expectedNames)
                {
                    var d = Compare(expected.GetProperty(name), actual.GetProperty(name), $"{path}.{name}", ignore);
                    if (d is not null)
                    {
                        return d;
                    }
                }
                return null;
            case JsonValueKind.Array:
                if (expected.GetArrayLength() != actual.GetArrayLength())
                {
                    return $"{path}: expected {expected.GetArrayLength()} elements, got {actual.GetArrayLength()}";
                }
                for (var i = 0; i < expected.GetArrayLength(); i++)
                {
                    var d = Compare(expected[i], actual[i], $"{path}[{i}]", ignore);
                    if (d is not null)
                    {
                        return d;
                    }
                }
                return null;
            case JsonValueKind.Number:
                return decimal.Parse(expected.GetRawText(), System.Globalization.CultureInfo.InvariantCulture)
                    == decimal.Parse(actual.GetRawText(), System.Globalization.CultureInfo.InvariantCulture)
                    ? null
                    : $"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}";
            case JsonValueKind.String:
                return expected.GetString() == actual.GetString() ? null : $"{path}: expected \"{expected.GetString()}\", got \"{actual.GetString()}\"";
            default:
                return null;
        }
    }

    /// <summary>The JSON text with the root <c>id</c> removed, compact, members in their original order.</summary>
    public static string WithoutId(JsonElement envelope)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var property in envelope.EnumerateObject().Where(p => p.Name != "id"))
            {
                property.WriteTo(writer);
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();

    /// <summary>The INVOKE v3 of a <c>sessions.json</c> case, signed with its session token, as a relayer submits it.</summary>
    public static BroadcastedInvokeV3 SessionCaseInvoke(int index)
    {
        var c = VectorFiles.Case("sessions.json", "cases", index);
        var t = c.GetProperty("transaction");
        var tx = new InvokeTransactionV3
        {
            SenderAddress = t.Felt("sender_address"),
            Calldata = t.Felts("execute_calldata"),
            ChainId = t.Felt("chain_id"),
            Nonce = t.Felt("nonce"),
            Version = t.Felt("version"),
            ResourceBounds = JsonFelts.Bounds(t.GetProperty("resource_bounds")),
            Tip = t.Felt("tip").ToUInt64(),
            PaymasterData = t.Felts("paymaster_data"),
            AccountDeploymentData = t.Felts("account_deployment_data"),
            NonceDataAvailabilityMode = JsonFelts.Mode(t.GetProperty("nonce_data_availability_mode")),
            FeeDataAvailabilityMode = JsonFelts.Mode(t.GetProperty("fee_data_availability_mode")),
        };
        return new BroadcastedInvokeV3(tx, c.GetProperty("session_token").Felts("signature_array"));
    }

    /// <summary>A small signed-looking INVOKE v3 built in code, for tests that are not about the vectors.</summary>
    public static BroadcastedInvokeV3 SampleInvoke() => new(
        new InvokeTransactionV3
        {
            SenderAddress = Felt.Parse("0x54f8b8254a6c7d78998e64bdbae51174f3cbc1a535c2a882f7ab353d314e6b4"),
            Calldata = [1, 0x2ebf, Selector.FromName("craft_item"), 1, 7],
            ChainId = CairoShortString.Encode("SN_SEPOLIA"),
            Nonce = 0xfc,
            ResourceBounds = new(new(0, 0x3e281c6c42a18), new(0x1daeb37, 0x6f09e993d6), new(0x62a, 0xa7d6730a77)),
        },
        [CairoShortString.Encode("session-token"), 1, 2]);

    public static JsonElement RelayerExamples => VectorFiles.Load("sessions.json").GetProperty("relayer_rpc_examples");
}
