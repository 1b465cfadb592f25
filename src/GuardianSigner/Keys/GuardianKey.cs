using Starknet;

namespace GuardianSigner.Keys;

/// <summary>
/// The guardian's private key, held for signing. It never leaves this type: there is no accessor, ToString shows
/// only the public key, and Dispose overwrites the field. Signing goes through <see cref="Ecdsa.Sign"/>, which is
/// constant time in the key.
/// </summary>
internal sealed class GuardianKey : IDisposable
{
    private Felt _privateKey;
    private bool _disposed;

    public GuardianKey(Felt privateKey)
    {
        if (!Ecdsa.IsValidPrivateKey(privateKey))
        {
            throw new ArgumentOutOfRangeException(nameof(privateKey), "The guardian key must be in [1, n).");
        }
        _privateKey = privateKey;
        PublicKey = Ecdsa.GetPublicKey(privateKey);
        Guid = SignerGuid.Starknet(PublicKey);
    }

    /// <summary>The guardian's stark key.</summary>
    public Felt PublicKey { get; }

    /// <summary>H2('Starknet Signer', PublicKey).</summary>
    public Felt Guid { get; }

    /// <summary>Signs a hash the guardian computed itself.</summary>
    public StarkSignature Sign(Felt hash)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Ecdsa.Sign(_privateKey, hash);
    }

    public override string ToString() => $"GuardianKey(public {PublicKey})";

    public void Dispose()
    {
        _privateKey = default;
        _disposed = true;
    }
}
