using Broker.Hosting;
using SessionBroker.Extensions;
using SessionBroker.Services;

// Configuration is read once at start (the options are validated then), so appsettings files are not watched for
// changes: watching the content root would also wake a file watcher at every write of the SQLite state under data/.
var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);

builder.AddServiceDefaults();
builder.AddSessionBrokerServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapGrpcService<SessionBrokerService>();

app.Run();
