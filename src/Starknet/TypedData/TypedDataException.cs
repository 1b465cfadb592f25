namespace Starknet;

/// <summary>
/// SNIP-12 typed data that cannot be parsed or encoded: malformed JSON, an unsupported revision, an unknown or
/// invalid type, a missing field, or a value of the wrong kind or out of range. The message starts with the path of
/// the offending element, e.g. <c>message.Calls[2].Calldata[0]: …</c> or <c>types.Session[1]: …</c>.
/// </summary>
public sealed class TypedDataException : FormatException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public TypedDataException()
        : base("Invalid SNIP-12 typed data.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and no path.</summary>
    /// <param name="message">What is wrong.</param>
    public TypedDataException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and an inner exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The underlying error, e.g. a <see cref="System.Text.Json.JsonException"/>.</param>
    public TypedDataException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for the element at <paramref name="path"/>; the message becomes <c>"{path}: {problem}"</c>.</summary>
    /// <param name="path">Where the problem is, e.g. <c>message.Calls[2].Calldata[0]</c>; null or empty for none.</param>
    /// <param name="problem">What is wrong there.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public TypedDataException(string? path, string problem, Exception? innerException = null)
        : base(string.IsNullOrEmpty(path) ? problem : $"{path}: {problem}", innerException)
    {
        Path = string.IsNullOrEmpty(path) ? null : path;
    }

    /// <summary>
    /// The path of the offending element (<c>message.…</c>, <c>domain.…</c>, <c>types.…</c>, or <c>value…</c> for
    /// <see cref="TypedData.StructHash"/>), or null when the problem is not tied to one element.
    /// </summary>
    public string? Path { get; }
}
