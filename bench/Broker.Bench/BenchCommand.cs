using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Broker.Bench;

/// <summary>Parses the command line and runs one benchmark suite.</summary>
internal static class BenchCommand
{
    private const string Usage = """
        usage: Broker.Bench crypto [--seconds N] [--json FILE] [--filter SUBSTRING]
               Broker.Bench pipeline [--sessions S] [--tx N] [--concurrency C] [--relayers R] [--synchronous full|normal] [--authorization cached|full]
                                [--warmup SECONDS] [--json FILE] [--alloc-types]
          crypto     one-thread figures for the Starknet primitives and the session protocol (ops/s, µs/op)
          --seconds  measuring time per operation (default 2; a warm-up of a quarter of it comes first)
          --json     also write {"ops":[{"name":..,"ops_per_s":..,"us_per_op":..}]} to FILE
          --filter   only the operations whose name contains SUBSTRING
          pipeline   end to end through SessionBroker -> GuardianSigner -> TxRelayer -> devnet stand-in (instant blocks),
                     all in this process: tx/s and p50/p99 request -> ACCEPTED_ON_L2 latency per execution path
          --sessions sessions registered, each on its own Argent account (default 4)
          --tx       transactions per path (default 400)
          --concurrency  concurrent outside-execution workers (default 16; account-paid: at most one per session)
          --relayers relayer accounts in TxRelayer's pool (default 4)
          --synchronous  the services' SQLite durability, State:Sqlite:Synchronous (default full, the product default)
          --authorization  cached (default): sessions registered with authorization caching (account 0.5.0), so tokens
                     leave the authorization out once the account has cached it; full: every token carries it
          --warmup   seconds of traffic before measuring, for the JIT to settle (default 20)
          --json     also write {"paths":[{"name":..,"tx":..,"tx_per_s":..,"p50_ms":..,"p99_ms":..,"cpu_ms_per_tx":..,"alloc_kb_per_tx":..,"gc_pause_percent":..}]} to FILE
                     (cpu and alloc: the whole process's CPU time and allocations per transaction: client, three services and devnet;
                     gc pause: the share of the run's wall time spent in garbage-collection pauses)
          --alloc-types  also print the types the outside-execution run allocates most (sampled every ~100 KB)
        """;

    private static readonly JsonSerializerOptions s_jsonOptions = new() { WriteIndented = true };

    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        var seconds = 2.0;
        var warmup = 20.0;
        var synchronous = Broker.Hosting.State.Sqlite.SqliteSynchronous.Full;
        string? json = null;
        string? filter = null;
        var allocationTypes = false;
        var cacheAuthorization = true;
        int sessions = 4, transactions = 400, concurrency = 16, relayers = 4;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seconds" when i + 1 < args.Length && double.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var s) && s > 0:
                    seconds = s;
                    i++;
                    break;
                case "--warmup" when i + 1 < args.Length && double.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var w) && w >= 0:
                    warmup = w;
                    i++;
                    break;
                case "--json" when i + 1 < args.Length:
                    json = args[++i];
                    break;
                case "--alloc-types":
                    allocationTypes = true;
                    break;
                case "--filter" when i + 1 < args.Length:
                    filter = args[++i];
                    break;
                case "--sessions" when TryPositive(args, i, out var n):
                    sessions = n;
                    i++;
                    break;
                case "--tx" when TryPositive(args, i, out var n):
                    transactions = n;
                    i++;
                    break;
                case "--synchronous" when i + 1 < args.Length && Enum.TryParse<Broker.Hosting.State.Sqlite.SqliteSynchronous>(args[i + 1], ignoreCase: true, out var level)
                    && Enum.IsDefined(level) && !int.TryParse(args[i + 1], out _):
                    synchronous = level;
                    i++;
                    break;
                case "--authorization" when i + 1 < args.Length && args[i + 1] is "cached" or "full":
                    cacheAuthorization = args[++i] == "cached";
                    break;
                case "--relayers" when TryPositive(args, i, out var n):
                    relayers = n;
                    i++;
                    break;
                case "--concurrency" when TryPositive(args, i, out var n):
                    concurrency = n;
                    i++;
                    break;
                default:
                    Console.Error.WriteLine($"unknown or incomplete option '{args[i]}'");
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

        if (args[0] == "pipeline")
        {
            return PipelineBench.RunAsync(sessions, transactions, concurrency, relayers, warmup, synchronous, cacheAuthorization, json, allocationTypes).GetAwaiter().GetResult();
        }

        IReadOnlyList<BenchOp> ops = args[0] switch
        {
            "crypto" => [.. CryptoBench.Operations(), .. SessionsBench.Operations()],
            _ => [],
        };
        if (ops.Count == 0)
        {
            Console.Error.WriteLine($"unknown suite '{args[0]}'");
            Console.Error.WriteLine(Usage);
            return 2;
        }

        Console.WriteLine($"suite {args[0]}: {Environment.ProcessorCount} cores, {(Debugger.IsAttached ? "debugger attached" : "no debugger")}, " +
            $"{(IsOptimized() ? "Release" : "DEBUG build: figures are meaningless")}, one thread, {seconds.ToString(CultureInfo.InvariantCulture)} s per op");
        Console.WriteLine($"{"operation",-34} {"ops/s",12} {"µs/op",10} {"alloc B/op",11}");
        var results = new List<BenchResult>();
        foreach (var op in ops)
        {
            if (filter is not null && !op.Name.Contains(filter, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var result = Measure(op, seconds);
            results.Add(result);
            Console.WriteLine($"{result.Name,-34} {result.OpsPerSecond,12:N0} {result.MicrosecondsPerOp,10:F2} {result.AllocatedBytesPerOp,11:N0}");
        }

        if (json is not null)
        {
            var document = new
            {
                ops = results.Select(r => new { name = r.Name, ops_per_s = Math.Round(r.OpsPerSecond, 1), us_per_op = Math.Round(r.MicrosecondsPerOp, 3) }),
            };
            File.WriteAllText(json, JsonSerializer.Serialize(document, s_jsonOptions));
            Console.WriteLine($"wrote {json}");
        }
        return 0;
    }

    private static bool TryPositive(string[] args, int i, out int value)
    {
        value = 0;
        return i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0;
    }

    private static BenchResult Measure(BenchOp op, double seconds)
    {
        // Warm up so tiered JIT reaches the optimized code before measuring.
        RunFor(op, seconds / 4);
        GC.Collect();
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var (iterations, elapsed) = RunFor(op, seconds);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var opsPerSecond = iterations / elapsed.TotalSeconds;
        return new BenchResult(op.Name, opsPerSecond, 1e6 / opsPerSecond, (double)allocated / iterations);
    }

    private static (long Iterations, TimeSpan Elapsed) RunFor(BenchOp op, double seconds)
    {
        var budget = TimeSpan.FromSeconds(seconds);
        var watch = Stopwatch.StartNew();
        long iterations = 0;
        var batch = 1;
        while (watch.Elapsed < budget)
        {
            for (var i = 0; i < batch; i++)
            {
                op.Body(iterations + i);
            }
            iterations += batch;
            if (watch.Elapsed.TotalMilliseconds < 10)
            {
                batch = Math.Min(batch * 2, 1 << 20);
            }
        }
        return (iterations, watch.Elapsed);
    }

    private static bool IsOptimized() =>
        typeof(BenchCommand).Assembly.GetCustomAttributes(typeof(DebuggableAttribute), false)
            .OfType<DebuggableAttribute>().All(a => !a.IsJITOptimizerDisabled);
}

/// <summary>One measured operation; the argument is the iteration number, to vary inputs cheaply.</summary>
internal sealed record BenchOp(string Name, Action<long> Body);

internal sealed record BenchResult(string Name, double OpsPerSecond, double MicrosecondsPerOp, double AllocatedBytesPerOp);
