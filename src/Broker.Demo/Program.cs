using Broker.Demo;

// The one command: `dotnet run -c Release --project src/Broker.Demo -- [--moves N] [--json]`.
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return await DemoCommand.RunAsync(args, Console.Out, Console.Error, cancel.Token);
