using Starknet;
using Starknet.Transactions;

namespace Broker.Bench;

/// <summary>The `crypto` suite: one-thread cost of each Starknet primitive the services run per request.</summary>
internal static class CryptoBench
{
    // A session request as a wallet signs it (sessions.json case 0, one allowed method, x-sessions metadata).
    private const string SessionTypedData = """
        {"types":{"StarknetDomain":[{"name":"name","type":"shortstring"},{"name":"version","type":"shortstring"},{"name":"chainId","type":"shortstring"},{"name":"revision","type":"shortstring"}],"Allowed Method":[{"name":"Contract Address","type":"ContractAddress"},{"name":"selector","type":"selector"}],"Session":[{"name":"Expires At","type":"timestamp"},{"name":"Allowed Methods","type":"merkletree","contains":"Allowed Method"},{"name":"Metadata","type":"string"},{"name":"Session Key","type":"felt"}]},"primaryType":"Session","domain":{"name":"SessionAccount.session","version":"0x31","chainId":"0x534e5f5345504f4c4941","revision":"1"},"message":{"Expires At":1811476297,"Allowed Methods":[{"Contract Address":"0x2ebf402f82a93f8dadc2d42ecc91461609dc76e190b50366a3e05645a51fbc","selector":"craft_item"}],"Metadata":"{\"projectID\":\"test-dapp\",\"txFees\":[{\"tokenAddress\":\"0x49d36570d4e46f48e3674bbf0c3d5b7ad4f4f8e8a5ef25b6f2bdaa0f2e15ae2\",\"maxAmount\":\"119751980692062789\"}]}","Session Key":"0x2ee46e10f33965623858b8ce3e07861c5768e90e3071a464d524562f45adfa7"}}
        """;

    private static readonly Felt s_sessionAccount = Felt.Parse("0x54f8b8254a6c7d78998e64bdbae51174f3cbc1a535c2a882f7ab353d314e6b4");

    /// <summary>The expected hash, so a broken build cannot benchmark a wrong answer.</summary>
    private static readonly Felt s_sessionHash = Felt.Parse("0xa0c74b918cfdf5d439a375cef9ec5adb61058d0ce804883f6922e5c4102d5b");

    // Results land here so the JIT cannot drop the work.
    private static Felt s_sink;

    public static IReadOnlyList<BenchOp> Operations()
    {
        var a = Felt.Parse("0x3d937c035c878245caf64531a5756109c53068da139362728feb561405371cb");
        var b = Felt.Parse("0x208a0a10250e382e1e4bbe2880906c2791bf6275695e02fbbc6aeff9cd8b31a");
        // Felts as they travel in gRPC fields and JSON-RPC: minimal 0x hex, 63 or 64 digits for random values.
        var hexes = Enumerable.Range(0, 16).Select(k => (a * (b + (ulong)k)).ToString()).ToArray();
        var chars = new char[66];
        var ten = Enumerable.Range(1, 10).Select(i => Poseidon.Hash(a, (ulong)i)).ToArray();
        var many = Enumerable.Range(1, 480).Select(i => Poseidon.Hash(b, (ulong)i)).ToArray();

        var oneCall = new InvokeTransactionV3
        {
            SenderAddress = Felt.Parse("0x54f8b8254a6c7d78998e64bdbae51174f3cbc1a535c2a882f7ab353d314e6b4"),
            Calldata = ExecuteCalldata.Encode([Call.ToEntryPoint(Felt.Parse("0x2ebf402f82a93f8dadc2d42ecc91461609dc76e190b50366a3e05645a51fbc"), "craft_item", 0x2a, 0x35c19172d9d2d)]),
            ChainId = CairoShortString.Encode("SN_SEPOLIA"),
            Nonce = 0xfc,
            ResourceBounds = new(new(0, 0x3e281c6c42a18), new(0x1daeb37, 0x6f09e993d6), new(0x62a, 0xa7d6730a77)),
            Tip = 0x6019b8,
        };

        var privateKey = Felt.Parse("0x176b5d61ba23557ac03d5352f18f77b86cbf364d02e7b5135d9163192526b85");
        var publicPoint = Ecdsa.GetPublicKeyPoint(privateKey);
        var publicKey = publicPoint.X;
        var message = Felt.Parse("0x20d407d4959a03bea4bd994c484b2cbe39e5ba462787a8d7ec919a0a1162f0a");
        var signature = Ecdsa.Sign(privateKey, message);
        // More keys than the verifier keeps tables for, used in turn: each verification is a first use (no table).
        var freshKeys = Enumerable.Range(1, Starknet.Curve.PublicKeyTables.MaxKeys + 88).Select(k =>
        {
            var key = privateKey + (ulong)k;
            return (Key: Ecdsa.GetPublicKey(key), Signature: Ecdsa.Sign(key, message));
        }).ToArray();
        if (!Ecdsa.VerifyOnChain(message, publicKey, signature) || TypedData.Parse(SessionTypedData).MessageHash(s_sessionAccount) != s_sessionHash)
        {
            throw new InvalidOperationException("self-check failed: the library gives wrong answers");
        }

        return
        [
            new("pedersen(a,b)", i => s_sink = Pedersen.Hash(a, b + (ulong)i)),
            new("felt mul", i => s_sink = a * (b + (ulong)i)),
            new("felt mul chain of 100 (latency)", i =>
            {
                var x = a + (ulong)i;
                for (var k = 0; k < 100; k++)
                {
                    x *= b;
                }
                s_sink = x;
            }),
            new("felt inverse", i => s_sink = (a + (ulong)i).Inverse()),
            new("felt inverse (variable time)", i => s_sink = Starknet.Curve.VarTimeInverse.Invert(a + (ulong)i)),
            new("felt parse (0x hex, 64 digits)", i => s_sink = Felt.Parse(hexes[i & 15])),
            new("felt format (0x hex)", i => s_sink = a.TryFormat(chars, out var n, default, null) ? (ulong)(n + i) : Felt.Zero),
            new("poseidon H2", i => s_sink = Poseidon.Hash(a, (ulong)i)),
            new("poseidon Hm of 10 felts", i => { ten[0] = (ulong)i; s_sink = Poseidon.HashMany(ten); }),
            new("poseidon Hm of 480 felts", i => { many[0] = (ulong)i; s_sink = Poseidon.HashMany(many); }),
            new("get_public_key", i => s_sink = Ecdsa.GetPublicKey(privateKey + (ulong)i)),
            new("sign", i => s_sink = Ecdsa.Sign(privateKey, message + (ulong)i).R),
            new("verify (on-chain rule)", i => s_sink = Ecdsa.VerifyOnChain(message, publicKey, signature) ? Felt.One : (ulong)i),
            new("verify (on-chain rule, new key)", i =>
            {
                var (key, keySignature) = freshKeys[(int)(i % freshKeys.Length)];
                s_sink = Ecdsa.VerifyOnChain(message, key, keySignature) ? Felt.One : (ulong)i;
            }),
            new("key table for verification (per key)", i => s_sink = Starknet.Curve.PublicKeyTables.Build(publicKey).Entry(0, 1).X + (ulong)i),
            new("verify (library rule)", i => s_sink = Ecdsa.VerifyLibrary(message, publicPoint, signature) ? Felt.One : (ulong)i),
            new("invoke v3 hash (one call)", i => s_sink = (oneCall with { Nonce = (ulong)i }).ComputeHash()),
            new("snip12 session message hash", i => s_sink = TypedData.Parse(SessionTypedData).MessageHash(s_sessionAccount + (ulong)(i & 1))),
        ];
    }
}
