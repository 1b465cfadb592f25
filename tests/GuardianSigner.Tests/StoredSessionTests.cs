using System.Text.Json;
using GuardianSigner.Cosigning;
using Starknet;

namespace GuardianSigner.Tests;

/// <summary>The stored form of the guardian's session record: the compact rate window and recent-message keys.</summary>
public sealed class StoredSessionTests
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private static StoredSession WithBuckets(params (long Second, int Count)[] buckets) => new()
    {
        SessionHash = "0x1",
        CosignsPerSecond = [.. buckets.Select(b => new CosignBucket { Second = b.Second, Count = b.Count })],
    };

    private static (long, int)[] Buckets(StoredSession session) => [.. session.CosignsPerSecond.Select(b => (b.Second, b.Count))];

    [Fact]
    public void RateWindow_WrittenAsSecondCountThenGapCount_ReadBack()
    {
        var json = JsonSerializer.Serialize(WithBuckets((1_795_752_715, 13), (1_795_752_716, 38), (1_795_752_774, 1)), s_json);

        Assert.Contains("\"cosignsPerSecond\":[1795752715,13,1,38,58,1]", json, StringComparison.Ordinal);
        Assert.Equal([(1_795_752_715L, 13), (1_795_752_716L, 38), (1_795_752_774L, 1)], Buckets(JsonSerializer.Deserialize<StoredSession>(json, s_json)!));
    }

    [Fact]
    public void RateWindow_EarlierObjectForm_StillRead()
    {
        const string json = """{"sessionHash":"0x1","cosignsPerSecond":[{"second":100,"count":3},{"second":101,"count":5}]}""";

        Assert.Equal([(100L, 3), (101L, 5)], Buckets(JsonSerializer.Deserialize<StoredSession>(json, s_json)!));
    }

    [Fact]
    public void RateWindow_EmptyOrNull_Empty()
    {
        Assert.Contains("\"cosignsPerSecond\":[]", JsonSerializer.Serialize(WithBuckets(), s_json), StringComparison.Ordinal);
        Assert.Empty(JsonSerializer.Deserialize<StoredSession>("""{"sessionHash":"0x1","cosignsPerSecond":null}""", s_json)!.CosignsPerSecond);
    }

    [Fact]
    public void RateWindow_Malformed_JsonException()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<StoredSession>("""{"sessionHash":"0x1","cosignsPerSecond":[100]}""", s_json));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<StoredSession>("""{"sessionHash":"0x1","cosignsPerSecond":7}""", s_json));
    }

    [Fact]
    public void MessageKey_LowBitsInBase64Url_DistinctForDistinctMessages()
    {
        var a = StoredSession.MessageKey(Felt.Parse("0x5caf410bb46c4115a948aab43c1f49194596796d28afb01abb941be6f0daf1c"));
        var b = StoredSession.MessageKey(Felt.Parse("0x5caf410bb46c4115a948aab43c1f49194596796d28afb01abb941be6f0daf1d"));

        Assert.Equal(22, a.Length);
        Assert.NotEqual(a, b);
        Assert.Equal(StoredSession.MessageKey(Felt.One), StoredSession.MessageKey(Felt.Parse("0x1")));
    }

    [Fact]
    public void SerializedRecord_HasNoDerivedFelts()
    {
        var json = JsonSerializer.Serialize(new StoredSession { SessionHash = "0x1", ChainId = "0x534e5f5345504f4c4941" }, s_json);

        Assert.DoesNotContain("Felt", json, StringComparison.Ordinal);
        Assert.DoesNotContain("bitLength", json, StringComparison.Ordinal);
    }
}
