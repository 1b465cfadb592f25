using Broker.Hosting.Components;
using Broker.Hosting.Grpc;
using Broker.Hosting.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Broker.Hosting;

/// <summary>What every broker host gets: telemetry, gRPC with the error and API-token interceptors, health checks and reflection.</summary>
public static class ServiceDefaultsExtensions
{
    private const string HealthPath = "/health";
    private const string AlivePath = "/alive";

    /// <summary>
    /// Adds OpenTelemetry logs, metrics and traces (exported over OTLP only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
    /// is set; spans are recorded only then, or with <c>Telemetry:Tracing</c> = true), gRPC with
    /// <see cref="BrokerExceptionInterceptor"/> and <see cref="ApiTokenInterceptor"/> (section <c>Auth</c>, see
    /// <see cref="ApiAuthOptions"/>), gRPC health checks and reflection,
    /// <see cref="TimeProvider.System"/> unless a TimeProvider is already registered, the state and pub/sub ports for
    /// <c>Components:Mode</c> (<see cref="ComponentsServiceCollectionExtensions.AddBrokerComponents{TBuilder}"/>) and
    /// GuardianSigner's metric instruments (<see cref="GuardianMetrics"/>).
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureOpenTelemetry();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<GuardianMetrics>();
        builder.AddBrokerComponents();
        builder.Services.AddApiAuth();
        builder.Services.AddGrpc(options =>
        {
            options.Interceptors.Add<BrokerExceptionInterceptor>();
            // After the exception interceptor, which turns its refusal into UNAUTHENTICATED with the reason.
            options.Interceptors.Add<ApiTokenInterceptor>();
            // Our own limits on repeated fields apply first; this only stops absurd payloads early.
            options.MaxReceiveMessageSize = 4 * 1024 * 1024;
        });
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>
    /// Maps the gRPC health service, gRPC reflection, HTTP <c>/health</c> (ready) and <c>/alive</c> (live), and in
    /// Dapr mode the Dapr app API routes of pub/sub.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcHealthChecksService();
        // Reflection only describes the public contracts in protos/, which are published anyway.
        app.MapGrpcReflectionService();
        // The health endpoints reveal nothing but up/down, so they stay open in every environment.
        app.MapHealthChecks(HealthPath);
        app.MapHealthChecks(AlivePath, new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") });
        app.MapBrokerComponents();
        return app;
    }

    private static void ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var applicationName = builder.Environment.ApplicationName;
        var exporting = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(applicationName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddMeter(applicationName, "Broker.*", "Grpc.AspNetCore.Server", "Grpc.Net.Client"));

        // Spans nobody exports are not recorded: the tracer provider samples, tags and enriches every request, RPC and
        // pub/sub delivery (~2% of the pipeline benchmark's CPU, and ~3% of its allocations). Without it the runtime
        // still carries W3C trace context between the services (traceparent headers, the CloudEvents' traceparent), so
        // a collector added later, or any other ActivityListener, sees whole traces.
        var tracingSetting = builder.Configuration["Telemetry:Tracing"];
        var tracing = false;
        if (!string.IsNullOrWhiteSpace(tracingSetting) && !bool.TryParse(tracingSetting, out tracing))
        {
            throw new InvalidOperationException($"Telemetry:Tracing must be true or false; it is '{tracingSetting}'.");
        }
        // The OTLP exporter, once set up, records spans whatever the setting says.
        if (tracing || exporting)
        {
            otel.WithTracing(tracing => tracing
                // "Grpc.Net.Client": the client span of each gRPC call between the services (its ActivitySource).
                .AddSource(applicationName, "Broker.*", HostingTelemetry.ActivitySourceName, HostingTelemetry.StarknetRpcActivitySourceName, "Grpc.Net.Client")
                .AddAspNetCoreInstrumentation(options =>
                    options.Filter = context => !context.Request.Path.StartsWithSegments(HealthPath)
                        && !context.Request.Path.StartsWithSegments(AlivePath))
                .AddHttpClientInstrumentation());
        }

        if (exporting)
        {
            otel.UseOtlpExporter();
        }
    }
}
