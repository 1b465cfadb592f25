using Broker.Hosting;
using GuardianSigner;
using GuardianSigner.Keys;

if (KeystoreCommand.IsKeystoreCommand(args))
{
    return await KeystoreCommand.RunAsync(args, Console.In, Console.Out, Console.Error);
}

// Configuration is read once at start (the options are validated then), so appsettings files are not watched for
// changes: watching the content root would also wake a file watcher at every write of the SQLite state under data/.
var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);

builder.AddServiceDefaults();
builder.AddGuardianSigner();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapGuardianSigner();

await app.RunAsync();
return 0;
