using System.Text.Json;
using Starknet.Transactions;

namespace Starknet.Tests.Infrastructure;

/// <summary>Readers for the vector JSON shapes shared by several test classes.</summary>
internal static class JsonFelts
{
    public static Felt Felt(this JsonElement e, string property) => Read(e.GetProperty(property));

    public static Felt Read(JsonElement e) => e.ValueKind == JsonValueKind.Number
        ? Starknet.Felt.Parse(e.GetRawText())
        : Starknet.Felt.Parse(e.GetString()!);

    public static Felt[] Felts(this JsonElement e, string property) => e.GetProperty(property).EnumerateArray().Select(Read).ToArray();

    public static ResourceBoundsMapping Bounds(JsonElement e)
    {
        static ResourceBounds One(JsonElement b) => new(
            Read(b.GetProperty("max_amount")).ToUInt64(),
            (UInt128)Read(b.GetProperty("max_price_per_unit")).ToBigInteger());
        return new(One(e.GetProperty("l1_gas")), One(e.GetProperty("l2_gas")), One(e.GetProperty("l1_data_gas")));
    }

    public static DataAvailabilityMode Mode(JsonElement e) => e.GetString() switch
    {
        "L1" => DataAvailabilityMode.L1,
        "L2" => DataAvailabilityMode.L2,
        var other => throw new FormatException($"Unknown DA mode {other}"),
    };

    /// <summary>Calls in the starknet.js shape: contractAddress/contract_address, entrypoint, calldata.</summary>
    public static Call[] Calls(JsonElement array) => array.EnumerateArray().Select(c =>
    {
        var to = c.TryGetProperty("contractAddress", out var a) ? Read(a) : c.Felt("contract_address");
        var selector = Selector.FromName(c.GetProperty("entrypoint").GetString()!);
        if (c.TryGetProperty("selector", out var s))
        {
            Assert.Equal(Read(s), selector);
        }
        return new Call(to, selector, c.Felts("calldata"));
    }).ToArray();
}
