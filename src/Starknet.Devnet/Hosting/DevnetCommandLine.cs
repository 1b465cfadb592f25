using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Starknet.Devnet.Hosting;

/// <summary>
/// The command line: <c>--port N</c>, <c>--genesis FILE</c>, <c>--block-time MS</c>, <c>--seed N</c>, and any
/// <see cref="DevnetOptions"/> key as <c>--Faults:TransientErrorRate=0.1</c>; <c>DEVNET_</c> environment variables
/// (<c>DEVNET_Faults__LatencyMilliseconds=50</c>) too.
/// </summary>
internal static class DevnetCommandLine
{
    public const string SampleGenesisFile = "genesis.sample.json";

    private static readonly Dictionary<string, string> s_switches = new(StringComparer.Ordinal)
    {
        ["--port"] = nameof(DevnetOptions.Port),
        ["--genesis"] = nameof(DevnetOptions.GenesisPath),
        ["--block-time"] = nameof(DevnetOptions.BlockTimeMilliseconds),
        ["--seed"] = $"{nameof(DevnetOptions.Faults)}:{nameof(FaultInjectionOptions.Seed)}",
    };

    public const string Usage = """
        Starknet devnet: a development and test node, not a consensus client.
        Serves Starknet JSON-RPC 0.10 over HTTP POST on 127.0.0.1.

        Usage: dotnet run --project src/Starknet.Devnet -- [--port 5050] [--genesis genesis.json] [--block-time 0]
                          [--seed 1] [--Faults:TransientErrorRate=0.1] [--Faults:LatencyMilliseconds=50] ...

          --port N          TCP port on 127.0.0.1 (0 = any free port). Default 5050.
          --genesis FILE    Genesis JSON (schema in src/Starknet.Devnet/README.md). Default: genesis.sample.json
                            next to the executable.
          --block-time MS   Milliseconds between blocks; 0 = a block per transaction at once. Default: the
                            genesis block_time_ms (0).
          --seed N          Seed of the fault injection random generator.
          --Faults:KEY=V    TransientErrorRate, TimeoutRate, TimeoutMilliseconds, LatencyMilliseconds,
                            DropSubmissionRate, ForcedRevertRate, NonceRaceRate, Methods:0=starknet_call ...
        """;

    /// <summary>Reads the options and the genesis; on a problem writes it to <paramref name="error"/> and returns null.</summary>
    public static (DevnetOptions Options, DevnetGenesis Genesis)? Parse(string[] args, TextWriter error)
    {
        DevnetOptions options;
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddEnvironmentVariables("DEVNET_")
                .AddCommandLine(args, s_switches)
                .Build();
            options = configuration.Get<DevnetOptions>() ?? new DevnetOptions();
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException)
        {
            error.WriteLine($"Invalid command line: {ex.Message}");
            error.WriteLine(Usage);
            return null;
        }
        var validation = new DevnetOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            foreach (var failure in validation.Failures)
            {
                error.WriteLine(failure);
            }
            return null;
        }

        var path = options.GenesisPath ?? Path.Combine(AppContext.BaseDirectory, SampleGenesisFile);
        try
        {
            return (options, DevnetGenesis.Load(path));
        }
        catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"Cannot read the genesis file '{path}': {ex.Message}");
            return null;
        }
    }

    public static bool WantsHelp(string[] args) => args.Any(a => a is "--help" or "-h" or "-?");
}
