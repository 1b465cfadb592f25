using Broker.Hosting.State;
using Microsoft.Extensions.Options;
using Starknet.Rpc;
using TxRelayer.Internal;

namespace TxRelayer.Extensions;

internal static class Extensions
{
    /// <summary>The relayer's own services: options, keys, the node client, the state, the lanes, the tracker and start-up.</summary>
    public static IHostApplicationBuilder AddTxRelayerServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RelayerOptions>()
            .BindConfiguration(RelayerOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RelayerOptions>, RelayerOptionsValidator>();

        // Embedded adapters unless a test or the Dapr adapter registered others first.
        services.AddEmbeddedComponents();

        // The RPC client's own pipeline does timeouts and retries, so the HttpClient timeout stays out of its way.
        services.AddHttpClient(nameof(StarknetRpcClient), client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RelayerOptions>>().Value;
            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(StarknetRpcClient));
            return new StarknetRpcClient(http, new StarknetRpcOptions
            {
                Endpoint = options.NodeUrl!,
                Timeout = options.NodeTimeout,
                MaxRetries = options.NodeRetries,
                RetryBaseDelay = TimeSpan.FromMilliseconds(50),
                MaxRetryDelay = TimeSpan.FromSeconds(2),
            });
        });

        services.AddSingleton<IReadOnlyList<RelayerKey>>(RelayerKeyLoader.Load);
        services.AddSingleton<RelayerChain>();
        services.AddSingleton<FeePolicy>();
        services.AddSingleton<RelayStore>();
        services.AddSingleton<RequestUpdates>();
        services.AddSingleton<TransactionTracker>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<RelayerPool>(sp, sp.GetRequiredService<IReadOnlyList<RelayerKey>>()));
        services.AddSingleton<InvokeSubmitter>();
        services.AddHostedService<RelayerStartup>();
        services.AddHostedService(sp => sp.GetRequiredService<TransactionTracker>());
        return builder;
    }
}
