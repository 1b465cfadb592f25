using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Broker.Hosting.Tests;

/// <summary>When <c>AddServiceDefaults</c> records spans: with an OTLP endpoint, or when <c>Telemetry:Tracing</c> says so.</summary>
public sealed class ServiceDefaultsTests
{
    private static async Task<TracerProvider?> TracerProviderAsync(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        settings["State:Sqlite:ConnectionString"] = $"Data Source=defaults-{Guid.NewGuid():N};Mode=Memory;Cache=Shared";
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        await using var app = builder.Build();
        return app.Services.GetService<TracerProvider>();
    }

    [Fact]
    public async Task Tracing_NoExporterNoSetting_NoSpansRecorded()
    {
        Assert.Null(await TracerProviderAsync([]));
    }

    [Fact]
    public async Task Tracing_OtlpEndpoint_SpansRecorded()
    {
        Assert.NotNull(await TracerProviderAsync(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4317" }));
    }

    [Fact]
    public async Task Tracing_SettingTrue_SpansRecordedWithoutExporter()
    {
        Assert.NotNull(await TracerProviderAsync(new() { ["Telemetry:Tracing"] = "true" }));
    }

    [Fact]
    public async Task Tracing_NotABoolean_StartupFailsNamingTheSetting()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TracerProviderAsync(new() { ["Telemetry:Tracing"] = "yes" }));
        Assert.Contains("Telemetry:Tracing", error.Message, StringComparison.Ordinal);
    }
}
