using Broker.Hosting;
using SessionBroker.Extensions;
using SessionBroker.Services;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddSessionBrokerServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapGrpcService<SessionBrokerService>();

app.Run();
