using Broker.Demo;

// The one command: `dotnet run -c Release --project src/Broker.Demo -- [--moves N] [--json]`.
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
// SIGTERM (docker stop, kill, a CI timeout) ends the mission the same way: the stack is stopped and its folder deleted.
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancel.Cancel();
});
return await DemoCommand.RunAsync(args, Console.Out, Console.Error, cancel.Token);
