using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Sessions.Internal;
using Starknet;

namespace Sessions;

/// <summary>One fee allowance of the session metadata: the most of one token the session's transactions may spend on fees.</summary>
/// <param name="TokenAddress">The fee token's contract address (e.g. STRK).</param>
/// <param name="MaxAmount">The allowance in the token's smallest unit (an unbounded non-negative integer, written as a
/// decimal string in the JSON).</param>
public sealed record SessionTxFee(Felt TokenAddress, BigInteger MaxAmount);

/// <summary>
/// The metadata shape x-sessions writes (spec §4): <c>{"projectID":…,"txFees":[{"tokenAddress":…,"maxAmount":…}],
/// "projectSignature"?:[…]}</c>, produced by <c>JSON.stringify</c> in that order and without spaces.
/// </summary>
/// <remarks>
/// The session hashes the metadata <b>string</b>, so a session carries the exact signed text
/// (<see cref="SessionRequest.Metadata"/>) and this model is only a typed reading of it: <see cref="TryParse"/> never
/// changes the text, and <see cref="ToJson"/> is only for building a new request.
/// </remarks>
public sealed class SessionMetadata
{
    private static readonly JsonDocumentOptions s_options = new() { AllowDuplicateProperties = false, MaxDepth = 16 };

    /// <summary>Creates metadata.</summary>
    /// <param name="projectId">The dapp's project id (printable ASCII).</param>
    /// <param name="txFees">Fee allowances, in order.</param>
    /// <param name="projectSignature">An optional project signature (felts), written after <c>txFees</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="projectId"/> or <paramref name="txFees"/> is null.</exception>
    /// <exception cref="ArgumentException">The project id is not printable ASCII, or an allowance is negative or null.</exception>
    public SessionMetadata(string projectId, IReadOnlyList<SessionTxFee> txFees, IReadOnlyList<Felt>? projectSignature = null)
    {
        ArgumentNullException.ThrowIfNull(projectId);
        ArgumentNullException.ThrowIfNull(txFees);
        if (JsonText.IndexOfNonPrintableAscii(projectId) >= 0)
        {
            throw new ArgumentException("The project id must be printable ASCII (spec §2.2).", nameof(projectId));
        }
        foreach (var fee in txFees)
        {
            if (fee is null || fee.MaxAmount.Sign < 0)
            {
                throw new ArgumentException("Every fee allowance must be present and non-negative.", nameof(txFees));
            }
        }
        ProjectId = projectId;
        TxFees = [.. txFees];
        ProjectSignature = projectSignature is null ? null : [.. projectSignature];
    }

    /// <summary>The dapp's project id (<c>projectID</c>).</summary>
    public string ProjectId { get; }

    /// <summary>Fee allowances (<c>txFees</c>).</summary>
    public IReadOnlyList<SessionTxFee> TxFees { get; }

    /// <summary>The optional <c>projectSignature</c>, or null when absent.</summary>
    public IReadOnlyList<Felt>? ProjectSignature { get; }

    /// <summary>
    /// The JSON text x-sessions would sign for this metadata: properties in the order
    /// <c>projectID, txFees[tokenAddress, maxAmount], projectSignature</c>, no spaces, felts as minimal <c>0x</c> hex,
    /// amounts as decimal strings.
    /// </summary>
    public string ToJson() => JsonText.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("projectID", ProjectId);
        w.WriteStartArray("txFees");
        foreach (var fee in TxFees)
        {
            w.WriteStartObject();
            w.WriteFelt("tokenAddress", fee.TokenAddress);
            w.WriteString("maxAmount", fee.MaxAmount.ToString(CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (ProjectSignature is not null)
        {
            w.WriteStartArray("projectSignature");
            foreach (var felt in ProjectSignature)
            {
                w.WriteStringValue(felt.ToString());
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    });

    /// <summary>
    /// Reads the typed shape from the exact metadata string. Succeeds for a JSON object with a string
    /// <c>projectID</c> and a <c>txFees</c> array whose entries have a felt <c>tokenAddress</c> (hex or decimal
    /// string) and a non-negative integer <c>maxAmount</c> (decimal or <c>0x</c> string, or a JSON integer); an
    /// optional <c>projectSignature</c> must be an array of felt strings. Other properties are ignored. Any other
    /// text (another JSON shape, or not JSON) gives false: such metadata is still a valid session, just not typed.
    /// </summary>
    /// <param name="json">The metadata string as signed.</param>
    /// <param name="metadata">The typed reading, or null.</param>
    public static bool TryParse([NotNullWhen(true)] string? json, [NotNullWhen(true)] out SessionMetadata? metadata)
    {
        metadata = null;
        if (json is null)
        {
            return false;
        }
        try
        {
            using var document = JsonDocument.Parse(json, s_options);
            metadata = Read(document.RootElement);
            return metadata is not null;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Reads the typed shape like <see cref="TryParse"/>, or throws.</summary>
    /// <param name="json">The metadata string as signed.</param>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
    /// <exception cref="FormatException">The text is not metadata of the x-sessions shape.</exception>
    public static SessionMetadata Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return TryParse(json, out var metadata)
            ? metadata
            : throw new FormatException("The metadata is not a JSON object with a string projectID and a txFees array of {tokenAddress, maxAmount}.");
    }

    private static SessionMetadata? Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("projectID", out var projectId) || projectId.ValueKind != JsonValueKind.String
            || !root.TryGetProperty("txFees", out var txFees) || txFees.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        var fees = new List<SessionTxFee>(txFees.GetArrayLength());
        foreach (var fee in txFees.EnumerateArray())
        {
            if (fee.ValueKind != JsonValueKind.Object
                || !fee.TryGetProperty("tokenAddress", out var token) || !TryReadFelt(token, out var tokenAddress)
                || !fee.TryGetProperty("maxAmount", out var amount) || !TryReadAmount(amount, out var maxAmount))
            {
                return null;
            }
            fees.Add(new SessionTxFee(tokenAddress, maxAmount));
        }
        List<Felt>? signature = null;
        if (root.TryGetProperty("projectSignature", out var projectSignature))
        {
            if (projectSignature.ValueKind != JsonValueKind.Array)
            {
                return null;
            }
            signature = new List<Felt>(projectSignature.GetArrayLength());
            foreach (var element in projectSignature.EnumerateArray())
            {
                if (!TryReadFelt(element, out var felt))
                {
                    return null;
                }
                signature.Add(felt);
            }
        }
        var id = projectId.GetString()!;
        return JsonText.IndexOfNonPrintableAscii(id) >= 0 ? null : new SessionMetadata(id, fees, signature);
    }

    private static bool TryReadFelt(JsonElement element, out Felt felt)
    {
        felt = default;
        return element.ValueKind == JsonValueKind.String && Felt.TryParse(element.GetString(), out felt);
    }

    private static bool TryReadAmount(JsonElement element, out BigInteger amount)
    {
        amount = default;
        switch (element.ValueKind)
        {
            case JsonValueKind.Number:
                return BigInteger.TryParse(element.GetRawText(), NumberStyles.None, CultureInfo.InvariantCulture, out amount);
            case JsonValueKind.String:
                var text = element.GetString()!;
                if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
                {
                    return text.Length > 2
                        && BigInteger.TryParse("0" + text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out amount);
                }
                return text.Length > 0 && BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out amount);
            default:
                return false;
        }
    }
}
