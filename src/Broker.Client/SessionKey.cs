using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Broker.Client.Internal;
using Sessions;
using Starknet;

namespace Broker.Client;

/// <summary>
/// A session key pair (spec §1 step 1): a throw-away STARK key the game server generates, registers with the broker and
/// signs every session transaction's message <c>m</c> with. The private key never leaves this object except through
/// <see cref="SaveAsync(ISessionKeyStore, string, CancellationToken)"/> or <see cref="SaveToFileAsync"/>; it is never
/// sent to the broker and never appears in <see cref="ToString"/>.
/// </summary>
public sealed class SessionKey
{
    private const int FormatVersion = 1;
    private readonly Felt _privateKey;

    private SessionKey(Felt privateKey)
    {
        _privateKey = privateKey;
        PublicKey = Ecdsa.GetPublicKey(privateKey);
        Guid = SignerGuid.Starknet(PublicKey);
    }

    /// <summary>The public key (stark key, the x-coordinate), what the session request carries.</summary>
    public Felt PublicKey { get; }

    /// <summary><c>H2('Starknet Signer', PublicKey)</c>, the session request's <c>"Session Key"</c> (spec §7).</summary>
    public Felt Guid { get; }

    /// <summary>A fresh key from the operating system's cryptographic random generator.</summary>
    public static SessionKey Generate() => new(Ecdsa.GeneratePrivateKey());

    /// <summary>A key from its private scalar, for keys kept elsewhere.</summary>
    /// <param name="privateKey">The private key, in [1, n).</param>
    /// <exception cref="ArgumentOutOfRangeException">The key is 0 or not below the curve order.</exception>
    public static SessionKey FromPrivateKey(Felt privateKey) => Ecdsa.IsValidPrivateKey(privateKey)
        ? new SessionKey(privateKey)
        : throw new ArgumentOutOfRangeException(nameof(privateKey), "A private key must be in [1, n).");

    /// <summary>Signs a hash (deterministic, as starknet.js signs).</summary>
    /// <param name="messageHash">The hash, below 2^251.</param>
    /// <exception cref="ArgumentOutOfRangeException">The hash is not below 2^251.</exception>
    public StarkSignature Sign(Felt messageHash) => Ecdsa.Sign(_privateKey, messageHash);

    /// <summary>
    /// Signs the per-transaction message <c>m = Hm([executionHash, sessionHash, cacheOwnerGuid])</c> (spec §9), locally.
    /// </summary>
    /// <param name="executionHash">The INVOKE v3 transaction hash or the SNIP-9 v2 message hash.</param>
    /// <param name="sessionHash">The session hash.</param>
    /// <param name="cacheOwnerGuid">0 (no authorization caching) or the owner GUID (account 0.5.0 caching, spec §13.5).</param>
    /// <returns>The session signature as it goes into the token: <c>[0, PublicKey, r, s]</c>.</returns>
    public StarknetSignerSignature SignTransaction(Felt executionHash, Felt sessionHash, Felt cacheOwnerGuid = default) =>
        new(PublicKey, Sign(SessionMessage.Hash(executionHash, sessionHash, cacheOwnerGuid)));

    /// <summary>The key's public part only; the private key is never formatted.</summary>
    public override string ToString() => $"SessionKey {PublicKey}";

    /// <summary>
    /// Writes the key to <paramref name="path"/>, readable and writable by the current user only (mode 0600 on Unix). The
    /// file is written next to its final place and then moved over it, so a reader never sees half a key.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task SaveToFileAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = Serialize();
        try
        {
            await KeyFiles.WriteAsync(path, bytes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>
    /// Reads a key written by <see cref="SaveToFileAsync"/>. On Unix the file must not be accessible by group or others
    /// (as ssh refuses such private keys).
    /// </summary>
    /// <param name="path">The key file.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="SessionKeyFormatException">The file is not a session key, or is open to other users.</exception>
    public static async Task<SessionKey> LoadFromFileAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = await KeyFiles.ReadAsync(path, cancellationToken).ConfigureAwait(false)
            ?? throw new FileNotFoundException("There is no session key file.", path);
        try
        {
            return Deserialize(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Stores the key under <paramref name="name"/> in a caller-provided secret store.</summary>
    /// <param name="store">The secret store (a vault, a KMS-encrypted blob, <see cref="FileSessionKeyStore"/>…).</param>
    /// <param name="name">The key's name in the store.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task SaveAsync(ISessionKeyStore store, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var bytes = Serialize();
        try
        {
            await store.SaveAsync(name, bytes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Loads the key stored under <paramref name="name"/>, or null when the store has none.</summary>
    /// <param name="store">The secret store.</param>
    /// <param name="name">The key's name in the store.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="SessionKeyFormatException">The stored bytes are not a session key.</exception>
    public static async Task<SessionKey?> LoadAsync(ISessionKeyStore store, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var bytes = await store.LoadAsync(name, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return null;
        }
        try
        {
            return Deserialize(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    // {"version":1,"privateKey":"0x…","publicKey":"0x…"}: the public key lets a load detect a corrupted private key.
    // The private key is formatted and parsed on the stack, never as a string (best effort: the bytes handed to a
    // store are zeroed by the callers, the Felt itself is a struct copy).
    private byte[] Serialize()
    {
        Span<char> digits = stackalloc char[66];
        _privateKey.TryFormat(digits, out var length, default, null);
        var prefix = $"{{\"version\":{FormatVersion},\"privateKey\":\"";
        var suffix = $"\",\"publicKey\":\"{PublicKey}\"}}";
        var bytes = new byte[prefix.Length + length + suffix.Length];
        Encoding.ASCII.GetBytes(prefix, bytes);
        Encoding.ASCII.GetBytes(digits[..length], bytes.AsSpan(prefix.Length));
        Encoding.ASCII.GetBytes(suffix, bytes.AsSpan(prefix.Length + length));
        digits.Clear();
        return bytes;
    }

    private static SessionKey Deserialize(byte[] bytes)
    {
        int? version = null;
        Felt? privateKey = null;
        Felt? publicKey = null;
        Span<char> text = stackalloc char[80];
        try
        {
            var reader = new Utf8JsonReader(bytes);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new SessionKeyFormatException("The data is not a version 1 session key.");
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                if (name == "version" && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var v))
                {
                    version = v;
                }
                else if (name is "privateKey" or "publicKey" && reader.TokenType == JsonTokenType.String
                    && !reader.ValueIsEscaped && reader.ValueSpan.Length <= text.Length)
                {
                    var length = Encoding.ASCII.GetChars(reader.ValueSpan, text);
                    if (!Felt.TryParse(text[..length], out var felt))
                    {
                        continue;
                    }
                    if (name == "privateKey")
                    {
                        privateKey = felt;
                    }
                    else
                    {
                        publicKey = felt;
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException e)
        {
            // The message of a JsonException may quote the input; keep it out.
            throw new SessionKeyFormatException("The data is not JSON.", e.GetType());
        }
        finally
        {
            text.Clear();
        }
        if (version != FormatVersion || privateKey is not { } scalar || !Ecdsa.IsValidPrivateKey(scalar))
        {
            throw new SessionKeyFormatException("The data is not a version 1 session key.");
        }
        var key = new SessionKey(scalar);
        if (publicKey is { } stored && stored != key.PublicKey)
        {
            throw new SessionKeyFormatException("The stored public key does not match the private key; the key is corrupted.");
        }
        return key;
    }
}

/// <summary>Stored session key data that cannot be read. The message never contains key material.</summary>
public sealed class SessionKeyFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SessionKeyFormatException()
        : this("The session key data is malformed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong.</param>
    public SessionKeyFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public SessionKeyFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    internal SessionKeyFormatException(string message, Type causeType)
        : base($"{message} ({causeType.Name})")
    {
    }
}
