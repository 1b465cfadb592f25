using Sessions;
using Starknet;
using Starknet.Transactions;

namespace Broker.Bench;

/// <summary>The session operations: the session hash of a request, and the guardian's work per cosigned transaction.</summary>
internal static class SessionsBench
{
    // sessions.json case 0 (SN_SEPOLIA, one allowed method, x-sessions metadata, regular authorization).
    private const string Metadata = """{"projectID":"test-dapp","txFees":[{"tokenAddress":"0x49d36570d4e46f48e3674bbf0c3d5b7ad4f4f8e8a5ef25b6f2bdaa0f2e15ae2","maxAmount":"119751980692062789"}]}""";
    private const ulong ExpiresAt = 1811476297;

    private static readonly Felt s_chainId = CairoShortString.Encode("SN_SEPOLIA");
    private static readonly Felt s_account = Felt.Parse("0x54f8b8254a6c7d78998e64bdbae51174f3cbc1a535c2a882f7ab353d314e6b4");
    private static readonly Felt s_target = Felt.Parse("0x2ebf402f82a93f8dadc2d42ecc91461609dc76e190b50366a3e05645a51fbc");
    private static readonly Felt s_sessionPrivateKey = Felt.Parse("0x1609208f2c6a8cb3d7362b0b697522ed70c2cb127eef14ba53367bb5235c495");
    private static readonly Felt s_guardianPrivateKey = Felt.Parse("0x306613d6d59d8badc8cd6ac1f856011a7643c7d9b90cc0e0e6f6475e8496da3");
    private static readonly Felt s_sessionPublicKey = Ecdsa.GetPublicKey(s_sessionPrivateKey);

    // The expected answers, so a broken build cannot benchmark a wrong one.
    private static readonly Felt s_sessionHash = Felt.Parse("0xa0c74b918cfdf5d439a375cef9ec5adb61058d0ce804883f6922e5c4102d5b");
    private static readonly Felt s_transactionHash = Felt.Parse("0x20d407d4959a03bea4bd994c484b2cbe39e5ba462787a8d7ec919a0a1162f0a");
    private static readonly Felt s_message = Felt.Parse("0x5ca04e0d90ed88981128624e1d33b96af5a4e35880d1c0b22ea5b9548832994");
    private static readonly Felt s_guardianR = Felt.Parse("0x23c8f4a04e1cc0a1a55dab0bfee015f83d6b264049fe6163ed79860e7b53046");

    // Distinct transactions cosigned in turn, each with a valid session-key signature over its m.
    private const int TransactionCount = 64;

    // Results land here so the JIT cannot drop the work.
    private static Felt s_sink;

    public static IReadOnlyList<BenchOp> Operations()
    {
        var baseTransaction = new InvokeTransactionV3
        {
            SenderAddress = s_account,
            Calldata = ExecuteCalldata.Encode([Call.ToEntryPoint(s_target, "craft_item", Felt.Parse("0x17762ec5584f5c070ed61e195f11948cead6fea5cb5ebce24e916"), 0x35c19172d9d2d)]),
            ChainId = s_chainId,
            Nonce = 0xfc,
            ResourceBounds = new(new(0, 0x3e281c6c42a18), new(0x1daeb37, 0x6f09e993d6), new(0x62a, 0xa7d6730a77)),
            Tip = 0x6019b8,
        };

        var sessionHash = SessionHash(ExpiresAt);
        var selfCheckMessage = SessionMessage.Hash(baseTransaction.ComputeHash(), sessionHash, Felt.Zero);
        if (sessionHash != s_sessionHash || baseTransaction.ComputeHash() != s_transactionHash || selfCheckMessage != s_message
            || Ecdsa.Sign(s_guardianPrivateKey, selfCheckMessage).R != s_guardianR)
        {
            throw new InvalidOperationException("self-check failed: the sessions library gives wrong answers");
        }

        var transactions = new InvokeTransactionV3[TransactionCount];
        var sessionSignatures = new StarkSignature[TransactionCount];
        for (var k = 0; k < TransactionCount; k++)
        {
            transactions[k] = baseTransaction with { Nonce = 0xfc + (ulong)k };
            sessionSignatures[k] = Ecdsa.Sign(s_sessionPrivateKey, SessionMessage.Hash(transactions[k].ComputeHash(), sessionHash, Felt.Zero));
        }

        return
        [
            // Everything a session hash needs from a request: selector and leaf per method, Merkle root, metadata hash,
            // session key GUID, struct hash and message hash.
            new("session_hash", i => s_sink = SessionHash(ExpiresAt + (ulong)i)),
            // The guardian per transaction: INVOKE v3 hash of one call, m, the session key's signature checked with the
            // on-chain rule, and the guardian's signature over m.
            new("cosign_path", i =>
            {
                var k = (int)(i % TransactionCount);
                var m = SessionMessage.Hash(transactions[k].ComputeHash(), sessionHash, Felt.Zero);
                if (!Ecdsa.VerifyOnChain(m, s_sessionPublicKey, sessionSignatures[k]))
                {
                    throw new InvalidOperationException("the session key's signature did not verify");
                }
                s_sink = Ecdsa.Sign(s_guardianPrivateKey, m).R;
            }),
        ];
    }

    private static Felt SessionHash(ulong expiresAt) =>
        new SessionRequest(s_chainId, s_account, s_sessionPublicKey, expiresAt, [new AllowedMethod(s_target, "craft_item")], Metadata).SessionHash;
}
