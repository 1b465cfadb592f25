using System.Security.Cryptography;
using System.Text;

namespace Broker.Hosting.Grpc;

/// <summary>
/// The SHA-256 digests of the tokens a service accepts, and the check of a presented token against all of them: hashed
/// first, so the comparison is the same length whatever was presented, then compared with every digest in fixed time
/// (no early exit), so neither the comparison nor the number of tokens tells a caller how close it came.
/// </summary>
internal sealed class TokenDigests
{
    private readonly byte[][] _digests;

    public TokenDigests(IEnumerable<string> tokens)
    {
        _digests = tokens.Select(t => SHA256.HashData(Encoding.UTF8.GetBytes(t))).ToArray();
    }

    /// <summary>True when no token is accepted (the caller then admits everything).</summary>
    public bool IsEmpty => _digests.Length == 0;

    /// <summary>True when <paramref name="presented"/> is one of the tokens.</summary>
    public bool Matches(ReadOnlySpan<char> presented)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        var bytes = new byte[Encoding.UTF8.GetByteCount(presented)];
        Encoding.UTF8.GetBytes(presented, bytes);
        SHA256.HashData(bytes, digest);
        var match = false;
        foreach (var accepted in _digests)
        {
            match |= CryptographicOperations.FixedTimeEquals(accepted, digest);
        }
        return match;
    }
}
