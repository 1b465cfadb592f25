using Broker.DaprStandIn;
using Broker.Hosting.Components;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Broker.Hosting.Tests.Infrastructure;

/// <summary>
/// A minimal service built like the real ones (<c>AddServiceDefaults</c> + <c>MapDefaultEndpoints</c>) on a
/// TestServer, in embedded mode or in Dapr mode next to a stand-in sidecar (<see cref="StandInSidecar"/>, not daprd)
/// whose app channel is the TestServer.
/// </summary>
internal sealed class TestApp : IAsyncDisposable
{
    private TestApp(WebApplication app, StandInSidecar? sidecar)
    {
        App = app;
        Sidecar = sidecar;
    }

    public WebApplication App { get; }

    public StandInSidecar? Sidecar { get; }

    public IServiceProvider Services => App.Services;

    public static async Task<TestApp> StartAsync(
        ComponentsMode mode,
        Action<IServiceCollection> configure,
        StandInDaprCluster? cluster = null,
        string appId = "test-app",
        IDictionary<string, string?>? settings = null,
        string? appApiToken = null)
    {
        var sidecar = mode == ComponentsMode.Dapr ? await StandInSidecar.StartAsync(appId, cluster ?? new StandInDaprCluster()) : null;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        var configuration = new Dictionary<string, string?>
        {
            ["Components:Mode"] = mode.ToString(),
            ["Components:Dapr:AppId"] = appId,
            ["Components:Dapr:GrpcEndpoint"] = sidecar?.GrpcEndpoint.ToString(),
            ["Components:Dapr:HttpEndpoint"] = sidecar?.HttpEndpoint.ToString(),
            ["State:Sqlite:ConnectionString"] = $"Data Source=app-{Guid.NewGuid():N};Mode=Memory;Cache=Shared",
            ["PubSub:InProcess:MaxAttempts"] = "3",
            ["PubSub:InProcess:InitialBackoff"] = "00:00:00.010",
            ["PubSub:InProcess:MaxBackoff"] = "00:00:00.020",
            ["Components:Dapr:AppApiToken"] = appApiToken,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) configuration[key] = value;
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.ClearProviders();
        builder.AddServiceDefaults();
        configure(builder.Services);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();
        if (sidecar is not null)
        {
            // The app channel sends the app API token as daprd does (dapr-api-token on every call to the app).
            var channel = app.GetTestClient();
            if (appApiToken is not null)
            {
                channel.DefaultRequestHeaders.Add("dapr-api-token", appApiToken);
            }
            await sidecar.ConnectAppAsync(channel);
        }
        return new TestApp(app, sidecar);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        if (Sidecar is not null) await Sidecar.DisposeAsync();
    }
}
