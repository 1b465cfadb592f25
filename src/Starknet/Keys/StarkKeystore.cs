using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Starknet.Keys;

/// <summary>
/// An encrypted keystore file holding one STARK private key (the broker's guardian key, a relayer account's key): the
/// 32-byte big-endian private key encrypted with AES-256-GCM under a key derived from a password with
/// PBKDF2-HMAC-SHA256. The public key, format version and KDF parameters are bound to the ciphertext as associated
/// data, so editing any of them makes decryption fail. Messages never contain key material or the password.
/// </summary>
/// <remarks>
/// <code>
/// { "version": 1, "publicKey": "0x…", "kdf": "pbkdf2-hmac-sha256", "iterations": 600000, "salt": "base64 (16 B)",
///   "cipher": "aes-256-gcm", "nonce": "base64 (12 B)", "ciphertext": "base64 (32 B)", "tag": "base64 (16 B)" }
/// </code>
/// 600,000 iterations is OWASP's 2023 figure for PBKDF2-SHA256; files below <see cref="MinIterations"/> are refused.
/// </remarks>
public static class StarkKeystore
{
    /// <summary>The file format version written and read: 1.</summary>
    public const int Version = 1;

    /// <summary>The key derivation function: PBKDF2 with HMAC-SHA256.</summary>
    public const string KdfName = "pbkdf2-hmac-sha256";

    /// <summary>The cipher: AES-256 in GCM mode (16-byte tag).</summary>
    public const string CipherName = "aes-256-gcm";

    /// <summary>PBKDF2 iterations of new files (OWASP 2023 for PBKDF2-SHA256).</summary>
    public const int DefaultIterations = 600_000;

    /// <summary>Files with fewer iterations are refused.</summary>
    public const int MinIterations = 100_000;
    private const int MaxIterations = 10_000_000;
    private const int SaltLength = 16;
    private const int KeyLength = 32;

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Encrypts a private key into keystore JSON.</summary>
    /// <param name="privateKey">The key, in [1, n).</param>
    /// <param name="password">The password (non-empty).</param>
    /// <param name="iterations">PBKDF2 iterations, from <see cref="MinIterations"/> to 10,000,000.</param>
    public static string Encrypt(Felt privateKey, string password, int iterations = DefaultIterations)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinIterations);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(iterations, MaxIterations);
        var publicKey = Ecdsa.GetPublicKey(privateKey);
        var salt = RandomNumberGenerator.GetBytes(SaltLength);
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var plaintext = new byte[KeyLength];
        var derived = new byte[KeyLength];
        try
        {
            privateKey.WriteBigEndian(plaintext);
            DeriveKey(password, salt, iterations, derived);
            var file = new KeystoreFile
            {
                Version = Version,
                PublicKey = publicKey.ToString(),
                Kdf = KdfName,
                Iterations = iterations,
                Salt = Convert.ToBase64String(salt),
                Cipher = CipherName,
                Nonce = Convert.ToBase64String(nonce),
            };
            var ciphertext = new byte[KeyLength];
            var tag = new byte[AesGcm.TagByteSizes.MaxSize];
            using (var aes = new AesGcm(derived, tag.Length))
            {
                aes.Encrypt(nonce, plaintext, ciphertext, tag, AssociatedData(file));
            }
            return JsonSerializer.Serialize(file with
            {
                Ciphertext = Convert.ToBase64String(ciphertext),
                Tag = Convert.ToBase64String(tag),
            }, s_json);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
            CryptographicOperations.ZeroMemory(derived);
        }
    }

    /// <summary>The public key recorded in a keystore (no password needed).</summary>
    /// <param name="json">The keystore file's content.</param>
    /// <exception cref="StarkKeystoreException">The file is malformed.</exception>
    public static Felt ReadPublicKey(string json) => ParsePublicKey(Read(json));

    /// <summary>Decrypts a keystore; the key is checked against the recorded public key.</summary>
    /// <param name="json">The keystore file's content.</param>
    /// <param name="password">The password.</param>
    /// <returns>The private key; the caller keeps it out of logs and answers.</returns>
    /// <exception cref="StarkKeystoreException">Malformed file, unsupported parameters, or a wrong password.</exception>
    public static Felt Decrypt(string json, string password)
    {
        if (string.IsNullOrEmpty(password)) throw new StarkKeystoreException("The keystore password is empty.");
        var file = Read(json);
        var publicKey = ParsePublicKey(file);
        if (file.Version != Version) throw new StarkKeystoreException($"Unsupported keystore version {file.Version}.");
        if (file.Kdf != KdfName) throw new StarkKeystoreException($"Unsupported KDF '{file.Kdf}' (expected {KdfName}).");
        if (file.Cipher != CipherName) throw new StarkKeystoreException($"Unsupported cipher '{file.Cipher}' (expected {CipherName}).");
        if (file.Iterations is < MinIterations or > MaxIterations)
        {
            throw new StarkKeystoreException($"The keystore's iteration count {file.Iterations} is outside [{MinIterations}, {MaxIterations}].");
        }
        var salt = Base64(file.Salt, "salt", SaltLength);
        var nonce = Base64(file.Nonce, "nonce", AesGcm.NonceByteSizes.MaxSize);
        var ciphertext = Base64(file.Ciphertext, "ciphertext", KeyLength);
        var tag = Base64(file.Tag, "tag", AesGcm.TagByteSizes.MaxSize);

        var plaintext = new byte[KeyLength];
        var derived = new byte[KeyLength];
        try
        {
            DeriveKey(password, salt, file.Iterations, derived);
            try
            {
                using var aes = new AesGcm(derived, tag.Length);
                aes.Decrypt(nonce, ciphertext, tag, plaintext, AssociatedData(file));
            }
            catch (AuthenticationTagMismatchException)
            {
                throw new StarkKeystoreException("Wrong keystore password, or the keystore file was modified.");
            }
            if (!Felt.TryFromBytesBigEndian(plaintext, out var privateKey) || !Ecdsa.IsValidPrivateKey(privateKey))
            {
                throw new StarkKeystoreException("The keystore does not hold a valid STARK private key.");
            }
            if (Ecdsa.GetPublicKey(privateKey) != publicKey)
            {
                throw new StarkKeystoreException("The decrypted key does not match the keystore's public key.");
            }
            return privateKey;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
            CryptographicOperations.ZeroMemory(derived);
        }
    }

    private static void DeriveKey(string password, byte[] salt, int iterations, Span<byte> destination)
    {
        var passwordBytes = Encoding.UTF8.GetBytes(password);
        try
        {
            Rfc2898DeriveBytes.Pbkdf2(passwordBytes, salt, destination, iterations, HashAlgorithmName.SHA256);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
        }
    }

    // Everything but the ciphertext and tag is authenticated. The label predates the relayer's use of the format and
    // stays, so existing files keep opening.
    private static byte[] AssociatedData(KeystoreFile file) => Encoding.UTF8.GetBytes(
        $"broker-guardian-keystore|v{file.Version}|{file.PublicKey}|{file.Kdf}|{file.Iterations}|{file.Salt}|{file.Cipher}|{file.Nonce}");

    private static KeystoreFile Read(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<KeystoreFile>(json) ?? throw new StarkKeystoreException("The keystore file is empty.");
        }
        catch (JsonException ex)
        {
            throw new StarkKeystoreException($"The keystore file is not valid JSON: {ex.Message}");
        }
    }

    private static Felt ParsePublicKey(KeystoreFile file) =>
        Felt.TryParse(file.PublicKey, out var key) && !key.IsZero
            ? key
            : throw new StarkKeystoreException("The keystore's publicKey is missing or not a felt.");

    private static byte[] Base64(string? value, string name, int length)
    {
        try
        {
            var bytes = Convert.FromBase64String(value ?? "");
            return bytes.Length == length ? bytes : throw new StarkKeystoreException($"The keystore's {name} must be {length} bytes.");
        }
        catch (FormatException)
        {
            throw new StarkKeystoreException($"The keystore's {name} is not base64.");
        }
    }

    private sealed record KeystoreFile
    {
        [JsonPropertyName("version")] public int Version { get; init; }
        [JsonPropertyName("publicKey")] public string? PublicKey { get; init; }
        [JsonPropertyName("kdf")] public string? Kdf { get; init; }
        [JsonPropertyName("iterations")] public int Iterations { get; init; }
        [JsonPropertyName("salt")] public string? Salt { get; init; }
        [JsonPropertyName("cipher")] public string? Cipher { get; init; }
        [JsonPropertyName("nonce")] public string? Nonce { get; init; }
        [JsonPropertyName("ciphertext")] public string? Ciphertext { get; init; }
        [JsonPropertyName("tag")] public string? Tag { get; init; }
    }
}

/// <summary>The keystore could not be read or unlocked. Messages never contain key material or the password.</summary>
public sealed class StarkKeystoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StarkKeystoreException()
        : this("The keystore could not be read.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong (never key material).</param>
    public StarkKeystoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public StarkKeystoreException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
