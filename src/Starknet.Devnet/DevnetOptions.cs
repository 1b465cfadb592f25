using Microsoft.Extensions.Options;

namespace Starknet.Devnet;

/// <summary>
/// Settings of the devnet process (configuration section <c>Devnet</c>; on the command line <c>--port</c>,
/// <c>--genesis</c>, <c>--block-time</c>, <c>--seed</c>, or any key as <c>--Faults:TransientErrorRate=0.1</c>). The chain
/// itself (accounts, balances, chain id, gas prices) comes from the genesis file, see <see cref="DevnetGenesis"/>.
/// </summary>
public sealed record DevnetOptions
{
    /// <summary>The TCP port on 127.0.0.1 (loopback only). 0 picks a free port; <see cref="DevnetHost.BaseAddress"/> tells
    /// which. Default 5050.</summary>
    public int Port { get; init; } = 5050;

    /// <summary>The genesis file for the command line (<c>--genesis</c>); hosts started in-process get the genesis as an
    /// object instead. Null starts from <see cref="DevnetGenesis.Default"/>.</summary>
    public string? GenesisPath { get; init; }

    /// <summary>
    /// Milliseconds between blocks (<c>--block-time</c>): 0 for instant mode (every accepted transaction is executed in a
    /// block of its own at once, ACCEPTED_ON_L2 before the add call returns); otherwise each tick closes the pre-confirmed
    /// block and executes the waiting transactions into a new one. Null takes <c>block_time_ms</c> from the genesis.
    /// </summary>
    public int? BlockTimeMilliseconds { get; init; }

    /// <summary>The most events one <c>starknet_getEvents</c> page may ask for (larger answers PAGE_SIZE_TOO_BIG). Default 1024.</summary>
    public int MaxEventsChunkSize { get; init; } = 1024;

    /// <summary>The most keys positions an event filter may hold (more answers TOO_MANY_KEYS_IN_FILTER). Default 16.</summary>
    public int MaxEventKeys { get; init; } = 16;

    /// <summary>The largest request body in bytes (larger requests get HTTP 413). Default 4 MiB.</summary>
    public int MaxRequestBodyBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>
    /// True (the default, the standalone devnet): Ctrl+C and SIGTERM stop the host. False for a devnet embedded in
    /// another program, which keeps the process's signals (see <see cref="Hosting.EmbeddedHostLifetime"/>).
    /// </summary>
    public bool HandleProcessSignals { get; init; } = true;

    /// <summary>Fault injection; everything off by default.</summary>
    public FaultInjectionOptions Faults { get; init; } = new();
}

/// <summary>
/// Faults the devnet injects so that clients (the relayer's reliability tests) can be driven through failures. All off by
/// default. Every random choice comes from one <see cref="Random"/> seeded with <see cref="Seed"/>, drawn in request
/// order, so a run with the same seed and the same sequence of requests sees the same faults.
/// </summary>
public sealed record FaultInjectionOptions
{
    /// <summary>Seed of the fault random generator. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Delay added before answering every affected request, in milliseconds (wall clock). Default 0.</summary>
    public int LatencyMilliseconds { get; init; }

    /// <summary>Share of affected requests, in [0, 1], answered with HTTP 503 and no JSON-RPC body (a transient error a
    /// client should retry). Default 0.</summary>
    public double TransientErrorRate { get; init; }

    /// <summary>Share of affected requests, in [0, 1], that get no answer: the devnet holds them for
    /// <see cref="TimeoutMilliseconds"/> and then drops the connection. Default 0.</summary>
    public double TimeoutRate { get; init; }

    /// <summary>How long a timed-out request is held before the connection is dropped, in milliseconds. Default 30 000.</summary>
    public int TimeoutMilliseconds { get; init; } = 30_000;

    /// <summary>Share of valid <c>starknet_addInvokeTransaction</c> calls, in [0, 1], whose hash is returned but whose
    /// transaction is forgotten at once (never included; its status is TXN_HASH_NOT_FOUND; its nonce stays free). Default 0.</summary>
    public double DropSubmissionRate { get; init; }

    /// <summary>Share of executed transactions, in [0, 1], that revert with <c>devnet/forced-revert</c> (fee charged, nonce
    /// used, calls undone). Default 0.</summary>
    public double ForcedRevertRate { get; init; }

    /// <summary>Share of <c>starknet_addInvokeTransaction</c> calls, in [0, 1], before which the sender's nonce is bumped
    /// by one behind the client's back (as if another process had used the account), so the submission answers
    /// INVALID_TRANSACTION_NONCE. Default 0.</summary>
    public double NonceRaceRate { get; init; }

    /// <summary>The JSON-RPC methods that latency, transient errors and timeouts apply to; empty for every method.</summary>
    public IReadOnlyList<string> Methods { get; init; } = [];

    /// <summary>True when any fault is configured.</summary>
    public bool IsEnabled => LatencyMilliseconds > 0 || TransientErrorRate > 0 || TimeoutRate > 0 || DropSubmissionRate > 0
        || ForcedRevertRate > 0 || NonceRaceRate > 0;
}

/// <summary>Checks <see cref="DevnetOptions"/> and reports every problem at once.</summary>
public sealed class DevnetOptionsValidator : IValidateOptions<DevnetOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, DevnetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Port is < 0 or > 65535)
        {
            failures.Add($"Port must be between 0 and 65535; it is {options.Port}.");
        }
        if (options.BlockTimeMilliseconds is < 0)
        {
            failures.Add($"BlockTimeMilliseconds must not be negative; it is {options.BlockTimeMilliseconds}.");
        }
        if (options.MaxEventsChunkSize < 1)
        {
            failures.Add($"MaxEventsChunkSize must be at least 1; it is {options.MaxEventsChunkSize}.");
        }
        if (options.MaxEventKeys < 1)
        {
            failures.Add($"MaxEventKeys must be at least 1; it is {options.MaxEventKeys}.");
        }
        if (options.MaxRequestBodyBytes < 1024)
        {
            failures.Add($"MaxRequestBodyBytes must be at least 1024; it is {options.MaxRequestBodyBytes}.");
        }
        var faults = options.Faults;
        if (faults is null)
        {
            failures.Add("Faults must not be null.");
        }
        else
        {
            if (faults.LatencyMilliseconds < 0)
            {
                failures.Add($"Faults.LatencyMilliseconds must not be negative; it is {faults.LatencyMilliseconds}.");
            }
            if (faults.TimeoutMilliseconds < 0)
            {
                failures.Add($"Faults.TimeoutMilliseconds must not be negative; it is {faults.TimeoutMilliseconds}.");
            }
            CheckRate(failures, nameof(faults.TransientErrorRate), faults.TransientErrorRate);
            CheckRate(failures, nameof(faults.TimeoutRate), faults.TimeoutRate);
            CheckRate(failures, nameof(faults.DropSubmissionRate), faults.DropSubmissionRate);
            CheckRate(failures, nameof(faults.ForcedRevertRate), faults.ForcedRevertRate);
            CheckRate(failures, nameof(faults.NonceRaceRate), faults.NonceRaceRate);
            if (faults.TransientErrorRate + faults.TimeoutRate > 1)
            {
                failures.Add("Faults.TransientErrorRate + Faults.TimeoutRate must not exceed 1.");
            }
            if (faults.Methods is null)
            {
                failures.Add("Faults.Methods must not be null (use an empty list for every method).");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckRate(List<string> failures, string name, double rate)
    {
        if (double.IsNaN(rate) || rate is < 0 or > 1)
        {
            failures.Add($"Faults.{name} must be between 0 and 1; it is {rate}.");
        }
    }
}
