namespace Sessions;

/// <summary>
/// A session token or session authorization that does not deserialize. It names the felt where parsing stopped and
/// the field expected there, and gives the error string the account contract fails with on the same input.
/// </summary>
public sealed class SessionFormatException : FormatException
{
    /// <summary>Creates the exception with a message only (no position).</summary>
    public SessionFormatException()
        : this("The session data is malformed.")
    {
    }

    /// <summary>Creates the exception with a message only (no position).</summary>
    /// <param name="message">What is wrong.</param>
    public SessionFormatException(string message)
        : base(message)
    {
        Field = "";
        ContractError = SessionErrors.InvalidCalldata;
    }

    /// <summary>Creates the exception with a message and an inner exception (no position).</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public SessionFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Field = "";
        ContractError = SessionErrors.InvalidCalldata;
    }

    /// <summary>Creates the exception for a position in the parsed array.</summary>
    /// <param name="offset">Index of the felt where parsing stopped, in the array given to the parser.</param>
    /// <param name="field">The field expected at <paramref name="offset"/>, e.g. <c>session_signature.pubkey</c>.</param>
    /// <param name="problem">What is wrong, in a sentence without the position.</param>
    /// <param name="contractError">The error string the account reports for this input (see <see cref="SessionErrors"/>).</param>
    public SessionFormatException(int offset, string field, string problem, string contractError)
        : base($"{problem} (offset {offset}, field {field}); the account rejects it with '{contractError}'.")
    {
        Offset = offset;
        Field = field;
        ContractError = contractError;
    }

    /// <summary>Index of the felt where parsing stopped, in the array given to the parser (for a token, element 0 is
    /// the magic). For truncated input it is the array length.</summary>
    public int Offset { get; }

    /// <summary>The field expected at <see cref="Offset"/>, in the spec's naming (§8, §10).</summary>
    public string Field { get; }

    /// <summary>
    /// The error string the account 0.5.0 fails with on this input, e.g. <c>session/invalid-calldata</c>,
    /// <c>session/invalid-magic-value</c> or <c>Index out of bounds</c> (a span length beyond the data; Cairo 2.10
    /// slices such spans and panics). <see cref="SessionErrors.UnsupportedSignerType"/> marks input this library does
    /// not model rather than a contract error.
    /// </summary>
    public string ContractError { get; }
}
