using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Starknet;

/// <summary>
/// The path of the value being encoded, e.g. <c>message.Calls[2].Calldata[0]</c>. Segments are pushed and popped
/// as the encoder descends; the text is only built when an error is reported.
/// </summary>
internal sealed class EncodingPath(string root)
{
    private readonly List<(string? Name, int Index)> _segments = [];

    public void Push(string name) => _segments.Add((name, -1));

    public void Push(int index) => _segments.Add((null, index));

    public void Pop() => _segments.RemoveAt(_segments.Count - 1);

    /// <summary>Throws a <see cref="TypedDataException"/> for the current path.</summary>
    [DoesNotReturn]
    public void Fail(string problem) => throw new TypedDataException(ToString(), problem);

    public override string ToString()
    {
        var builder = new StringBuilder(root);
        foreach (var (name, index) in _segments)
        {
            if (name is null)
            {
                builder.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
            }
            else
            {
                builder.Append('.').Append(name);
            }
        }
        return builder.ToString();
    }
}
