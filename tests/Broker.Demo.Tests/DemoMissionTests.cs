using System.Text.Json;
using Broker.Demo;

namespace Broker.Demo.Tests;

/// <summary>
/// Smoke test of the one command: the demo mission in-process, as <c>dotnet run --project src/Broker.Demo -- --moves 4
/// --json</c> runs it. It runs against the devnet stand-in (src/Starknet.Devnet, a development node, not Starknet) with
/// instant blocks, and the three real service hosts on loopback.
/// </summary>
public sealed class DemoMissionTests
{
    [Fact]
    public async Task Demo_FourMovesJson_ExitsZeroWithAllAcceptedAndTheRefusedMove()
    {
        using var output = new StringWriter();
        using var progress = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var exitCode = await DemoCommand.RunAsync(["--moves", "4", "--json"], output, progress, timeout.Token);

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{progress}");
        using var summary = JsonDocument.Parse(output.ToString());
        var root = summary.RootElement;
        Assert.True(root.GetProperty("ok").GetBoolean());
        Assert.Equal(4, root.GetProperty("moves").GetInt32());
        var statuses = root.GetProperty("by_status");
        Assert.Equal(4, statuses.GetProperty("ACCEPTED_ON_L2").GetInt32());
        Assert.Single(statuses.EnumerateObject());
        Assert.True(root.GetProperty("refused_after_revoke").GetBoolean());
        Assert.Equal("SESSION_REVOKED", root.GetProperty("refusal_reason").GetString());
        Assert.Equal(4, root.GetProperty("on_chain_moves_after").GetInt64() - root.GetProperty("on_chain_moves_before").GetInt64());
        var paths = root.GetProperty("paths").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("accepted").GetInt32());
        Assert.Equal(2, paths["outside_execution"]);
        Assert.Equal(2, paths["account_paid"]);
        Assert.Contains("sending one more move with the revoked session ... ok", progress.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_UnknownOption_ExitCodeTwo()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(2, await DemoCommand.RunAsync(["--nope"], output, error));
        Assert.Contains("usage", error.ToString(), StringComparison.Ordinal);
    }
}
