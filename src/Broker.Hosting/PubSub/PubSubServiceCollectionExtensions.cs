using Broker.Hosting.PubSub.InProcess;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Broker.Hosting.PubSub;

/// <summary>DI registration of the pub/sub port.</summary>
public static class PubSubServiceCollectionExtensions
{
    /// <summary>
    /// Subscribes <typeparamref name="THandler"/> to <paramref name="topic"/> of the <see cref="BrokerComponents.PubSub"/>
    /// component. Events that exhaust their attempts go to <paramref name="deadLetterTopic"/>
    /// (default <see cref="BrokerComponents.Topics.DeadLetter"/>; null keeps them only in the adapter's dead-letter list).
    /// </summary>
    public static IServiceCollection AddEventHandler<THandler>(
        this IServiceCollection services, string topic, string? deadLetterTopic = BrokerComponents.Topics.DeadLetter)
        where THandler : class, ITopicHandler
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(topic);
        services.TryAddScoped<THandler>();
        services.AddSingleton(new EventSubscription(BrokerComponents.PubSub, topic, typeof(THandler), deadLetterTopic));
        return services;
    }

    /// <summary>
    /// Registers the in-process pub/sub (<see cref="InProcessPubSub"/>) as <see cref="IEventPublisher"/>,
    /// <see cref="IEnvelopePublisher"/> and as a
    /// hosted service, with options from <c>PubSub:InProcess</c>, and <see cref="ProcessedEventLog"/>. Does nothing
    /// if an <see cref="IEventPublisher"/> is already registered.
    /// </summary>
    public static IServiceCollection AddInProcessPubSub(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddScoped<ProcessedEventLog>();
        if (services.Any(d => d.ServiceType == typeof(IEventPublisher))) return services;
        services.AddOptions<InProcessPubSubOptions>().BindConfiguration(InProcessPubSubOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InProcessPubSubOptions>, InProcessPubSubOptionsValidator>());
        services.AddSingleton<InProcessPubSub>();
        services.AddSingleton<IEventPublisher>(sp => sp.GetRequiredService<InProcessPubSub>());
        services.AddSingleton<IEnvelopePublisher>(sp => sp.GetRequiredService<InProcessPubSub>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<InProcessPubSub>());
        return services;
    }
}
