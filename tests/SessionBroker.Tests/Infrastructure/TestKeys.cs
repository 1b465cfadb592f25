using Starknet;

namespace SessionBroker.Tests.Infrastructure;

/// <summary>Fixed keys and addresses of the tests (made-up values, not from any real chain).</summary>
internal static class TestKeys
{
    /// <summary><c>'SN_DEVNET'</c>, the devnet stand-in's default chain id.</summary>
    public static Felt ChainId { get; } = CairoShortString.Encode("SN_DEVNET");

    public static Felt OwnerPrivateKey { get; } = Felt.Parse("0x1f0e3d2c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff");
    public static Felt GuardianPrivateKey { get; } = Felt.Parse("0x2a1b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80");
    public static Felt StrangerPrivateKey { get; } = Felt.Parse("0x3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2");
    public static Felt OwnerPublicKey { get; } = Ecdsa.GetPublicKey(OwnerPrivateKey);
    public static Felt GuardianPublicKey { get; } = Ecdsa.GetPublicKey(GuardianPrivateKey);

    public static Felt Account { get; } = Felt.Parse("0x5a11ce00000000000000000000000000000000000000000000000000000a01");
    public static Felt OtherAccount { get; } = Felt.Parse("0x5a11ce00000000000000000000000000000000000000000000000000000a02");
    public static Felt GameContract { get; } = Felt.Parse("0x6a3e0000000000000000000000000000000000000000000000000000000001");
    public static Felt StrkToken { get; } = Felt.Parse("0x04718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d");
}
