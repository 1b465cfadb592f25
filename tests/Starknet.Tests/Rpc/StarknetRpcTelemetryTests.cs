using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Starknet.Rpc;

namespace Starknet.Tests.Rpc;

/// <summary>
/// Every call starts one client activity on <see cref="StarknetRpcClient.ActivitySourceName"/> with the OpenTelemetry
/// JSON-RPC tags. Tests in other classes run at the same time, so each test listens only to its own endpoint host.
/// </summary>
public sealed class StarknetRpcTelemetryTests : IDisposable
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;
    private readonly string _host = $"telemetry-{Guid.NewGuid():N}.test";

    public StarknetRpcTelemetryTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == StarknetRpcClient.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("server.address") as string == _host)
                {
                    _stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    private (StarknetRpcClient, HttpClient) Create(StubHttpHandler stub) =>
        RpcTestSupport.Create(stub, RpcTestSupport.FastOptions(new Uri($"http://{_host}:5050/rpc")));

    [Fact]
    public async Task Calls_EachCall_StartsOneClientActivityNamedAfterMethod()
    {
        var stub = new StubHttpHandler().Then(StubHttpHandler.Result("\"0x1\""), StubHttpHandler.Result("\"0.10.0\""), StubHttpHandler.Result("\"0x2\""));
        var (client, http) = Create(stub);
        using (http)
        {
            await client.ChainIdAsync();
            await client.SpecVersionAsync();
            await client.GetNonceAsync(5, BlockId.PreConfirmed);

            var activities = _stopped.ToArray();
            Assert.Equal(["starknet_chainId", "starknet_specVersion", "starknet_getNonce"], activities.Select(a => a.DisplayName));
            Assert.All(activities, a => Assert.Equal(ActivityKind.Client, a.Kind));
            var nonce = activities[2];
            Assert.Equal("jsonrpc", nonce.GetTagItem("rpc.system"));
            Assert.Equal("starknet_getNonce", nonce.GetTagItem("rpc.method"));
            Assert.Equal("2.0", nonce.GetTagItem("rpc.jsonrpc.version"));
            Assert.Equal(stub.Requests[2].Id, nonce.GetTagItem("rpc.jsonrpc.request_id"));
            Assert.Equal(5050, nonce.GetTagItem("server.port"));
            Assert.Equal(1, nonce.GetTagItem("starknet.rpc.attempts"));
            Assert.Equal(ActivityStatusCode.Unset, nonce.Status);
        }
    }

    [Fact]
    public async Task AddInvokeTransactionAsync_NodeError_MarksActivityWithErrorCode()
    {
        var stub = new StubHttpHandler().Then(StubHttpHandler.Error(55, "Account validation failed", "\"session/expired\""));
        var (client, http) = Create(stub);
        using (http)
        {
            await Assert.ThrowsAsync<ValidationFailureException>(() => client.AddInvokeTransactionAsync(RpcTestSupport.SampleInvoke()));

            var activity = Assert.Single(_stopped);
            Assert.Equal(ActivityStatusCode.Error, activity.Status);
            Assert.Equal(55, activity.GetTagItem("rpc.jsonrpc.error_code"));
            Assert.Equal("Account validation failed", activity.GetTagItem("rpc.jsonrpc.error_message"));
        }
    }

    [Fact]
    public async Task ChainIdAsync_Retries_RecordsOneActivityWithRetryEvents()
    {
        var stub = new StubHttpHandler().Then(
            StubHttpHandler.Status(HttpStatusCode.ServiceUnavailable),
            StubHttpHandler.Status(HttpStatusCode.TooManyRequests),
            StubHttpHandler.Result("\"0x1\""));
        var (client, http) = Create(stub);
        using (http)
        {
            await client.ChainIdAsync();

            var activity = Assert.Single(_stopped);
            Assert.Equal(3, activity.GetTagItem("starknet.rpc.attempts"));
            var retries = activity.Events.Where(e => e.Name == "starknet.rpc.retry").ToArray();
            Assert.Equal(2, retries.Length);
            Assert.Equal("HTTP 503", retries[0].Tags.Single(t => t.Key == "starknet.rpc.retry.reason").Value);
            Assert.Equal("HTTP 429", retries[1].Tags.Single(t => t.Key == "starknet.rpc.retry.reason").Value);
        }
    }

    [Fact]
    public async Task ChainIdAsync_TransportFailure_MarksActivityWithErrorType()
    {
        var stub = new StubHttpHandler { Fallback = StubHttpHandler.Status(HttpStatusCode.ServiceUnavailable) };
        var (client, http) = Create(stub);
        using (http)
        {
            await Assert.ThrowsAsync<StarknetRpcTransportException>(() => client.ChainIdAsync());

            var activity = Assert.Single(_stopped);
            Assert.Equal(ActivityStatusCode.Error, activity.Status);
            Assert.Equal(typeof(StarknetRpcTransportException).FullName, activity.GetTagItem("error.type"));
            Assert.Equal(503, activity.GetTagItem("http.response.status_code"));
        }
    }
}
