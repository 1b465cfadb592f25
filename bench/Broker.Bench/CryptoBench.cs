using Starknet;
using Starknet.Transactions;

namespace Broker.Bench;

/// <summary>The `crypto` suite: one-thread cost of each Starknet primitive the services run per request.</summary>
internal static class CryptoBench
{
    // Results land here so the JIT cannot drop the work.
    private static Felt s_sink;

    public static IReadOnlyList<BenchOp> Operations()
    {
        var a = Felt.Parse("0x3d937c035c878245caf64531a5756109c53068da139362728feb561405371cb");
        var b = Felt.Parse("0x208a0a10250e382e1e4bbe2880906c2791bf6275695e02fbbc6aeff9cd8b31a");
        var ten = Enumerable.Range(1, 10).Select(i => Poseidon.Hash(a, (ulong)i)).ToArray();

        var oneCall = new InvokeTransactionV3
        {
            SenderAddress = Felt.Parse("0x54f8b8254a6c7d78998e64bdbae51174f3cbc1a535c2a882f7ab353d314e6b4"),
            Calldata = ExecuteCalldata.Encode([Call.ToEntryPoint(Felt.Parse("0x2ebf402f82a93f8dadc2d42ecc91461609dc76e190b50366a3e05645a51fbc"), "craft_item", 0x2a, 0x35c19172d9d2d)]),
            ChainId = CairoShortString.Encode("SN_SEPOLIA"),
            Nonce = 0xfc,
            ResourceBounds = new(new(0, 0x3e281c6c42a18), new(0x1daeb37, 0x6f09e993d6), new(0x62a, 0xa7d6730a77)),
            Tip = 0x6019b8,
        };

        return
        [
            new("felt mul", i => s_sink = a * (b + (ulong)i)),
            new("felt inverse", i => s_sink = (a + (ulong)i).Inverse()),
            new("poseidon H2", i => s_sink = Poseidon.Hash(a, (ulong)i)),
            new("poseidon Hm of 10 felts", i => { ten[0] = (ulong)i; s_sink = Poseidon.HashMany(ten); }),
            new("invoke v3 hash (one call)", i => s_sink = (oneCall with { Nonce = (ulong)i }).ComputeHash()),
        ];
    }
}
