namespace Starknet;

/// <summary>
/// Signer GUIDs as Argent accounts compute them (spec §2.7, C05 <c>signer_signature.cairo</c>): the identifier an
/// account stores for an owner, guardian or session key.
/// </summary>
public static class SignerGuid
{
    /// <summary><c>'Starknet Signer'</c>, the prefix of a Starknet (STARK-curve) signer's GUID.</summary>
    public static Felt StarknetSignerPrefix { get; } = Felt.Parse("0x537461726b6e6574205369676e6572");

    /// <summary>The GUID of a Starknet signer: <c>H2('Starknet Signer', public_key)</c>.</summary>
    /// <param name="publicKey">The stark key (x-coordinate of the public point).</param>
    public static Felt Starknet(Felt publicKey) => Poseidon.Hash(StarknetSignerPrefix, publicKey);
}
