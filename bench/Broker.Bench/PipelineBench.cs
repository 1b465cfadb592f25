using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Broker.Client;
using Broker.Demo;
using Sessions;
using Starknet;

namespace Broker.Bench;

/// <summary>
/// The <c>pipeline</c> suite: real gRPC calls through SessionBroker → GuardianSigner → TxRelayer → devnet stand-in
/// (instant blocks), all started in this process by <see cref="LocalStack"/>. Latency is measured per transaction from
/// the client's request to the moment it sees ACCEPTED_ON_L2.
/// </summary>
internal static class PipelineBench
{
    /// <summary>Relayer accounts in the pool (each has its own nonce sequence).</summary>
    private const int RelayerAccounts = 4;

    private static readonly JsonSerializerOptions s_jsonOptions = new() { WriteIndented = true };

    public static async Task<int> RunAsync(int sessions, int transactions, int concurrency, string? json)
    {
        Console.WriteLine($"suite pipeline: {Environment.ProcessorCount} cores, {sessions} sessions on {sessions} Argent accounts, {transactions} tx per path, " +
            $"concurrency {concurrency}, {RelayerAccounts} relayer accounts, devnet stand-in with instant blocks");
        await using var stack = await LocalStack.StartAsync(new LocalStackOptions { ArgentAccounts = sessions, RelayerAccounts = RelayerAccounts });
        var players = new List<(SessionKey Key, RegisteredSession Session)>();
        foreach (var account in stack.Genesis.ArgentAccounts.Take(sessions))
        {
            var key = SessionKey.Generate();
            var specification = SessionSpecification.Create(stack.ChainId, account.Address, key, TimeSpan.FromHours(1),
                [new AllowedMethod(stack.GameContract, "move"), new AllowedMethod(stack.GameContract, "attack"), new AllowedMethod(stack.GameContract, "craft_item")],
                new SessionMetadata(LocalStack.ProjectId, [new SessionTxFee(stack.FeeToken, BigInteger.Parse("1000000000000000000000", CultureInfo.InvariantCulture))]));
            var prepared = await stack.Broker.PrepareAsync(specification);
            var registered = await stack.Broker.RegisterAsync(prepared, account.OwnerPublicKey, Ecdsa.Sign(account.OwnerPrivateKey!.Value, prepared.SessionHash));
            players.Add((key, registered));
        }
        Console.WriteLine($"registered {players.Count} sessions");

        // Warm-up (JIT, connection pools, SQLite) outside the measurement.
        await OutsideAsync(stack, players, Math.Min(64, transactions), concurrency, "warmup");

        var results = new List<PathResult>
        {
            Report("outside_execution", await OutsideAsync(stack, players, transactions, concurrency, "oe")),
            // Account-paid transactions of one account are sequential (each takes the account's next nonce), so the
            // workers are at most one per session's account.
            Report("account_paid", await AccountPaidAsync(stack, players, transactions, Math.Min(concurrency, players.Count))),
        };

        if (json is not null)
        {
            var document = new
            {
                paths = results.Select(r => new { name = r.Name, tx = r.Tx, tx_per_s = Math.Round(r.TxPerSecond, 1), p50_ms = Math.Round(r.P50, 2), p99_ms = Math.Round(r.P99, 2) }),
            };
            await File.WriteAllTextAsync(json, JsonSerializer.Serialize(document, s_jsonOptions));
            Console.WriteLine($"wrote {json}");
        }
        return results.All(r => r.Failed == 0) ? 0 : 1;
    }

    private static async Task<Run> OutsideAsync(LocalStack stack, List<(SessionKey Key, RegisteredSession Session)> players, int count, int concurrency, string tag)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        return await DriveAsync(count, concurrency, async i =>
        {
            var (key, session) = players[i % players.Count];
            var now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var execution = new SessionOutsideExecution([new SessionCall(stack.GameContract, "move", [(ulong)i])], Mission.RandomNonce(), now - 60, now + 600);
            var submitted = await stack.Broker.ExecuteAsync(session, key, execution, $"{tag}-{run}-{i}");
            return submitted.IsFinal ? submitted : await Mission.WaitAsync(stack.Broker, submitted.RequestId, CancellationToken.None);
        });
    }

    private static async Task<Run> AccountPaidAsync(LocalStack stack, List<(SessionKey Key, RegisteredSession Session)> players, int count, int workers)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var latencies = new ConcurrentBag<double>();
        var failed = 0;
        var watch = Stopwatch.StartNew();
        // Worker w plays session w, sequentially: transactions w, w + workers, w + 2·workers, …
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var (key, session) = players[w];
            for (var i = w; i < count; i += workers)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var prepared = await stack.Broker.PrepareInvokeAsync(session, [new SessionCall(stack.GameContract, "move", [(ulong)i])]);
                    var submitted = await stack.Broker.SubmitInvokeAsync(session, key, prepared, $"inv-{run}-{i}");
                    var final = submitted.IsFinal ? submitted : await Mission.WaitAsync(stack.Broker, submitted.RequestId, CancellationToken.None);
                    if (final.State == TransactionState.AcceptedOnL2)
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                        continue;
                    }
                }
                catch (BrokerException)
                {
                }
                Interlocked.Increment(ref failed);
            }
        })));
        return new Run(count, latencies.ToArray(), failed, watch.Elapsed);
    }

    private static async Task<Run> DriveAsync(int count, int concurrency, Func<int, Task<TransactionResult>> send)
    {
        var latencies = new ConcurrentBag<double>();
        var failed = 0;
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, _) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var final = await send(i);
                if (final.State == TransactionState.AcceptedOnL2)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    return;
                }
            }
            catch (BrokerException)
            {
            }
            Interlocked.Increment(ref failed);
        });
        return new Run(count, latencies.ToArray(), failed, watch.Elapsed);
    }

    private static PathResult Report(string name, Run run)
    {
        var result = new PathResult(name, run.Count, run.Count / run.Elapsed.TotalSeconds, Latency.Percentile(run.Latencies, 50), Latency.Percentile(run.Latencies, 99), run.Failed);
        Console.WriteLine($"{name,-18} {result.Tx,6} tx {result.TxPerSecond,10:F1} tx/s   p50 {Latency.Format(result.P50),8} ms   p99 {Latency.Format(result.P99),8} ms" +
            $"   not accepted {result.Failed}   ({run.Elapsed.TotalSeconds:F2} s)");
        return result;
    }

    private sealed record Run(int Count, double[] Latencies, int Failed, TimeSpan Elapsed);

    private sealed record PathResult(string Name, int Tx, double TxPerSecond, double P50, double P99, int Failed);
}
