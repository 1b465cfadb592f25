using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
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
    private static readonly JsonSerializerOptions s_jsonOptions = new() { WriteIndented = true };

    /// <param name="relayerAccounts">Relayer accounts in the pool (each has its own nonce sequence).</param>
    /// <param name="synchronous">The hosts' <c>State:Sqlite:Synchronous</c> (the product default is Full).</param>
    /// <param name="cacheAuthorization">Register the sessions with authorization caching (account 0.5.0, spec §13.5).</param>
    /// <param name="allocationTypes">Also print the types the outside-execution run allocates most (sampled).</param>
    public static async Task<int> RunAsync(int sessions, int transactions, int concurrency, int relayerAccounts, double warmupSeconds,
        Broker.Hosting.State.Sqlite.SqliteSynchronous synchronous, bool cacheAuthorization, string? json, bool allocationTypes = false)
    {
        Console.WriteLine($"suite pipeline: {Environment.ProcessorCount} cores, {sessions} sessions on {sessions} Argent accounts, {transactions} tx per path, " +
            $"concurrency {concurrency}, {relayerAccounts} relayer accounts, devnet stand-in with instant blocks, SQLite synchronous {synchronous}, " +
            $"authorization {(cacheAuthorization ? "cached" : "full")}, API tokens on, warm-up {warmupSeconds:F0} s");
        using var batches = new BatchCounter();
        await using var stack = await LocalStack.StartAsync(new LocalStackOptions { ArgentAccounts = sessions, RelayerAccounts = relayerAccounts, StateSynchronous = synchronous, ApiToken = LocalStack.NewApiToken() });
        var players = new List<(SessionKey Key, RegisteredSession Session)>();
        foreach (var account in stack.Genesis.ArgentAccounts.Take(sessions))
        {
            var key = SessionKey.Generate();
            var specification = SessionSpecification.Create(stack.ChainId, account.Address, key, TimeSpan.FromHours(1),
                [new AllowedMethod(stack.GameContract, "move"), new AllowedMethod(stack.GameContract, "attack"), new AllowedMethod(stack.GameContract, "craft_item")],
                new SessionMetadata(LocalStack.ProjectId, [new SessionTxFee(stack.FeeToken, BigInteger.Parse("1000000000000000000000", CultureInfo.InvariantCulture))]));
            var prepared = await stack.Broker.PrepareAsync(specification);
            var registered = await stack.Broker.RegisterAsync(prepared, account.OwnerPublicKey, Ecdsa.Sign(account.OwnerPrivateKey!.Value, prepared.SessionHash), cacheAuthorization);
            players.Add((key, registered));
        }
        Console.WriteLine($"registered {players.Count} sessions");

        // Warm-up outside the measurement: connection pools, SQLite, and above all the JIT. Tiered compilation (with
        // dynamic PGO) recompiles the hot paths of all the hosts in the background for many seconds on 2 busy cores;
        // measured before it settles, a run is largely the compiler's work and instrumented code (perf showed the
        // compiler's thread at ~22 % of the CPU after a 64-tx warm-up; 5 s of warm-up gave ~200 outside executions/s,
        // 20 s ~310, 40 s no more). A long-running service pays that once.
        var warmup = Stopwatch.StartNew();
        while (warmup.Elapsed.TotalSeconds < warmupSeconds)
        {
            await OutsideAsync(stack, players, 200, concurrency, "warmup");
            await AccountPaidAsync(stack, players, 2 * players.Count, players.Count);
        }

        if (cacheAuthorization)
        {
            // What the warm-up left on-chain: whether each account now holds its session's authorization in its cache.
            var cached = 0;
            foreach (var (account, (_, session)) in stack.Genesis.ArgentAccounts.Zip(players))
            {
                var answer = await stack.Rpc.CallAsync(new Starknet.Rpc.FunctionCall(account.Address, SessionRevocation.IsSessionAuthorizationCachedSelector,
                    SessionRevocation.IsSessionAuthorizationCachedCalldata(session.SessionHash, session.CacheOwnerGuid, SignerGuid.Starknet(session.GuardianPublicKey))),
                    Starknet.Rpc.BlockId.Latest);
                cached += answer.Count == 1 && answer[0] == Felt.One ? 1 : 0;
            }
            Console.WriteLine($"authorization cached on-chain for {cached}/{players.Count} sessions after the warm-up");
        }

        batches.TakeMean();
        using var sampler = allocationTypes ? new AllocationSampler() : null;
        sampler?.Start();
        var oeRun = await OutsideAsync(stack, players, transactions, concurrency, "oe");
        sampler?.StopAndPrint("outside_execution");
        var results = new List<PathResult>
        {
            Report("outside_execution", oeRun, batches),
            // Account-paid transactions of one account are sequential (each takes the account's next nonce), so the
            // workers are at most one per session's account.
            Report("account_paid", await AccountPaidAsync(stack, players, transactions, Math.Min(concurrency, players.Count)), batches),
        };

        if (json is not null)
        {
            var document = new
            {
                paths = results.Select(r => new { name = r.Name, tx = r.Tx, tx_per_s = Math.Round(r.TxPerSecond, 1), p50_ms = Math.Round(r.P50, 2), p99_ms = Math.Round(r.P99, 2), cpu_ms_per_tx = Math.Round(r.CpuMsPerTx, 3), relayer_batch_mean = r.BatchMean > 0 ? Math.Round(r.BatchMean, 2) : (double?)null, alloc_kb_per_tx = Math.Round(r.AllocatedKbPerTx, 1), gc_pause_percent = Math.Round(r.GcPausePercent, 2) }),
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
            // One round trip: the broker answers once the transaction is final.
            return await stack.Broker.ExecuteAndWaitAsync(session, key, execution, $"{tag}-{run}-{i}");
        });
    }

    private static async Task<Run> AccountPaidAsync(LocalStack stack, List<(SessionKey Key, RegisteredSession Session)> players, int count, int workers)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var latencies = new ConcurrentBag<double>();
        var failed = 0;
        var cpu = Environment.CpuUsage.TotalTime;
        var heap = HeapSnapshot.Take();
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
                    var final = await stack.Broker.SubmitInvokeAndWaitAsync(session, key, prepared, $"inv-{run}-{i}");
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
        return new Run(count, latencies.ToArray(), failed, watch.Elapsed, Environment.CpuUsage.TotalTime - cpu, HeapSnapshot.Take() - heap);
    }

    private static async Task<Run> DriveAsync(int count, int concurrency, Func<int, Task<TransactionResult>> send)
    {
        var latencies = new ConcurrentBag<double>();
        var failed = 0;
        var cpu = Environment.CpuUsage.TotalTime;
        var heap = HeapSnapshot.Take();
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
        return new Run(count, latencies.ToArray(), failed, watch.Elapsed, Environment.CpuUsage.TotalTime - cpu, HeapSnapshot.Take() - heap);
    }

    private static PathResult Report(string name, Run run, BatchCounter batches)
    {
        var batchMean = batches.TakeMean();
        var result = new PathResult(name, run.Count, run.Count / run.Elapsed.TotalSeconds, Latency.Percentile(run.Latencies, 50), Latency.Percentile(run.Latencies, 99), run.Failed,
            run.Cpu.TotalMilliseconds / run.Count, batchMean, run.Heap.AllocatedBytes / 1024.0 / run.Count, 100 * run.Heap.GcPause / run.Elapsed);
        Console.WriteLine($"{name,-18} {result.Tx,6} tx {result.TxPerSecond,10:F1} tx/s   p50 {Latency.Format(result.P50),8} ms   p99 {Latency.Format(result.P99),8} ms" +
            $"   cpu {result.CpuMsPerTx,6:F2} ms/tx   batch {(batchMean > 0 ? batchMean.ToString("F1", CultureInfo.InvariantCulture) : "-"),4}   alloc {result.AllocatedKbPerTx,4:F0} KB/tx   gc pause {result.GcPausePercent,4:F1}%" +
            $"   not accepted {result.Failed}   ({run.Elapsed.TotalSeconds:F2} s)");
        return result;
    }

    /// <summary>One measured run; <paramref name="Cpu"/> is the whole process's CPU time (client, services and devnet).</summary>
    private sealed record Run(int Count, double[] Latencies, int Failed, TimeSpan Elapsed, TimeSpan Cpu, HeapSnapshot Heap);

    /// <summary>The process's allocations and garbage-collection pauses so far (a difference of two is one run's).</summary>
    private readonly record struct HeapSnapshot(long AllocatedBytes, TimeSpan GcPause, int Gen0, int Gen1, int Gen2)
    {
        public static HeapSnapshot Take() => new(GC.GetTotalAllocatedBytes(precise: false), GC.GetTotalPauseDuration(),
            GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));

        public static HeapSnapshot operator -(HeapSnapshot a, HeapSnapshot b) =>
            new(a.AllocatedBytes - b.AllocatedBytes, a.GcPause - b.GcPause, a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2);
    }

    private sealed record PathResult(string Name, int Tx, double TxPerSecond, double P50, double P99, int Failed, double CpuMsPerTx, double BatchMean,
        double AllocatedKbPerTx, double GcPausePercent);

    /// <summary>
    /// Listens to the relayer's <c>relayer.batch.size</c> histogram (one record per relayer transaction sent): the mean
    /// number of outside executions per relayer transaction since the last <see cref="TakeMean"/>. Throughput depends on
    /// it (the estimate, the signature, the node calls and the commits are per transaction), so it is printed per run.
    /// </summary>
    private sealed class BatchCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _transactions;
        private long _members;

        public BatchCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Broker.TxRelayer" && instrument.Name == "relayer.batch.size")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<int>((_, size, _, _) =>
            {
                Interlocked.Increment(ref _transactions);
                Interlocked.Add(ref _members, size);
            });
            _listener.Start();
        }

        /// <summary>Members per relayer transaction since the previous call (0 when none was sent: account-paid
        /// transactions are the dapp's own and never batched), then starts over.</summary>
        public double TakeMean()
        {
            var transactions = Interlocked.Exchange(ref _transactions, 0);
            var members = Interlocked.Exchange(ref _members, 0);
            return transactions == 0 ? 0 : (double)members / transactions;
        }

        public void Dispose() => _listener.Dispose();
    }
}
