using Broker.Hosting.Components;
using Broker.Hosting.PubSub;
using Broker.Hosting.State;
using Dapr.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Broker.Hosting.Dapr;

/// <summary>DI registration of the Dapr adapters.</summary>
public static class DaprServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="DaprClient"/> (endpoints from <c>Components:Dapr</c>, else <c>DAPR_GRPC_ENDPOINT</c> /
    /// <c>DAPR_HTTP_ENDPOINT</c>), <see cref="DaprStateStore"/> as <see cref="IStateStore"/>,
    /// <see cref="DaprEventPublisher"/> as <see cref="IEventPublisher"/> and <see cref="IEnvelopePublisher"/>,
    /// <see cref="ProcessedEventLog"/> and a readiness check of the sidecar. Ports already registered are kept (tests
    /// swap one), as the embedded registrations do.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="appId">The Dapr app id of this service.</param>
    public static IServiceCollection AddDaprComponents(this IServiceCollection services, string appId)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!BrokerComponents.IsValidAppId(appId)) throw new ArgumentException($"'{appId}' is not a valid Dapr app id.", nameof(appId));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddScoped<ProcessedEventLog>();
        services.AddDaprClient((sp, builder) =>
        {
            var options = sp.GetRequiredService<IOptions<ComponentsOptions>>().Value.Dapr;
            if (options.GrpcEndpoint is { } grpc) builder.UseGrpcEndpoint(grpc);
            if (options.HttpEndpoint is { } http) builder.UseHttpEndpoint(http);
            if (options.ApiToken is { } token) builder.UseDaprApiToken(token);
            builder.UseTimeout(options.Timeout);
            builder.UseJsonSerializationOptions(EventJson.Options);
        });
        if (!services.Any(d => d.ServiceType == typeof(IStateStore)))
        {
            services.AddSingleton<IStateStore>(sp => new DaprStateStore(sp.GetRequiredService<DaprClient>()));
        }
        if (!services.Any(d => d.ServiceType == typeof(IEventPublisher)))
        {
            services.AddSingleton(sp => new DaprEventPublisher(sp.GetRequiredService<DaprClient>(), appId, sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<IEventPublisher>(sp => sp.GetRequiredService<DaprEventPublisher>());
            services.AddSingleton<IEnvelopePublisher>(sp => sp.GetRequiredService<DaprEventPublisher>());
        }
        services.AddHealthChecks().AddCheck<DaprSidecarHealthCheck>("dapr-sidecar", tags: ["ready"]);
        return services;
    }
}
