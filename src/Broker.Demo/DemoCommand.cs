using System.Globalization;
using System.Text.Json;

namespace Broker.Demo;

/// <summary><c>Broker.Demo [--moves N] [--json]</c>: runs the mission and prints its summary.</summary>
public static class DemoCommand
{
    public const string Usage = """
        usage: Broker.Demo [--moves N] [--json]
          --moves  game moves to send, alternating the two execution paths (default 10)
          --json   print only the summary, as JSON, on stdout (progress goes to stderr)
        """;

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Runs the demo; returns the process exit code (0 only if every step succeeded).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var moves = 10;
        var json = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--moves" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 10_000:
                    moves = n;
                    i++;
                    break;
                case "--json":
                    json = true;
                    break;
                case "-h" or "--help":
                    output.WriteLine(Usage);
                    return 0;
                default:
                    error.WriteLine($"unknown or incomplete option '{args[i]}'");
                    error.WriteLine(Usage);
                    return 2;
            }
        }

        var progress = json ? error : output;
        progress.WriteLine("Session broker demo: devnet stand-in (a development node, not Starknet) + the three services, in this process.");
        var summary = await Mission.RunAsync(moves, progress, cancellationToken);
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(summary, s_json));
        }
        else
        {
            Print(summary, output);
        }
        return summary.Ok ? 0 : 1;
    }

    private static void Print(MissionSummary summary, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine(summary.Ok ? "Summary: mission complete" : $"Summary: FAILED at '{summary.FailedStep}': {summary.Error}");
        output.WriteLine($"  moves sent: {summary.Moves}; final status: " +
            (summary.ByStatus.Count == 0 ? "none" : string.Join(", ", summary.ByStatus.Select(kv => $"{kv.Key} {kv.Value}"))));
        output.WriteLine($"  game contract move count for the account: {summary.OnChainMovesBefore} -> {summary.OnChainMovesAfter}");
        output.WriteLine($"  move after revocation refused: {(summary.RefusedAfterRevoke ? $"yes ({summary.RefusalReason})" : "no")}");
        output.WriteLine($"  {"path",-18} {"tx",4} {"accepted",9} {"p50 ms",8} {"p99 ms",8}   (request -> ACCEPTED_ON_L2)");
        foreach (var path in summary.Paths)
        {
            output.WriteLine($"  {path.Name,-18} {path.Tx,4} {path.Accepted,9} {Latency.Format(path.P50Ms),8} {Latency.Format(path.P99Ms),8}");
        }
        output.WriteLine($"  total {summary.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)} s");
    }
}
