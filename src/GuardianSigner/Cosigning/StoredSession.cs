using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Sessions;
using Starknet;

namespace GuardianSigner.Cosigning;

/// <summary>
/// A session as the guardian keeps it in the state store (key <see cref="KeyOf"/>): the definition it cosigned,
/// the revocation flag, and the usage counters that must survive restarts (fees charged per token, recent cosigns
/// for the rate limit, recent messages for idempotent retries). Every change goes through an ETag-checked write.
/// Felts are stored as 0x-hex, amounts as decimal strings.
/// </summary>
internal sealed class StoredSession
{
    /// <summary>How many recent message hashes are remembered for idempotent retries.</summary>
    public const int RecentMessagesKept = 32;

    public required string SessionHash { get; set; }

    /// <summary>True for a revocation recorded before (or without) registration: no definition, always revoked.</summary>
    public bool Tombstone { get; set; }

    public string ChainId { get; set; } = "0x0";
    public string AccountAddress { get; set; } = "0x0";
    public string SessionPublicKey { get; set; } = "0x0";
    public ulong ExpiresAt { get; set; }
    public List<StoredAllowedMethod> AllowedMethods { get; set; } = [];
    public string Metadata { get; set; } = "";
    public string DappId { get; set; } = "";
    public string OwnerPublicKey { get; set; } = "0x0";

    /// <summary>The metadata's txFees allowances, or null when the metadata is not x-sessions JSON.</summary>
    public List<StoredFeeAllowance>? TxFees { get; set; }

    public long RegisteredAt { get; set; }

    public bool Revoked { get; set; }
    public long? RevokedAt { get; set; }
    public bool RevokedOnChain { get; set; }

    /// <summary>Max fees charged so far, per fee token (0x-hex → decimal).</summary>
    public Dictionary<string, string> FeesCharged { get; set; } = [];

    /// <summary>
    /// Cosigns of the last minute counted per Unix second, for the per-minute limit: at most 60 small entries whatever
    /// the rate, so the record (read and rewritten at every cosign) stays small. Stored compactly
    /// (<see cref="CompactBucketsConverter"/>).
    /// </summary>
    [JsonConverter(typeof(CompactBucketsConverter))]
    public List<CosignBucket> CosignsPerSecond { get; set; } = [];

    /// <summary>
    /// The earlier form of the rate window (one Unix millisecond per cosign, which grew with the rate); folded into
    /// <see cref="CosignsPerSecond"/> at the session's next cosign, then no longer written.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<long>? RecentCosigns { get; set; }

    /// <summary>
    /// The last messages cosigned, newest last, as <see cref="MessageKey"/>s. Records written before carry the full
    /// 0x-hex hashes; <see cref="NormalizeRecentMessages"/> converts them at the session's next cosign.
    /// </summary>
    public List<string> RecentMessages { get; set; } = [];

    public long CosignCount { get; set; }

    public static string KeyOf(Felt sessionHash) => $"guardian-session||{sessionHash}";

    // Derived, never stored (they were written as {"isZero":..,"bitLength":..} objects before; readers ignore those).
    [JsonIgnore]
    public Felt ChainIdFelt => Felt.Parse(ChainId);
    [JsonIgnore]
    public Felt AccountAddressFelt => Felt.Parse(AccountAddress);
    [JsonIgnore]
    public Felt SessionPublicKeyFelt => Felt.Parse(SessionPublicKey);
    [JsonIgnore]
    public Felt OwnerPublicKeyFelt => Felt.Parse(OwnerPublicKey);

    /// <summary>
    /// How a cosigned message is remembered in <see cref="RecentMessages"/>: its low 128 bits (the last 16 of its 32
    /// big-endian bytes) in unpadded base64url, 22 characters instead of up to 66 (the list is read and rewritten at
    /// every cosign).
    /// Telling a retry from a new transaction needs no more: two messages sharing those bits take ~2^64 attempts to
    /// find, and a mistaken match would only leave one cosign uncharged.
    /// </summary>
    public static string MessageKey(Felt message)
    {
        Span<byte> bytes = stackalloc byte[32];
        message.WriteBigEndian(bytes);
        return System.Buffers.Text.Base64Url.EncodeToString(bytes[16..]);
    }

    /// <summary>Converts entries in the earlier 0x-hex form to <see cref="MessageKey"/>s.</summary>
    public void NormalizeRecentMessages()
    {
        for (var i = 0; i < RecentMessages.Count; i++)
        {
            if (RecentMessages[i].StartsWith("0x", StringComparison.Ordinal) && Felt.TryParse(RecentMessages[i], out var message))
            {
                RecentMessages[i] = MessageKey(message);
            }
        }
    }

    public AllowedMethodsTree BuildTree() =>
        new(AllowedMethods.Select(m => new AllowedMethod(Felt.Parse(m.ContractAddress), m.EntryPoint)).ToArray());

    public BigInteger FeesChargedFor(Felt token) =>
        FeesCharged.TryGetValue(token.ToString(), out var text) ? BigInteger.Parse(text, CultureInfo.InvariantCulture) : BigInteger.Zero;

    public BigInteger? AllowanceFor(Felt token)
    {
        if (TxFees is null) return null;
        BigInteger? total = null;
        foreach (var fee in TxFees)
        {
            // Several entries for one token add up; x-sessions never writes duplicates.
            if (Felt.Parse(fee.TokenAddress) == token)
            {
                total = (total ?? BigInteger.Zero) + BigInteger.Parse(fee.MaxAmount, CultureInfo.InvariantCulture);
            }
        }
        return total;
    }
}

internal sealed record StoredAllowedMethod(string ContractAddress, string EntryPoint);

internal sealed record StoredFeeAllowance(string TokenAddress, string MaxAmount);

/// <summary>The cosigns of one Unix second.</summary>
internal sealed class CosignBucket
{
    public long Second { get; set; }

    public int Count { get; set; }
}

/// <summary>
/// Writes the rate window as one flat array, <c>[second₀, count₀, gap₁, count₁, gap₂, count₂, …]</c>, each gap the
/// distance in seconds from the previous bucket: about 5 bytes per bucket instead of 33 for
/// <c>{"second":…,"count":…}</c> objects, which it still reads (records written before).
/// </summary>
internal sealed class CompactBucketsConverter : JsonConverter<List<CosignBucket>>
{
    // A null window reads as an empty one.
    public override bool HandleNull => true;

    public override List<CosignBucket> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var buckets = new List<CosignBucket>();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return buckets;
        }
        Expect(reader.TokenType == JsonTokenType.StartArray);
        long second = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                var bucket = new CosignBucket();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    Expect(reader.TokenType == JsonTokenType.PropertyName);
                    var name = reader.GetString();
                    Expect(reader.Read());
                    if (string.Equals(name, "second", StringComparison.OrdinalIgnoreCase)) bucket.Second = reader.GetInt64();
                    else if (string.Equals(name, "count", StringComparison.OrdinalIgnoreCase)) bucket.Count = reader.GetInt32();
                    else reader.Skip();
                }
                buckets.Add(bucket);
                continue;
            }
            second = buckets.Count == 0 ? reader.GetInt64() : second + reader.GetInt64();
            Expect(reader.Read() && reader.TokenType == JsonTokenType.Number);
            buckets.Add(new CosignBucket { Second = second, Count = reader.GetInt32() });
        }
        return buckets;
    }

    public override void Write(Utf8JsonWriter writer, List<CosignBucket> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        for (var i = 0; i < (value?.Count ?? 0); i++)
        {
            writer.WriteNumberValue(i == 0 ? value![i].Second : value![i].Second - value[i - 1].Second);
            writer.WriteNumberValue(value[i].Count);
        }
        writer.WriteEndArray();
    }

    private static void Expect(bool condition)
    {
        if (!condition)
        {
            throw new JsonException("cosignsPerSecond: expected [second, count, gap, count, …] or {second, count} objects");
        }
    }
}
