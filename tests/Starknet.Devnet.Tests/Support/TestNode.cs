using Microsoft.Extensions.Logging;
using Starknet.Rpc;

namespace Starknet.Devnet.Tests.Support;

/// <summary>An in-process devnet on 127.0.0.1 (port 0) with a hand-set clock and an RPC client pointed at it.</summary>
internal sealed class TestNode : IAsyncDisposable
{
    private TestNode(DevnetHost host, ManualTimeProvider time, HttpClient http, StarknetRpcClient client)
    {
        Host = host;
        Time = time;
        Http = http;
        Client = client;
    }

    public DevnetHost Host { get; }

    public ManualTimeProvider Time { get; }

    public StarknetRpcClient Client { get; }

    public HttpClient Http { get; }

    public DevnetState State => Host.State;

    public static async Task<TestNode> StartAsync(DevnetGenesis? genesis = null, DevnetOptions? options = null, ulong? startTime = null, Func<Uri, StarknetRpcOptions>? clientOptions = null)
    {
        var time = new ManualTimeProvider(startTime ?? TestChain.StartTime);
        var host = await DevnetHost.StartAsync((options ?? new DevnetOptions()) with { Port = 0 }, genesis ?? TestChain.Genesis(), time,
            logging => logging.ClearProviders());
        var http = new HttpClient();
        var client = new StarknetRpcClient(http, clientOptions?.Invoke(host.RpcEndpoint) ?? new StarknetRpcOptions
        {
            Endpoint = host.RpcEndpoint,
            MaxRetries = 0,
            Timeout = TimeSpan.FromSeconds(20),
        });
        return new TestNode(host, time, http, client);
    }

    /// <summary>Submits a transaction (its hash must be the one the devnet computes) and returns its receipt.</summary>
    public async Task<TransactionReceipt> SubmitAsync(BroadcastedInvokeV3 tx)
    {
        var hash = await Client.AddInvokeTransactionAsync(tx);
        Assert.Equal(tx.ComputeHash(), hash);
        return await Client.GetTransactionReceiptAsync(hash);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>One devnet per test class; tests reset it to the state they need.</summary>
public sealed class DevnetFixture : IAsyncLifetime
{
    internal TestNode Node { get; private set; } = null!;

    public async Task InitializeAsync() => Node = await TestNode.StartAsync();

    public async Task DisposeAsync() => await Node.DisposeAsync();
}
