using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Starknet.Devnet.Hosting;
using Starknet.Devnet.Rpc;

namespace Starknet.Devnet;

/// <summary>
/// A running devnet: Kestrel on 127.0.0.1 serving Starknet JSON-RPC 0.10 over HTTP POST (at <c>/</c>, <c>/rpc</c> and
/// <c>/rpc/v0_10</c>), with the chain in <see cref="State"/>. It is a development and test node, not a consensus client:
/// one process, no peers, no proofs, contracts written in C#. Tests host it in-process with port 0 and a controllable
/// <see cref="System.TimeProvider"/>; the command line runs it with <c>dotnet run --project src/Starknet.Devnet -- --port
/// 5050 --genesis genesis.json</c>.
/// </summary>
public sealed class DevnetHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly DevnetNode _node;

    private DevnetHost(WebApplication app, DevnetNode node, Uri baseAddress)
    {
        _app = app;
        _node = node;
        BaseAddress = baseAddress;
        RpcEndpoint = new Uri(baseAddress, "rpc");
    }

    /// <summary>The bound address, for example <c>http://127.0.0.1:5050/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The JSON-RPC URL to give a client, <c>{BaseAddress}rpc</c>.</summary>
    public Uri RpcEndpoint { get; }

    /// <summary>The chain, for assertions and for changes behind the clients' backs.</summary>
    public DevnetState State => _node.State;

    /// <summary>The clock of block timestamps and of the block timer.</summary>
    public TimeProvider TimeProvider => _node.Time;

    /// <summary>The settings the host runs with.</summary>
    public DevnetOptions Options => _node.Options;

    /// <summary>
    /// Starts a devnet on 127.0.0.1:<see cref="DevnetOptions.Port"/> (0 for a free port).
    /// </summary>
    /// <param name="options">The settings; checked with <see cref="DevnetOptionsValidator"/>.</param>
    /// <param name="genesis">The initial chain.</param>
    /// <param name="timeProvider">The clock of block timestamps and blocks; <see cref="TimeProvider.System"/> when null.
    /// Fault latency and timeouts always use wall-clock time.</param>
    /// <param name="configureLogging">Changes the logging setup (tests clear the providers); null keeps the console.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="OptionsValidationException">The options are invalid (every problem is listed).</exception>
    public static async Task<DevnetHost> StartAsync(
        DevnetOptions options,
        DevnetGenesis genesis,
        TimeProvider? timeProvider = null,
        Action<ILoggingBuilder>? configureLogging = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(genesis);
        var validation = new DevnetOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(nameof(DevnetOptions), typeof(DevnetOptions), validation.Failures);
        }

        var builder = WebApplication.CreateSlimBuilder();
        // Everything the devnet needs comes in through its options. Any appsettings.json or environment variable that
        // happens to sit beside the caller (a test's output folder holds the services' files) would add its own
        // Kestrel endpoints, binding fixed ports that parallel test runs then fight over.
        builder.Configuration.Sources.Clear();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Loopback only: a devnet has no business on other interfaces.
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
        });
        if (!options.HandleProcessSignals)
        {
            builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        }
        // One line per request is noise for a test node; our own messages say what happened.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        configureLogging?.Invoke(builder.Logging);
        var app = builder.Build();

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Starknet.Devnet");
        var node = new DevnetNode(options, genesis, timeProvider ?? TimeProvider.System, logger);
        var endpoint = new RpcEndpoint(node, logger);
        foreach (var path in (string[])["/", "/rpc", "/rpc/v0_10"])
        {
            app.MapPost(path, endpoint.HandleAsync);
        }
        app.MapGet("/", () => Results.Text(
            $"Starknet devnet: a development and test node, not a consensus client. POST JSON-RPC {RpcMethods.SpecVersion} to /rpc.\n"));

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            node.Dispose();
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var host = new DevnetHost(app, node, new Uri(address.TrimEnd('/') + "/"));
        node.Start();

        var state = node.State;
        Log.Started(logger, host.RpcEndpoint, DescribeChainId(state.ChainId), RpcMethods.SpecVersion,
            state.IsInstantMode ? "instant blocks" : $"a block every {state.BlockTime.TotalMilliseconds} ms",
            genesis.ArgentAccounts.Count + genesis.RelayerAccounts.Count);
        if (options.Faults.IsEnabled)
        {
            Log.FaultsEnabled(logger, Describe(options.Faults));
        }
        return host;
    }

    /// <summary>Replaces the whole chain with a fresh one from <paramref name="genesis"/>; the endpoint stays the same.</summary>
    public void Reset(DevnetGenesis genesis)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        _node.Reset(genesis);
    }

    /// <summary>Waits until the process is asked to stop (Ctrl+C, SIGTERM) or <paramref name="cancellationToken"/> fires.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops the server and the block timer.</summary>
    public async ValueTask DisposeAsync()
    {
        _node.Dispose();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static string Describe(FaultInjectionOptions f) => FormattableString.Invariant(
        $"seed {f.Seed}, latency {f.LatencyMilliseconds} ms, transient errors {f.TransientErrorRate:P0}, timeouts {f.TimeoutRate:P0} ({f.TimeoutMilliseconds} ms), dropped submissions {f.DropSubmissionRate:P0}, forced reverts {f.ForcedRevertRate:P0}, nonce races {f.NonceRaceRate:P0}, methods {(f.Methods.Count == 0 ? "all" : string.Join(", ", f.Methods))}");

    private static string DescribeChainId(Felt chainId) =>
        CairoShortString.TryDecode(chainId, out var text) && text.Length > 0 && text.All(c => c is >= ' ' and <= '~')
            ? $"{text} ({chainId})"
            : chainId.ToString();
}
