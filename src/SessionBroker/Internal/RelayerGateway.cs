using Broker.Contracts.Relayer.V1;
using Broker.Hosting.Grpc;
using Grpc.Core;
using Proto = Broker.Contracts.Common.V1;

namespace SessionBroker.Internal;

/// <summary>
/// The broker's calls to TxRelayer. The client comes from the gRPC client factory with call-context propagation, so a
/// broker call's deadline and cancellation flow into the relayer call (and the trace with them). A refusal of the
/// relayer reaches the broker's caller unchanged (status, message and rich details); an unreachable relayer becomes
/// UNAVAILABLE / RELAYER_UNAVAILABLE.
/// </summary>
internal sealed class RelayerGateway(TxRelayer.TxRelayerClient client)
{
    /// <summary>The name under which the broker's token for the relayer is configured (<c>Auth:CallTokens:Relayer</c>).</summary>
    public const string ServiceName = "Relayer";

    private const string StatusDetailsTrailer = "grpc-status-details-bin";

    public Task<SubmitResponse> SubmitOutsideExecutionAsync(SubmitOutsideExecutionRequest request, CancellationToken cancellationToken) =>
        Guard(() => client.SubmitOutsideExecutionAsync(request, cancellationToken: cancellationToken).ResponseAsync);

    public Task<PrepareInvokeResponse> PrepareInvokeAsync(PrepareInvokeRequest request, CancellationToken cancellationToken) =>
        Guard(() => client.PrepareInvokeAsync(request, cancellationToken: cancellationToken).ResponseAsync);

    public Task<SubmitResponse> SubmitInvokeAsync(SubmitInvokeRequest request, CancellationToken cancellationToken) =>
        Guard(() => client.SubmitInvokeAsync(request, cancellationToken: cancellationToken).ResponseAsync);

    public Task<Proto.TransactionInfo> GetTransactionAsync(string requestId, CancellationToken cancellationToken) =>
        Guard(() => client.GetTransactionAsync(new GetTransactionRequest { RequestId = requestId }, cancellationToken: cancellationToken).ResponseAsync);

    /// <summary>The stored request, or null when the relayer does not know the id (or cannot be asked).</summary>
    public async Task<Proto.TransactionInfo?> FindAsync(string requestId, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetTransactionAsync(new GetTransactionRequest { RequestId = requestId }, cancellationToken: cancellationToken).ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode is not (StatusCode.Cancelled or StatusCode.DeadlineExceeded))
        {
            return null;
        }
    }

    /// <summary>Streams the relayer's status changes of a request into <paramref name="write"/>.</summary>
    public async Task WatchAsync(string requestId, Func<Proto.TransactionInfo, Task> write, CancellationToken cancellationToken)
    {
        await Guard(async () =>
        {
            using var call = client.WatchTransaction(new GetTransactionRequest { RequestId = requestId }, cancellationToken: cancellationToken);
            await foreach (var info in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await write(info).ConfigureAwait(false);
            }
            return true;
        }).ConfigureAwait(false);
    }

    private static async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && e.Trailers.Get(StatusDetailsTrailer) is null)
        {
            throw new BrokerRpcException(StatusCode.Unavailable, "the relayer is unreachable", "RELAYER_UNAVAILABLE", innerException: e);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated)
        {
            // The broker's own token, not the caller's: a deployment fault, never passed on as the caller's.
            throw new BrokerRpcException(StatusCode.Internal,
                $"the relayer refused the broker's API token (set {ApiAuthOptions.SectionName}:CallTokens:{ServiceName} to one of the relayer's {ApiAuthOptions.SectionName}:ApiTokens)",
                "RELAYER_AUTH_FAILED", innerException: e);
        }
        catch (RpcException e) when (e.StatusCode is not (StatusCode.Cancelled or StatusCode.DeadlineExceeded))
        {
            // Pass the relayer's refusal on as it is; only its rich status travels, no other response trailers.
            var trailers = new Metadata();
            foreach (var entry in e.Trailers)
            {
                if (entry.Key == StatusDetailsTrailer)
                {
                    trailers.Add(entry);
                }
            }
            throw new RpcException(e.Status, trailers, e.Status.Detail);
        }
    }
}
