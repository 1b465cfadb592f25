using Grpc.Core;

namespace Broker.Client.Internal;

/// <summary>The <c>authorization: Bearer &lt;token&gt;</c> metadata the clients send when given an API token.</summary>
internal static class ApiTokenHeader
{
    /// <summary>The header value for <paramref name="apiToken"/>, or null for none.</summary>
    /// <exception cref="ArgumentException">The token is blank or has characters a header value cannot carry.</exception>
    public static string? Value(string? apiToken)
    {
        if (apiToken is null)
        {
            return null;
        }
        if (string.IsNullOrWhiteSpace(apiToken) || apiToken.Any(c => c is < '!' or > '~'))
        {
            throw new ArgumentException("An API token is visible ASCII characters, with no spaces.", nameof(apiToken));
        }
        return "Bearer " + apiToken;
    }

    /// <summary>A fresh metadata with the header (gRPC may add to it), or null without a token.</summary>
    public static Metadata? Headers(string? value) => value is null ? null : new Metadata { { "authorization", value } };
}
