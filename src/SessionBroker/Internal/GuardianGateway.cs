using Broker.Contracts.Guardian.V1;
using Broker.Hosting.Grpc;
using Grpc.Core;
using Starknet;

namespace SessionBroker.Internal;

/// <summary>
/// The broker's calls to GuardianSigner. The client comes from the gRPC client factory with call-context propagation,
/// so a broker call's deadline and cancellation flow into the guardian call. A refusal of the guardian reaches the
/// broker's caller unchanged (status, message and rich details); an unreachable guardian becomes UNAVAILABLE.
/// </summary>
internal sealed class GuardianGateway(GuardianSigner.GuardianSignerClient client)
{
    /// <summary>The name under which the broker's token for the guardian is configured (<c>Auth:CallTokens:Guardian</c>).</summary>
    public const string ServiceName = "Guardian";

    private const string StatusDetailsTrailer = "grpc-status-details-bin";

    private Task<Felt>? _publicKey;

    /// <summary>The guardian's public key, asked once.</summary>
    public async Task<Felt> GetPublicKeyAsync(CancellationToken cancellationToken)
    {
        var pending = _publicKey ??= FetchPublicKeyAsync();
        try
        {
            return await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _publicKey = null;
            throw;
        }
    }

    public Task<CosignAuthorizationResponse> CosignAuthorizationAsync(CosignAuthorizationRequest request, CancellationToken cancellationToken) =>
        Guard(() => client.CosignAuthorizationAsync(request, cancellationToken: cancellationToken).ResponseAsync);

    public Task<CosignResponse> CosignOutsideExecutionAsync(CosignOutsideExecutionRequest request, CancellationToken cancellationToken) =>
        Guard(() => client.CosignOutsideExecutionAsync(request, cancellationToken: cancellationToken).ResponseAsync);

    public Task<CosignResponse> CosignInvokeAsync(CosignInvokeRequest request, CancellationToken cancellationToken) =>
        Guard(() => client.CosignInvokeAsync(request, cancellationToken: cancellationToken).ResponseAsync);

    /// <returns>False when the guardian had already revoked it.</returns>
    public async Task<bool> RevokeAsync(Felt sessionHash, bool onChain, CancellationToken cancellationToken)
    {
        var response = await Guard(() => client.RevokeSessionAsync(
            new GuardianRevokeSessionRequest { SessionHash = sessionHash.ToString(), OnChain = onChain },
            cancellationToken: cancellationToken).ResponseAsync).ConfigureAwait(false);
        return response.NewlyRevoked;
    }

    /// <summary>
    /// What the guardian cosigned for a session, or null when the guardian does not know it, cannot be reached or
    /// refuses the broker's token (the counters are informative; a session lookup does not fail for them, and a
    /// refused token must not reach the caller as if it were the caller's: the broker's other guardian calls report it
    /// as GUARDIAN_AUTH_FAILED).
    /// </summary>
    public async Task<SessionUsage?> GetUsageAsync(Felt sessionHash, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetSessionUsageAsync(new GetSessionUsageRequest { SessionHash = sessionHash.ToString() },
                cancellationToken: cancellationToken).ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.NotFound or StatusCode.Unavailable or StatusCode.Unauthenticated)
        {
            return null;
        }
    }

    private async Task<Felt> FetchPublicKeyAsync()
    {
        // Not tied to one caller's cancellation: the answer is shared by every later call.
        var info = await Guard(() => client.GetGuardianInfoAsync(new GetGuardianInfoRequest(),
            deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync).ConfigureAwait(false);
        return Felt.TryParse(info.PublicKey, out var key) && !key.IsZero
            ? key
            : throw new BrokerRpcException(StatusCode.Internal, "the guardian answered a malformed public key", "GUARDIAN_MALFORMED_ANSWER");
    }

    private static async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && !HasDetails(e))
        {
            throw new BrokerRpcException(StatusCode.Unavailable, "the guardian is unreachable", "GUARDIAN_UNAVAILABLE", innerException: e);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated)
        {
            // The broker's own token, not the caller's: a deployment fault, never passed on as the caller's.
            throw new BrokerRpcException(StatusCode.Internal,
                $"the guardian refused the broker's API token (set {ApiAuthOptions.SectionName}:CallTokens:{ServiceName} to one of the guardian's {ApiAuthOptions.SectionName}:ApiTokens)",
                "GUARDIAN_AUTH_FAILED", innerException: e);
        }
        catch (RpcException e) when (e.StatusCode is not (StatusCode.Cancelled or StatusCode.DeadlineExceeded))
        {
            // Pass the guardian's refusal on as it is; only its rich status travels, no other response trailers.
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

    private static bool HasDetails(RpcException e) => e.Trailers.Get(StatusDetailsTrailer) is not null;
}
