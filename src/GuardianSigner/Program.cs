using Broker.Hosting;
using GuardianSigner;
using GuardianSigner.Keys;

if (KeystoreCommand.IsKeystoreCommand(args))
{
    return await KeystoreCommand.RunAsync(args, Console.In, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGuardianSigner();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapGuardianSigner();

await app.RunAsync();
return 0;
