using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SessionBroker.Internal;

/// <summary>
/// An opaque list cursor: the index entry number the next page starts below, bound to the filter it was issued for.
/// Entries are numbered in registration order and never renumbered, so a cursor stays valid while new sessions arrive.
/// </summary>
internal static class PageToken
{
    private const string Version = "v1";

    public static string Encode(string index, long before) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes($"{Version}.{Tag(index)}.{before.ToString(CultureInfo.InvariantCulture)}"));

    public static bool TryDecode(string token, string index, out long before)
    {
        before = 0;
        if (token.Length > 128)
        {
            return false;
        }
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            return false;
        }
        var parts = Encoding.ASCII.GetString(bytes).Split('.');
        return parts.Length == 3 && parts[0] == Version && parts[1] == Tag(index)
            && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out before) && before > 0;
    }

    // A token from another filter is refused rather than silently paging the wrong list.
    private static string Tag(string index) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(index)), 0, 6);
}
