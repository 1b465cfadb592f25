using System.Diagnostics;

namespace Broker.Demo.Tests;

/// <summary>
/// The demo as its own process (the Broker.Demo.dll beside this test, run with <c>dotnet</c>), against the devnet
/// stand-in and the three real service hosts it starts: SIGTERM in the middle of the moves (docker stop, kill, a CI
/// timeout) ends it promptly, with the summary saying it was interrupted, exit code 1 and its temporary data folder
/// removed, as Ctrl+C does.
/// </summary>
public sealed class DemoSignalTests
{
    [Fact]
    public async Task Demo_SigtermDuringTheMoves_InterruptedSummaryExitOneFolderRemoved()
    {
        Assert.True(OperatingSystem.IsLinux(), "SIGTERM and /proc: this test runs on Linux, as CI does.");
        var demo = Path.Combine(AppContext.BaseDirectory, "Broker.Demo.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[demo, "--moves", "10000"])
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        string dataFolder;
        // Without --json, progress and summary both go to stdout.
        var errors = process.StandardError.ReadToEndAsync();
        var sending = new TaskCompletionSource();
        var output = new System.Text.StringBuilder();
        var reading = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (output) output.AppendLine(line);
                if (line.Contains("sending 10000 moves", StringComparison.Ordinal)) sending.TrySetResult();
            }
        });

        try
        {
            await sending.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await Task.Delay(500);
            // The demo's own data folder: the one its open SQLite files are in (other tests' stacks run beside it).
            dataFolder = Directory.GetFiles($"/proc/{process.Id}/fd")
                .Select(fd => new FileInfo(fd).LinkTarget)
                .Where(target => target is not null && target.Contains("broker-demo-", StringComparison.Ordinal))
                .Select(target => Path.GetDirectoryName(target)!)
                .First();
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
                Assert.Equal(0, kill.ExitCode);
            }
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }

        await reading;
        var text = output.ToString();
        Assert.True(process.ExitCode == 1, $"exit code {process.ExitCode}\n{text}\n{await errors}");
        Assert.Contains("\ninterrupted\n", text, StringComparison.Ordinal);
        Assert.Contains("Summary: FAILED at 'sending 10000 moves", text, StringComparison.Ordinal);
        Assert.Contains("interrupted (Ctrl+C or SIGTERM)", text, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dataFolder), $"{dataFolder} is left behind");
    }
}
