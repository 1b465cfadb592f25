using System.Text.RegularExpressions;
using Broker.Client.Internal;

namespace Broker.Client;

/// <summary>
/// Where a game server keeps its session keys: a secret manager, an encrypted blob, or <see cref="FileSessionKeyStore"/>.
/// The bytes are the serialized private key; an implementation must keep them from other users and never log them.
/// </summary>
public interface ISessionKeyStore
{
    /// <summary>Stores (creates or replaces) the secret under <paramref name="name"/>.</summary>
    /// <param name="name">The key's name.</param>
    /// <param name="secret">The serialized key; the caller zeroes it after the call returns.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    Task SaveAsync(string name, ReadOnlyMemory<byte> secret, CancellationToken cancellationToken);

    /// <summary>The secret stored under <paramref name="name"/>, or null. The caller zeroes the returned array.</summary>
    /// <param name="name">The key's name.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<byte[]?> LoadAsync(string name, CancellationToken cancellationToken);
}

/// <summary>
/// Session keys as files <c>{name}.session-key.json</c> in one directory, each readable by the current user only
/// (mode 0600 on Unix; the directory is created with mode 0700).
/// </summary>
public sealed partial class FileSessionKeyStore : ISessionKeyStore
{
    private readonly string _directory;

    /// <summary>Creates the store.</summary>
    /// <param name="directory">The directory holding the key files; created when missing.</param>
    public FileSessionKeyStore(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        _directory = Path.GetFullPath(directory);
    }

    /// <inheritdoc />
    public Task SaveAsync(string name, ReadOnlyMemory<byte> secret, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        KeyFiles.CreatePrivateDirectory(_directory);
        return KeyFiles.WriteAsync(path, secret, cancellationToken);
    }

    /// <inheritdoc />
    /// <exception cref="SessionKeyFormatException">The key file is accessible by other users (Unix).</exception>
    public Task<byte[]?> LoadAsync(string name, CancellationToken cancellationToken) => KeyFiles.ReadAsync(PathOf(name), cancellationToken);

    private string PathOf(string name) => ValidName().IsMatch(name)
        ? Path.Combine(_directory, name + ".session-key.json")
        : throw new ArgumentException("A key name is 1 to 100 letters, digits, '-', '_' or '.', not starting with '.'.", nameof(name));

    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$", RegexOptions.CultureInvariant)]
    private static partial Regex ValidName();
}
