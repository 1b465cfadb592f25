using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using Broker.Client;
using Sessions;
using Starknet;
using Starknet.Rpc;

namespace Broker.Demo;

/// <summary>What the mission ended with; <c>--json</c> prints it as is.</summary>
public sealed record MissionSummary
{
    public bool Ok { get; init; }

    public string? FailedStep { get; init; }

    public string? Error { get; init; }

    public int Moves { get; init; }

    public string? SessionHash { get; init; }

    /// <summary>Final statuses of the moves (ACCEPTED_ON_L2, REVERTED, REJECTED, or the last state seen).</summary>
    public IReadOnlyDictionary<string, int> ByStatus { get; init; } = new Dictionary<string, int>();

    public IReadOnlyList<PathSummary> Paths { get; init; } = [];

    /// <summary><c>get_move_count(account)</c> of the game contract before and after the moves.</summary>
    public long OnChainMovesBefore { get; init; }

    public long OnChainMovesAfter { get; init; }

    /// <summary>The move sent after the revocation was refused with SessionRevokedException.</summary>
    public bool RefusedAfterRevoke { get; init; }

    public string? RefusalReason { get; init; }

    public double TotalSeconds { get; init; }
}

/// <summary>Latency from request to ACCEPTED_ON_L2 of one execution path.</summary>
public sealed record PathSummary(string Name, int Tx, int Accepted, double P50Ms, double P99Ms);

/// <summary>
/// The demo game client, built on Broker.Client only (plus the devnet genesis, whose owner key stands in for the
/// user's wallet): session key, prepare, owner signature, register, moves through both paths, on-chain effects,
/// revocation, the refused move.
/// </summary>
public static class Mission
{
    private const int Steps = 10;
    private static readonly string[] s_allowed = ["move", "attack", "craft_item"];

    public static async Task<MissionSummary> RunAsync(int moves, TextWriter progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var total = Stopwatch.StartNew();
        var step = 0;
        string current = "";
        var outside = new List<double>();
        var invoke = new List<double>();
        var statuses = new Dictionary<string, int>();
        string? sessionHash = null;
        long before = 0, after = 0;
        var refused = false;
        string? refusal = null;

        async Task<T> Step<T>(string what, Func<Task<T>> body, Func<T, string>? describe = null)
        {
            current = what;
            step++;
            progress.Write($"[{step}/{Steps}] {what} ... ");
            progress.Flush();
            var watch = Stopwatch.StartNew();
            var result = await body();
            var detail = describe?.Invoke(result);
            progress.WriteLine($"ok{(detail is null ? "" : $" ({detail})")} [{watch.Elapsed.TotalMilliseconds:F0} ms]");
            return result;
        }

        LocalStack? stack = null;
        try
        {
            stack = await Step("starting devnet (instant blocks), GuardianSigner, TxRelayer, SessionBroker on loopback, behind a random API token",
                () => LocalStack.StartAsync(new LocalStackOptions { ApiToken = LocalStack.NewApiToken() }, cancellationToken),
                s => $"node {s.Devnet.RpcEndpoint}, guardian {s.GuardianAddress}, relayer {s.RelayerAddress}, broker {s.BrokerAddress}");
            var broker = stack.Broker;
            var account = stack.Genesis.ArgentAccounts[0];
            var game = stack.GameContract;

            var key = await Step("creating a session key", () => Task.FromResult(SessionKey.Generate()), k => $"public key {Short(k.PublicKey)}");

            var prepared = await Step("preparing the session (game contract: move, attack, craft_item; 1 h)", () =>
            {
                var specification = SessionSpecification.Create(stack.ChainId, account.Address, key, TimeSpan.FromHours(1),
                    s_allowed.Select(name => new AllowedMethod(game, name)).ToList(),
                    new SessionMetadata(LocalStack.ProjectId, [new SessionTxFee(stack.FeeToken, BigInteger.Parse("1000000000000000000000", CultureInfo.InvariantCulture))]));
                return broker.PrepareAsync(specification, cancellationToken);
            }, p => $"session hash {Short(p.SessionHash)}");

            // The demo stands in for the user's wallet: it signs with the owner key of the sample genesis (a public
            // test key). A real dapp shows prepared.TypedDataJson to the wallet, which signs it.
            var ownerSignature = await Step("signing the session as the owner (the demo stands in for the wallet)",
                () => Task.FromResult(Ecdsa.Sign(account.OwnerPrivateKey!.Value, prepared.SessionHash)), _ => $"owner {Short(account.OwnerPublicKey)}");

            // With authorization caching (the devnet's accounts are Argent 0.5.0): the first move's token carries the
            // owner+guardian authorization and the account caches it; later tokens leave it out.
            var session = await Step("registering the session (guardian cosigns)",
                () => broker.RegisterAsync(prepared, account.OwnerPublicKey, ownerSignature, cacheAuthorization: true, cancellationToken),
                s => $"session {Short(s.SessionHash)}, authorization cached on-chain after its first move");
            sessionHash = session.SessionHash.ToString();

            before = await MoveCountAsync(stack, account.Address, cancellationToken);
            var results = await Step($"sending {moves} moves, alternating outside execution (relayer pays) and account-paid INVOKE", async () =>
            {
                progress.WriteLine();
                var finals = new List<TransactionResult>();
                for (var i = 0; i < moves; i++)
                {
                    var viaOutside = i % 2 == 0;
                    var watch = Stopwatch.StartNew();
                    // One round trip each: the broker answers once the transaction is final.
                    TransactionResult final;
                    if (viaOutside)
                    {
                        var now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                        var execution = new SessionOutsideExecution([new SessionCall(game, "move", [(ulong)i])], RandomNonce(), now - 60, now + 600);
                        final = await broker.ExecuteAndWaitAsync(session, key, execution, $"demo-{sessionHash}-{i}", cancellationToken);
                    }
                    else
                    {
                        var invokePrepared = await broker.PrepareInvokeAsync(session, [new SessionCall(game, "move", [(ulong)i])], cancellationToken: cancellationToken);
                        final = await broker.SubmitInvokeAndWaitAsync(session, key, invokePrepared, $"demo-{sessionHash}-{i}", cancellationToken);
                    }
                    var elapsed = watch.Elapsed.TotalMilliseconds;
                    var status = Latency.StatusName(final.State);
                    statuses[status] = statuses.GetValueOrDefault(status) + 1;
                    if (final.State == TransactionState.AcceptedOnL2)
                    {
                        (viaOutside ? outside : invoke).Add(elapsed);
                    }
                    progress.WriteLine($"      move {i + 1}/{moves} {(viaOutside ? "outside execution" : "account-paid     ")} {status}{(final.Reason is null ? "" : $" ({final.Reason})")} " +
                        $"tx {Short(final.TransactionHash)} block {final.BlockNumber} {elapsed:F1} ms");
                    finals.Add(final);
                }
                return finals;
            }, r => $"{r.Count(f => f.State == TransactionState.AcceptedOnL2)}/{r.Count} ACCEPTED_ON_L2");
            var notAccepted = results.Count(r => r.State != TransactionState.AcceptedOnL2);
            if (notAccepted > 0)
            {
                throw new InvalidOperationException($"{notAccepted} move(s) did not reach ACCEPTED_ON_L2.");
            }

            after = await Step("reading the on-chain effects (game contract get_move_count(account))", async () =>
            {
                var count = await MoveCountAsync(stack, account.Address, cancellationToken);
                var onChain = stack.Devnet.State.GetGameActions(game).Count(a => a.Caller == account.Address && results.Any(r => r.TransactionHash == a.TransactionHash));
                if (count - before != moves || onChain != moves)
                {
                    throw new InvalidOperationException($"expected {moves} new moves on chain, the contract counts {count - before} and records {onChain}.");
                }
                return count;
            }, c => $"moves recorded for {Short(account.Address)}: {before} -> {c}");

            await Step("revoking the session", () => broker.RevokeAsync(session.SessionHash, cancellationToken), r => $"state {r.Session.State}");

            (refused, refusal) = await Step("sending one more move with the revoked session", async () =>
            {
                try
                {
                    var now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                    var execution = new SessionOutsideExecution([new SessionCall(game, "move", [(ulong)moves])], RandomNonce(), now - 60, now + 600);
                    var sent = await broker.ExecuteAsync(session, key, execution, cancellationToken: cancellationToken);
                    throw new InvalidOperationException($"the move was accepted ({sent.State}) although the session is revoked.");
                }
                catch (SessionRevokedException error)
                {
                    return (true, error.Reason ?? error.Message);
                }
            }, r => $"refused as expected: SessionRevokedException {r.Item2}");

            await Step("stopping the stack", async () =>
            {
                await stack.DisposeAsync();
                stack = null;
                return 0;
            });
            return Summary(true, null, null);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C or SIGTERM: whatever the interrupted call threw (a cancelled RPC, an OperationCanceledException).
            progress.WriteLine("interrupted");
            return Summary(false, current, "interrupted (Ctrl+C or SIGTERM)");
        }
        catch (Exception error)
        {
            progress.WriteLine($"FAILED: {error.GetType().Name}: {error.Message}");
            return Summary(false, current, $"{error.GetType().Name}: {error.Message}");
        }
        finally
        {
            if (stack is not null)
            {
                await stack.DisposeAsync();
            }
        }

        MissionSummary Summary(bool ok, string? failed, string? error) => new()
        {
            Ok = ok,
            FailedStep = failed,
            Error = error,
            Moves = moves,
            SessionHash = sessionHash,
            ByStatus = statuses,
            Paths =
            [
                new PathSummary("outside_execution", (moves + 1) / 2, outside.Count, Round(Latency.Percentile(outside, 50)), Round(Latency.Percentile(outside, 99))),
                new PathSummary("account_paid", moves / 2, invoke.Count, Round(Latency.Percentile(invoke, 50)), Round(Latency.Percentile(invoke, 99))),
            ],
            OnChainMovesBefore = before,
            OnChainMovesAfter = after,
            RefusedAfterRevoke = refused,
            RefusalReason = refusal,
            TotalSeconds = Math.Round(total.Elapsed.TotalSeconds, 2),
        };
    }

    private static double Round(double milliseconds) => Math.Round(milliseconds, 2);

    /// <summary>A fresh SNIP-9 nonce.</summary>
    public static Felt RandomNonce() => Felt.FromBigInteger(new BigInteger(Guid.NewGuid().ToByteArray(), isUnsigned: true));

    private static async Task<long> MoveCountAsync(LocalStack stack, Felt account, CancellationToken cancellationToken)
    {
        var result = await stack.Rpc.CallAsync(new FunctionCall(stack.GameContract, Selector.FromName("get_move_count"), [account]), BlockId.Latest, cancellationToken);
        return (long)result[0].ToBigInteger();
    }

    private static string Short(Felt? felt)
    {
        if (felt is null)
        {
            return "-";
        }
        var text = felt.Value.ToString();
        return text.Length <= 14 ? text : $"{text[..8]}…{text[^4..]}";
    }
}
