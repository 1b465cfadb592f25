using System.Globalization;
using Broker.Client;

namespace Broker.Demo;

/// <summary>Percentiles (nearest rank) of latencies in milliseconds.</summary>
public static class Latency
{
    public static double Percentile(IReadOnlyCollection<double> milliseconds, double percentile)
    {
        ArgumentNullException.ThrowIfNull(milliseconds);
        if (milliseconds.Count == 0)
        {
            return double.NaN;
        }
        var sorted = milliseconds.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>The spec's spelling of a state: <c>ACCEPTED_ON_L2</c>, <c>REVERTED</c>, …</summary>
    public static string StatusName(TransactionState state)
    {
        var name = state.ToString();
        var result = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]))
            {
                result.Append('_');
            }
            result.Append(char.ToUpperInvariant(name[i]));
        }
        return result.ToString();
    }

    public static string Format(double milliseconds) => milliseconds.ToString("F1", CultureInfo.InvariantCulture);
}
