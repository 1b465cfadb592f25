using Broker.Contracts.Guardian.V1;
using Broker.Hosting.Components;
using Broker.Hosting.Grpc;
using Microsoft.Extensions.Options;
using SessionBroker.Internal;
using Starknet.Rpc;

namespace SessionBroker.Extensions;

internal static class Extensions
{
    /// <summary>The broker's own services: options, the node client, the guardian client, the registry and the watcher.</summary>
    public static IHostApplicationBuilder AddSessionBrokerServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SessionBrokerOptions>()
            .BindConfiguration(SessionBrokerOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SessionBrokerOptions>, SessionBrokerOptionsValidator>();

        // The state and pub/sub ports and the transactional outbox with its relay subscription (topic
        // outbox-<appId>), which the registry writes through. AddServiceDefaults has registered them already (then this
        // does nothing); without it they are registered here, in the mode of Components:Mode.
        builder.AddBrokerComponents();

        // The RPC client's own pipeline does timeouts and retries, so the HttpClient timeout stays out of its way.
        services.AddHttpClient(nameof(StarknetRpcClient), client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SessionBrokerOptions>>().Value;
            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(StarknetRpcClient));
            // Retries and timeouts run on the wall clock, whatever clock the broker's policies use.
            return new StarknetRpcClient(http, new StarknetRpcOptions { Endpoint = options.NodeUrl!, Timeout = options.NodeTimeout });
        });
        services.AddSingleton<IAccountChain, StarknetAccountChain>();

        services.AddGrpcClient<GuardianSigner.GuardianSignerClient>((sp, o) =>
                o.Address = sp.GetRequiredService<IOptions<SessionBrokerOptions>>().Value.GuardianUrl)
            // Deadlines and cancellation of the broker call flow into the guardian call; the watcher calls outside
            // any broker call.
            .EnableCallContextPropagation(o => o.SuppressContextNotFoundErrors = true)
            .AddApiToken(GuardianGateway.ServiceName);
        services.AddSingleton<GuardianGateway>();

        services.AddGrpcClient<Broker.Contracts.Relayer.V1.TxRelayer.TxRelayerClient>((sp, o) =>
                o.Address = sp.GetRequiredService<IOptions<SessionBrokerOptions>>().Value.RelayerUrl)
            .EnableCallContextPropagation(o => o.SuppressContextNotFoundErrors = true)
            .AddApiToken(RelayerGateway.ServiceName);
        services.AddSingleton<RelayerGateway>();
        services.AddSingleton<SessionExecutor>();

        services.AddSingleton<SessionRegistry>();
        services.AddHostedService<RevocationWatcher>();
        return builder;
    }
}
