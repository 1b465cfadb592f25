using Sessions;
using Starknet.Rpc;
using Starknet.Transactions;

namespace Starknet.Devnet.Tests.Support;

/// <summary>A small chain with fixed keys for the tests that do not read the vectors.</summary>
internal static class TestChain
{
    public const ulong StartTime = 1_800_000_123; // 2027, not on an hour boundary

    public static readonly UInt128 Strk = 1_000_000_000_000_000_000;

    public static Felt ChainId { get; } = CairoShortString.Encode("SN_SEPOLIA");

    public static Felt Account { get; } = Felt.Parse("0xa11ce0001");
    public static Felt OwnerKey { get; } = Felt.Parse("0x1111111111111111111111111111111111111111111111111111111111111");
    public static Felt GuardianKey { get; } = Felt.Parse("0x2222222222222222222222222222222222222222222222222222222222222");

    /// <summary>An Argent account without a guardian.</summary>
    public static Felt SoloAccount { get; } = Felt.Parse("0x5010002");
    public static Felt SoloOwnerKey { get; } = Felt.Parse("0x4444444444444444444444444444444444444444444444444444444444444");

    public static Felt Relayer { get; } = Felt.Parse("0x4e1a70003");
    public static Felt RelayerKey { get; } = Felt.Parse("0x3333333333333333333333333333333333333333333333333333333333333");

    public static Felt Game { get; } = Felt.Parse("0x6a3e0004");

    public static Felt SessionKey { get; } = Felt.Parse("0x5555555555555555555555555555555555555555555555555555555555555");

    public static Felt OwnerPublicKey { get; } = Ecdsa.GetPublicKey(OwnerKey);
    public static Felt GuardianPublicKey { get; } = Ecdsa.GetPublicKey(GuardianKey);

    public static DevnetGenesis Genesis(int blockTimeMs = 0) => new()
    {
        ChainId = ChainId,
        BlockTimeMilliseconds = blockTimeMs,
        ArgentAccounts =
        [
            new GenesisArgentAccount
            {
                Address = Account, OwnerPublicKey = OwnerPublicKey, GuardianPublicKey = GuardianPublicKey,
                OwnerPrivateKey = OwnerKey, GuardianPrivateKey = GuardianKey, Balance = 1000 * Strk,
            },
            new GenesisArgentAccount { Address = SoloAccount, OwnerPublicKey = Ecdsa.GetPublicKey(SoloOwnerKey), Balance = 1000 * Strk },
        ],
        RelayerAccounts = [new GenesisRelayerAccount { Address = Relayer, PublicKey = Ecdsa.GetPublicKey(RelayerKey), Balance = 1000 * Strk }],
        GameContracts = [Game],
    };

    /// <summary>Bounds well above what the devnet's gas model needs, with prices above the default gas prices.</summary>
    public static ResourceBoundsMapping Bounds { get; } = new(
        new ResourceBounds(0, 0),
        new ResourceBounds(20_000_000, 10_000_000_000),
        new ResourceBounds(5_000, 200_000_000_000));

    public static InvokeTransactionV3 Invoke(Felt sender, Felt nonce, IReadOnlyList<Call> calls, ResourceBoundsMapping? bounds = null, ulong tip = 0, Felt? version = null, Felt? chainId = null) => new()
    {
        SenderAddress = sender,
        Calldata = ExecuteCalldata.Encode(calls),
        ChainId = chainId ?? ChainId,
        Nonce = nonce,
        Version = version ?? TransactionVersion.V3,
        ResourceBounds = bounds ?? Bounds,
        Tip = tip,
    };

    /// <summary>Owner + guardian signature over the hash, regular <c>[2, 0, owner, r, s, 0, guardian, r, s]</c> or concise.</summary>
    public static BroadcastedInvokeV3 OwnerSigned(InvokeTransactionV3 tx, bool concise = false, Felt? ownerKey = null, Felt? guardianKey = null)
    {
        var hash = tx.ComputeHash();
        var owner = StarknetSignerSignature.Sign(ownerKey ?? OwnerKey, hash);
        Felt[] signature;
        if (guardianKey is { } g && g.IsZero)
        {
            signature = concise ? [owner.Signature.R, owner.Signature.S] : [1, .. owner.ToFelts()];
        }
        else
        {
            var guardian = StarknetSignerSignature.Sign(guardianKey ?? GuardianKey, hash);
            signature = concise
                ? [owner.Signature.R, owner.Signature.S, guardian.Signature.R, guardian.Signature.S]
                : [2, .. owner.ToFelts(), .. guardian.ToFelts()];
        }
        return new BroadcastedInvokeV3(tx, signature);
    }

    public static BroadcastedInvokeV3 RelayerSigned(InvokeTransactionV3 tx, Felt? key = null)
    {
        var s = Ecdsa.Sign(key ?? RelayerKey, tx.ComputeHash());
        return new BroadcastedInvokeV3(tx, [s.R, s.S]);
    }

    public static Call GameCall(string entryPoint, params Felt[] args) => Call.ToEntryPoint(Game, entryPoint, args);
}

/// <summary>A session of <see cref="TestChain.Account"/> with its key, and the tokens it signs (0.5.0 layout).</summary>
internal sealed class TestSession(SessionRequest request, Felt sessionKey, Felt ownerKey, Felt guardianKey)
{
    public SessionRequest Request { get; } = request;

    public Felt Hash => Request.SessionHash;

    public static TestSession Create(ulong expiresAt, params string[] gameEntryPoints) => new(
        new SessionRequest(TestChain.ChainId, TestChain.Account, Ecdsa.GetPublicKey(TestChain.SessionKey), expiresAt,
            [.. gameEntryPoints.Select(e => new AllowedMethod(TestChain.Game, e))], "{\"projectID\":\"devnet-tests\"}"),
        TestChain.SessionKey, TestChain.OwnerKey, TestChain.GuardianKey);

    /// <summary>The token for <paramref name="calls"/> over <paramref name="executionHash"/>.</summary>
    public Felt[] Token(Felt executionHash, IReadOnlyList<Call> calls)
    {
        var authorization = SessionAuthorization.Sign(Hash, ownerKey, guardianKey, SessionAuthorizationFormat.Regular).ToFelts();
        var m = SessionMessage.Hash(executionHash, Hash, Felt.Zero);
        return SessionToken.WithCacheOwnerGuid(Request.Session, Felt.Zero, authorization,
            StarknetSignerSignature.Sign(sessionKey, m), StarknetSignerSignature.Sign(guardianKey, m),
            Request.AllowedMethodsTree.GetProofs(calls)).ToFelts();
    }

    public BroadcastedInvokeV3 Sign(InvokeTransactionV3 tx, IReadOnlyList<Call> calls) => new(tx, Token(tx.ComputeHash(), calls));
}
