using Starknet.Keys;

namespace GuardianSigner.Keys;

/// <summary>
/// The guardian key's keystore file: the format of <see cref="StarkKeystore"/> (AES-256-GCM under a PBKDF2-HMAC-SHA256
/// key, public key and parameters authenticated), shared with the relayer's account keys.
/// </summary>
internal static class Keystore
{
    public const int DefaultIterations = StarkKeystore.DefaultIterations;
    public const int MinIterations = StarkKeystore.MinIterations;

    /// <summary>Encrypts a private key into keystore JSON.</summary>
    public static string Encrypt(Starknet.Felt privateKey, string password, int iterations = DefaultIterations) =>
        StarkKeystore.Encrypt(privateKey, password, iterations);

    /// <summary>The public key recorded in a keystore (no password needed).</summary>
    public static Starknet.Felt ReadPublicKey(string json)
    {
        try
        {
            return StarkKeystore.ReadPublicKey(json);
        }
        catch (StarkKeystoreException e)
        {
            throw new KeystoreException(e.Message);
        }
    }

    /// <summary>Decrypts a keystore; the key is checked against the recorded public key.</summary>
    /// <exception cref="KeystoreException">Malformed file, unsupported parameters, or a wrong password.</exception>
    public static GuardianKey Decrypt(string json, string password)
    {
        try
        {
            return new GuardianKey(StarkKeystore.Decrypt(json, password));
        }
        catch (StarkKeystoreException e)
        {
            throw new KeystoreException(e.Message);
        }
    }
}

/// <summary>The keystore could not be read or unlocked. Messages never contain key material or the password.</summary>
internal sealed class KeystoreException(string message) : Exception(message);
