using Starknet;

namespace Sessions;

/// <summary>The signer types of an Argent account (C05 <c>SignerType</c>, spec §2.7), with their Serde indices.</summary>
public enum SignerType
{
    /// <summary>A STARK-curve key; stored as the public key.</summary>
    Starknet = 0,

    /// <summary>An Ethereum-style secp256k1 key; stored as the 160-bit address (pubkey hash).</summary>
    Secp256k1 = 1,

    /// <summary>A secp256r1 key; stored as its GUID.</summary>
    Secp256r1 = 2,

    /// <summary>An EIP-191 signer; stored as the Ethereum address.</summary>
    Eip191 = 3,

    /// <summary>A WebAuthn (passkey) signer; stored as its GUID.</summary>
    Webauthn = 4,
}

/// <summary>
/// An owner or guardian as the account stores it (C05 <c>SignerStorageValue</c>): its type and one stored felt.
/// </summary>
/// <param name="Type">The signer type.</param>
/// <param name="StoredValue">The stored felt: the public key of a Starknet signer, an address for Secp256k1/Eip191,
/// the GUID for Secp256r1/Webauthn.</param>
public readonly record struct AccountSigner(SignerType Type, Felt StoredValue)
{
    private static readonly Felt s_secp256k1Prefix = CairoShortString.Encode("Secp256k1 Signer");
    private static readonly Felt s_eip191Prefix = CairoShortString.Encode("Eip191 Signer");

    /// <summary>A Starknet signer with the given stark key.</summary>
    /// <param name="publicKey">The stark key.</param>
    public static AccountSigner Starknet(Felt publicKey) => new(SignerType.Starknet, publicKey);

    /// <summary>
    /// The signer GUID as the account computes it from storage (C05 <c>SignerStorageValue.into_guid</c>):
    /// <c>H2('Starknet Signer', v)</c>, <c>H2('Secp256k1 Signer', v)</c>, <c>H2('Eip191 Signer', v)</c>, or the stored
    /// value itself for Secp256r1 and Webauthn.
    /// </summary>
    public Felt Guid => Type switch
    {
        SignerType.Starknet => SignerGuid.Starknet(StoredValue),
        SignerType.Secp256k1 => Poseidon.Hash(s_secp256k1Prefix, StoredValue),
        SignerType.Eip191 => Poseidon.Hash(s_eip191Prefix, StoredValue),
        _ => StoredValue,
    };
}
