using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Polly.Timeout;
using Starknet.Rpc;

namespace Starknet.Tests.Rpc;

/// <summary>
/// Retries, timeouts and cancellation: transient HTTP failures are retried with backoff and then surface as
/// <see cref="StarknetRpcTransportException"/>; caller cancellation stops at once. Delays are milliseconds.
/// </summary>
public sealed class StarknetRpcResilienceTests
{
    private const string ChainId = "\"0x534e5f5345504f4c4941\"";

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    public async Task ChainIdAsync_TransientStatusThenSuccess_RetriesAndSucceeds(HttpStatusCode status)
    {
        var stub = new StubHttpHandler().Then(StubHttpHandler.Status(status), StubHttpHandler.Status(status), StubHttpHandler.Result(ChainId));
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            Assert.Equal(CairoShortString.Encode("SN_SEPOLIA"), await client.ChainIdAsync());
            Assert.Equal(3, stub.Requests.Count);
            Assert.Single(stub.Requests.Select(r => r.Body).Distinct());
        }
    }

    [Fact]
    public async Task ChainIdAsync_ConnectionFailureThenSuccess_RetriesAndSucceeds()
    {
        var stub = new StubHttpHandler().Then(StubHttpHandler.ConnectionFailure(), StubHttpHandler.Result(ChainId));
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            await client.ChainIdAsync();
            Assert.Equal(2, stub.Requests.Count);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task ChainIdAsync_PersistentServiceUnavailable_ThrowsTransportExceptionAfterAllAttempts(int maxRetries)
    {
        var stub = new StubHttpHandler { Fallback = StubHttpHandler.Status(HttpStatusCode.ServiceUnavailable, "busy") };
        var (client, http) = RpcTestSupport.Create(stub, RpcTestSupport.FastOptions() with { MaxRetries = maxRetries });
        using (http)
        {
            var ex = await Assert.ThrowsAsync<StarknetRpcTransportException>(() => client.ChainIdAsync());

            Assert.Equal(maxRetries + 1, ex.Attempts);
            Assert.Equal(maxRetries + 1, stub.Requests.Count);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
            Assert.Equal("starknet_chainId", ex.Method);
        }
    }

    [Fact]
    public async Task ChainIdAsync_PersistentConnectionFailure_ThrowsTransportExceptionWithInner()
    {
        var stub = new StubHttpHandler { Fallback = StubHttpHandler.ConnectionFailure() };
        var (client, http) = RpcTestSupport.Create(stub, RpcTestSupport.FastOptions() with { MaxRetries = 2 });
        using (http)
        {
            var ex = await Assert.ThrowsAsync<StarknetRpcTransportException>(() => client.ChainIdAsync());

            Assert.Equal(3, ex.Attempts);
            Assert.Equal(3, stub.Requests.Count);
            Assert.Null(ex.StatusCode);
            Assert.IsType<HttpRequestException>(ex.InnerException);
        }
    }

    [Fact]
    public async Task ChainIdAsync_RealRefusedConnection_ThrowsTransportExceptionAfterAllAttempts()
    {
        // A loopback port that was just released: connecting to it is refused by the OS.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var http = new HttpClient();
        var client = new StarknetRpcClient(http, RpcTestSupport.FastOptions(new Uri($"http://127.0.0.1:{port}/rpc")) with { MaxRetries = 1 });

        var ex = await Assert.ThrowsAsync<StarknetRpcTransportException>(() => client.ChainIdAsync());

        Assert.Equal(2, ex.Attempts);
        Assert.IsType<HttpRequestException>(ex.InnerException);
    }

    [Fact]
    public async Task ChainIdAsync_AttemptTimesOutThenSucceeds_RetriesAndSucceeds()
    {
        var stub = new StubHttpHandler().Then(StubHttpHandler.Hang(), StubHttpHandler.Result(ChainId));
        var (client, http) = RpcTestSupport.Create(stub, RpcTestSupport.FastOptions() with { Timeout = TimeSpan.FromMilliseconds(50) });
        using (http)
        {
            await client.ChainIdAsync();
            Assert.Equal(2, stub.Requests.Count);
        }
    }

    [Fact]
    public async Task ChainIdAsync_EveryAttemptTimesOut_ThrowsTransportExceptionWithTimeout()
    {
        var stub = new StubHttpHandler { Fallback = StubHttpHandler.Hang() };
        var (client, http) = RpcTestSupport.Create(stub, RpcTestSupport.FastOptions() with { Timeout = TimeSpan.FromMilliseconds(30), MaxRetries = 2 });
        using (http)
        {
            var ex = await Assert.ThrowsAsync<StarknetRpcTransportException>(() => client.ChainIdAsync());

            Assert.Equal(3, ex.Attempts);
            Assert.IsType<TimeoutRejectedException>(ex.InnerException);
        }
    }

    [Fact]
    public async Task ChainIdAsync_HttpClientTimeout_IsRetriedAsTransient()
    {
        var stub = new StubHttpHandler().Then(StubHttpHandler.Hang(), StubHttpHandler.Result(ChainId));
        using var http = new HttpClient(stub) { Timeout = TimeSpan.FromMilliseconds(50) };
        var client = new StarknetRpcClient(http, RpcTestSupport.FastOptions());

        await client.ChainIdAsync();

        Assert.Equal(2, stub.Requests.Count);
    }

    [Fact]
    public async Task ChainIdAsync_RetryAfterHeader_WaitsForItCappedByMaxRetryDelay()
    {
        var stub = new StubHttpHandler().Then(StubHttpHandler.Status(HttpStatusCode.TooManyRequests, retryAfterSeconds: 1), StubHttpHandler.Result(ChainId));
        var options = RpcTestSupport.FastOptions() with { RetryBaseDelay = TimeSpan.FromMilliseconds(1), MaxRetryDelay = TimeSpan.FromMilliseconds(200) };
        var (client, http) = RpcTestSupport.Create(stub, options);
        using (http)
        {
            var watch = Stopwatch.StartNew();
            await client.ChainIdAsync();

            // Without Retry-After the wait would be the 1 ms base delay.
            Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(180), $"waited only {watch.Elapsed.TotalMilliseconds} ms");
            Assert.Equal(2, stub.Requests.Count);
        }
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.BadRequest)]
    public async Task ChainIdAsync_NonTransientStatusWithoutJsonRpcBody_ThrowsTransportExceptionAtOnce(HttpStatusCode status)
    {
        var stub = new StubHttpHandler { Fallback = StubHttpHandler.Status(status, "nope") };
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            var ex = await Assert.ThrowsAsync<StarknetRpcTransportException>(() => client.ChainIdAsync());

            Assert.Equal(1, ex.Attempts);
            Assert.Equal(status, ex.StatusCode);
            Assert.Single(stub.Requests);
        }
    }

    [Fact]
    public async Task ChainIdAsync_AlreadyCancelled_ThrowsWithoutSending()
    {
        var stub = new StubHttpHandler { Fallback = StubHttpHandler.Result(ChainId) };
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ChainIdAsync(new CancellationToken(canceled: true)));
            Assert.Empty(stub.Requests);
        }
    }

    [Fact]
    public async Task ChainIdAsync_CancelledDuringRequest_StopsAtOnceWithoutRetry()
    {
        var stub = new StubHttpHandler { Fallback = StubHttpHandler.Hang() };
        var (client, http) = RpcTestSupport.Create(stub, RpcTestSupport.FastOptions() with { Timeout = TimeSpan.FromSeconds(30) });
        using (http)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
            var watch = Stopwatch.StartNew();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ChainIdAsync(cts.Token));

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
            Assert.Single(stub.Requests);
        }
    }

    [Fact]
    public async Task ChainIdAsync_CancelledDuringBackoff_StopsAtOnce()
    {
        var stub = new StubHttpHandler { Fallback = StubHttpHandler.Status(HttpStatusCode.ServiceUnavailable) };
        var options = RpcTestSupport.FastOptions() with { RetryBaseDelay = TimeSpan.FromSeconds(30), MaxRetryDelay = TimeSpan.FromSeconds(30) };
        var (client, http) = RpcTestSupport.Create(stub, options);
        using (http)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
            var watch = Stopwatch.StartNew();

            var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ChainIdAsync(cts.Token));

            Assert.IsNotType<StarknetRpcTransportException>(ex);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
            Assert.Single(stub.Requests);
        }
    }

    [Fact]
    public async Task AddInvokeTransactionAsync_LostAnswerThenDuplicate_SurfacesDuplicateTransaction()
    {
        // The first attempt reached the node but its answer was lost (503 from a proxy); the retry meets the mempool copy.
        var stub = new StubHttpHandler().Then(
            StubHttpHandler.Status(HttpStatusCode.BadGateway),
            StubHttpHandler.Error(59, "A transaction with the same hash already exists in the mempool"));
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            await Assert.ThrowsAsync<DuplicateTransactionException>(() => client.AddInvokeTransactionAsync(RpcTestSupport.SampleInvoke()));
            Assert.Equal(2, stub.Requests.Count);
        }
    }
}
