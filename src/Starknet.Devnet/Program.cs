using Starknet.Devnet;
using Starknet.Devnet.Hosting;

// The Starknet devnet: a development and test node, not a consensus client (README.md). The wiring is in DevnetHost.
if (DevnetCommandLine.WantsHelp(args))
{
    Console.WriteLine(DevnetCommandLine.Usage);
    return 0;
}
if (DevnetCommandLine.Parse(args, Console.Error) is not { } settings)
{
    return 2;
}
DevnetHost host;
try
{
    host = await DevnetHost.StartAsync(settings.Options, settings.Genesis);
}
catch (IOException ex)
{
    Console.Error.WriteLine($"Cannot listen on 127.0.0.1:{settings.Options.Port}: {ex.Message}");
    return 1;
}
await using (host)
{
    await host.WaitForShutdownAsync();
}
return 0;
