using System.Text.Json;
using Sessions;
using Starknet;
using Starknet.Tests.Infrastructure;
using Starknet.Transactions;

namespace Sessions.Tests.Support;

/// <summary>Reads the cases of sessions.json into library objects.</summary>
internal static class SessionCases
{
    public const string File = "sessions.json";

    public static TheoryData<int> All() => VectorFiles.CaseIndexes(File, "cases");

    /// <summary>Cases that have <paramref name="property"/>.</summary>
    public static TheoryData<int> With(string property)
    {
        var data = new TheoryData<int>();
        var i = 0;
        foreach (var c in VectorFiles.Cases(File, "cases"))
        {
            if (c.TryGetProperty(property, out _))
            {
                data.Add(i);
            }
            i++;
        }
        return data;
    }

    /// <summary>Cases whose on-chain simulation ran (the others use the legacy cache flag 1, invalid on 0.5.0).</summary>
    public static TheoryData<int> Simulated()
    {
        var data = new TheoryData<int>();
        var i = 0;
        foreach (var c in VectorFiles.Cases(File, "cases"))
        {
            if (c.GetProperty("onchain_check_simulation").TryGetProperty("block_timestamp_used", out _))
            {
                data.Add(i);
            }
            i++;
        }
        return data;
    }

    /// <summary>Cases that x-sessions built with the legacy cache flag 1.</summary>
    public static TheoryData<int> LegacyCacheFlag()
    {
        var data = new TheoryData<int>();
        var i = 0;
        foreach (var c in VectorFiles.Cases(File, "cases"))
        {
            if (c.GetProperty("inputs").GetProperty("cache_authorisation_flag").GetBoolean())
            {
                data.Add(i);
            }
            i++;
        }
        return data;
    }

    /// <summary>(case, mutation) pairs of every negative mutation.</summary>
    public static TheoryData<int, int> Mutations()
    {
        var data = new TheoryData<int, int>();
        var i = 0;
        foreach (var c in VectorFiles.Cases(File, "cases"))
        {
            var count = c.GetProperty("negative_mutations").GetArrayLength();
            for (var m = 0; m < count; m++)
            {
                data.Add(i, m);
            }
            i++;
        }
        return data;
    }

    public static JsonElement Case(int index) => VectorFiles.Case(File, "cases", index);

    public static JsonElement Constants => VectorFiles.Load(File).GetProperty("constants");

    public static SessionRequest Request(JsonElement c)
    {
        var inputs = c.GetProperty("inputs");
        var methods = inputs.GetProperty("allowed_methods").EnumerateArray()
            .Select(m => new AllowedMethod(m.Felt("contract_address"), m.GetProperty("selector_name").GetString()!))
            .ToArray();
        return new SessionRequest(
            inputs.Felt("chain_id"),
            inputs.Felt("account_address"),
            inputs.Felt("session_public_key"),
            inputs.GetProperty("expires_at").GetUInt64(),
            methods,
            c.GetProperty("session_request").GetProperty("metadata_string").GetString()!);
    }

    public static Call[] Calls(JsonElement c) => JsonFelts.Calls(c.GetProperty("transaction").GetProperty("calls"));

    public static Felt TransactionHash(JsonElement c) => c.GetProperty("transaction").Felt("transaction_hash");

    public static StarkSignature Signature(JsonElement e) => new(e.Felt("r"), e.Felt("s"));

    public static Felt[] Felts(JsonElement array) => array.EnumerateArray().Select(JsonFelts.Read).ToArray();

    public static bool IsConcise(JsonElement c) =>
        c.GetProperty("inputs").GetProperty("authorization_signature_format").GetString()!.StartsWith("concise", StringComparison.Ordinal);

    public static OutsideExecution OutsideExecution(JsonElement typedDataMessage) => new(
        typedDataMessage.Felt("Caller"),
        typedDataMessage.Felt("Nonce"),
        (UInt128)typedDataMessage.Felt("Execute After").ToBigInteger(),
        (UInt128)typedDataMessage.Felt("Execute Before").ToBigInteger(),
        typedDataMessage.GetProperty("Calls").EnumerateArray()
            .Select(call => new Call(call.Felt("To"), call.Felt("Selector"), call.Felts("Calldata")))
            .ToArray());
}
