using Broker.Hosting;
using TxRelayer.Extensions;
using TxRelayer.Services;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddTxRelayerServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapGrpcService<TxRelayerService>();

app.Run();
