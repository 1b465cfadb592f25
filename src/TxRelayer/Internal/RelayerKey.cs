using Starknet;

namespace TxRelayer.Internal;

/// <summary>
/// The private key of one relayer account, held for signing its transactions. It never leaves this type: no accessor,
/// ToString shows only the public key, Dispose overwrites the field. Signing is <see cref="Ecdsa.Sign"/> (constant time
/// in the key).
/// </summary>
internal sealed class RelayerKey : IDisposable
{
    private Felt _privateKey;
    private bool _disposed;

    public RelayerKey(Felt address, Felt privateKey)
    {
        if (!Ecdsa.IsValidPrivateKey(privateKey))
        {
            throw new ArgumentOutOfRangeException(nameof(privateKey), "A relayer key must be in [1, n).");
        }
        Address = address;
        _privateKey = privateKey;
        PublicKey = Ecdsa.GetPublicKey(privateKey);
    }

    public Felt Address { get; }

    public Felt PublicKey { get; }

    /// <summary>The plain-account signature <c>[r, s]</c> over a transaction hash the relayer computed itself.</summary>
    public Felt[] SignTransaction(Felt transactionHash)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var signature = Ecdsa.Sign(_privateKey, transactionHash);
        return [signature.R, signature.S];
    }

    public override string ToString() => $"RelayerKey({Address}, public {PublicKey})";

    public void Dispose()
    {
        _privateKey = default;
        _disposed = true;
    }
}
