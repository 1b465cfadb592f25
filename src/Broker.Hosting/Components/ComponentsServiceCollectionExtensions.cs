using Broker.Hosting.Dapr;
using Broker.Hosting.Outbox;
using Broker.Hosting.PubSub;
using Broker.Hosting.PubSub.InProcess;
using Broker.Hosting.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Broker.Hosting.Components;

/// <summary>The one switch between the embedded adapters and the Dapr adapters.</summary>
public static class ComponentsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the state and pub/sub ports for the mode in <c>Components:Mode</c> (<c>Embedded</c> by default:
    /// SQLite and in-process; <c>Dapr</c>: the sidecar), <see cref="BrokerAppIdentity"/> and the
    /// <see cref="ITransactionalOutbox"/> with its relay. Ports registered before are kept, so tests can swap one.
    /// Called by <see cref="ServiceDefaultsExtensions.AddServiceDefaults"/>; calling it again does nothing.
    /// </summary>
    public static TBuilder AddBrokerComponents<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(BrokerAppIdentity))) return builder;

        services.AddOptions<ComponentsOptions>().BindConfiguration(ComponentsOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ComponentsOptions>, ComponentsOptionsValidator>());
        // The mode decides which services exist, so it is read now; the validator reports a bad value at startup.
        var options = builder.Configuration.GetSection(ComponentsOptions.SectionName).Get<ComponentsOptions>() ?? new ComponentsOptions();
        var appId = options.Dapr?.AppId ?? BrokerComponents.AppIdOf(builder.Environment.ApplicationName);
        services.AddSingleton(new BrokerAppIdentity(appId, options.Mode));

        if (options.Mode == ComponentsMode.Dapr)
        {
            services.AddDaprComponents(appId);
        }
        else
        {
            services.AddEmbeddedComponents();
        }
        services.AddTransactionalOutbox(appId);
        return builder;
    }

    /// <summary>
    /// Registers <see cref="ITransactionalOutbox"/> (options from <c>Outbox</c>) and subscribes
    /// <see cref="OutboxRelayHandler"/> to this service's outbox topic.
    /// </summary>
    public static IServiceCollection AddTransactionalOutbox(this IServiceCollection services, string appId)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(ITransactionalOutbox))) return services;
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OutboxOptions>, OutboxOptionsValidator>());
        services.AddSingleton<TransactionalOutbox>();
        services.AddSingleton<CommitThenPublishOutbox>();
        // Over the in-process bus the marker protocol adds no durability (see CommitThenPublishOutbox).
        services.AddSingleton<ITransactionalOutbox>(sp => sp.GetRequiredService<IEnvelopePublisher>() is InProcessPubSub
            ? sp.GetRequiredService<CommitThenPublishOutbox>()
            : sp.GetRequiredService<TransactionalOutbox>());
        services.AddEventHandler<OutboxRelayHandler>(BrokerComponents.Topics.Outbox(appId));
        return services;
    }

    /// <summary>In Dapr mode, maps the Dapr app API routes of pub/sub (deliveries, <c>/dapr/subscribe</c>, dead letters).</summary>
    public static WebApplication MapBrokerComponents(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetService<BrokerAppIdentity>() is { Mode: ComponentsMode.Dapr })
        {
            app.MapDaprSubscriptions();
        }
        return app;
    }
}
