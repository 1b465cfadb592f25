using Starknet;

namespace Sessions;

/// <summary>
/// A Starknet <c>SignerSignature</c> (spec §8, §10, C05 <c>signer_signature.cairo</c>): the signer's stark key and an
/// ECDSA signature, serialized as <c>[0, pubkey, r, s]</c> (0 = the Starknet variant).
/// </summary>
/// <param name="PublicKey">The signer's stark key (x-coordinate), non-zero.</param>
/// <param name="Signature">The signature (r, s).</param>
public readonly record struct StarknetSignerSignature(Felt PublicKey, StarkSignature Signature)
{
    /// <summary>The Serde variant index of a Starknet signer: 0.</summary>
    public const int StarknetVariant = 0;

    /// <summary>The number of felts in the serialized form: 4.</summary>
    public const int SerializedLength = 4;

    /// <summary>The signer's GUID, <c>H2('Starknet Signer', PublicKey)</c> (spec §2.7).</summary>
    public Felt Guid => SignerGuid.Starknet(PublicKey);

    /// <summary>Signs <paramref name="hash"/> with <paramref name="privateKey"/> (deterministic, as starknet.js).</summary>
    /// <param name="privateKey">The private key, in [1, n).</param>
    /// <param name="hash">The hash to sign, below 2^251.</param>
    /// <exception cref="ArgumentOutOfRangeException">The key or the hash is out of range.</exception>
    public static StarknetSignerSignature Sign(Felt privateKey, Felt hash) =>
        new(Ecdsa.GetPublicKey(privateKey), Ecdsa.Sign(privateKey, hash));

    /// <summary>The serialized form <c>[0, pubkey, r, s]</c>.</summary>
    public Felt[] ToFelts() => [StarknetVariant, PublicKey, Signature.R, Signature.S];

    /// <summary>Writes <c>[0, pubkey, r, s]</c> at the start of <paramref name="destination"/>.</summary>
    /// <param name="destination">At least 4 felts.</param>
    public void WriteTo(Span<Felt> destination)
    {
        destination[0] = StarknetVariant;
        destination[1] = PublicKey;
        destination[2] = Signature.R;
        destination[3] = Signature.S;
    }
}
