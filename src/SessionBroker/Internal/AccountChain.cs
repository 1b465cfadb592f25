using Broker.Hosting.Grpc;
using Sessions;
using Starknet;
using Starknet.Rpc;

namespace SessionBroker.Internal;

/// <summary>What the broker asks the chain about an Argent account. Failures to reach the node throw a
/// <see cref="BrokerRpcException"/> (UNAVAILABLE, or FAILED_PRECONDITION for an account that cannot answer).</summary>
internal interface IAccountChain
{
    /// <summary><c>starknet_chainId</c>.</summary>
    Task<Felt> GetChainIdAsync(CancellationToken cancellationToken);

    /// <summary>The Argent 0.5.0 view <c>is_owner_guid(H2('Starknet Signer', key))</c>.</summary>
    Task<bool> IsOwnerAsync(Felt account, Felt ownerPublicKey, CancellationToken cancellationToken);

    /// <summary>The Argent 0.5.0 view <c>is_guardian_guid(H2('Starknet Signer', key))</c>.</summary>
    Task<bool> IsGuardianAsync(Felt account, Felt guardianPublicKey, CancellationToken cancellationToken);

    /// <summary>The view <c>is_session_revoked(session_hash)</c> (spec §13.6).</summary>
    Task<bool> IsSessionRevokedAsync(Felt account, Felt sessionHash, CancellationToken cancellationToken);

    /// <summary>
    /// The Argent 0.5.0 view <c>is_session_authorization_cached(session_hash, owner_guid, guardian_guid)</c>
    /// (spec §13.5), at the latest block.
    /// </summary>
    Task<bool> IsSessionAuthorizationCachedAsync(Felt account, Felt sessionHash, Felt ownerGuid, Felt guardianGuid, CancellationToken cancellationToken);

    /// <summary><c>starknet_blockNumber</c>.</summary>
    Task<ulong> GetLatestBlockAsync(CancellationToken cancellationToken);

    /// <summary>One page of <c>SessionRevoked</c> events from any contract between two blocks (inclusive).</summary>
    Task<EventsPage> GetSessionRevokedEventsAsync(ulong fromBlock, ulong toBlock, int chunkSize, string? continuationToken, CancellationToken cancellationToken);
}

/// <summary><see cref="IAccountChain"/> over the node's JSON-RPC API.</summary>
internal sealed class StarknetAccountChain(StarknetRpcClient rpc) : IAccountChain
{
    private static readonly Felt s_isOwnerGuid = Selector.FromName("is_owner_guid");
    private static readonly Felt s_isGuardianGuid = Selector.FromName("is_guardian_guid");

    // The chain id never changes under a running node; ask once.
    private Task<Felt>? _chainId;

    public async Task<Felt> GetChainIdAsync(CancellationToken cancellationToken)
    {
        var pending = _chainId ??= Guard(() => rpc.ChainIdAsync(CancellationToken.None), "starknet_chainId");
        try
        {
            return await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (BrokerRpcException)
        {
            _chainId = null;
            throw;
        }
    }

    public Task<bool> IsOwnerAsync(Felt account, Felt ownerPublicKey, CancellationToken cancellationToken) =>
        CallBoolAsync(new FunctionCall(account, s_isOwnerGuid, [SignerGuid.Starknet(ownerPublicKey)]), "is_owner_guid", cancellationToken);

    public Task<bool> IsGuardianAsync(Felt account, Felt guardianPublicKey, CancellationToken cancellationToken) =>
        CallBoolAsync(new FunctionCall(account, s_isGuardianGuid, [SignerGuid.Starknet(guardianPublicKey)]), "is_guardian_guid", cancellationToken);

    public Task<bool> IsSessionRevokedAsync(Felt account, Felt sessionHash, CancellationToken cancellationToken) =>
        CallBoolAsync(new FunctionCall(account, SessionRevocation.IsSessionRevokedSelector, SessionRevocation.IsSessionRevokedCalldata(sessionHash)),
            "is_session_revoked", cancellationToken);

    public Task<bool> IsSessionAuthorizationCachedAsync(Felt account, Felt sessionHash, Felt ownerGuid, Felt guardianGuid, CancellationToken cancellationToken) =>
        CallBoolAsync(new FunctionCall(account, SessionRevocation.IsSessionAuthorizationCachedSelector,
            SessionRevocation.IsSessionAuthorizationCachedCalldata(sessionHash, ownerGuid, guardianGuid)), "is_session_authorization_cached", cancellationToken);

    public Task<ulong> GetLatestBlockAsync(CancellationToken cancellationToken) =>
        Guard(() => rpc.BlockNumberAsync(cancellationToken), "starknet_blockNumber");

    public Task<EventsPage> GetSessionRevokedEventsAsync(ulong fromBlock, ulong toBlock, int chunkSize, string? continuationToken, CancellationToken cancellationToken) =>
        Guard(() => rpc.GetEventsAsync(new EventFilter
        {
            FromBlock = BlockId.FromNumber(fromBlock),
            ToBlock = BlockId.FromNumber(toBlock),
            Keys = [[SessionRevocation.SessionRevokedEventKey]],
            ChunkSize = chunkSize,
            ContinuationToken = continuationToken,
        }, cancellationToken), "starknet_getEvents");

    private async Task<bool> CallBoolAsync(FunctionCall call, string view, CancellationToken cancellationToken)
    {
        var result = await Guard(() => rpc.CallAsync(call, BlockId.Latest, cancellationToken), view).ConfigureAwait(false);
        if (result.Count != 1 || (result[0] != Felt.Zero && result[0] != Felt.One))
        {
            throw new BrokerRpcException(Grpc.Core.StatusCode.FailedPrecondition,
                $"the account's {view} answered {result.Count} felts instead of one bool; is it an Argent 0.5.0 account?",
                "ACCOUNT_NOT_SUPPORTED");
        }
        return result[0] == Felt.One;
    }

    /// <summary>Node failures as precise statuses: the caller's fault (no such account) or the node's (unreachable).</summary>
    private static async Task<T> Guard<T>(Func<Task<T>> call, string what)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (StarknetRpcException e) when (e.ErrorCode == StarknetErrorCode.ContractNotFound)
        {
            throw BrokerRpcException.FailedPrecondition("no contract is deployed at the account address", "ACCOUNT_NOT_DEPLOYED", "session.account_address");
        }
        catch (StarknetRpcException e) when (e.ErrorCode == StarknetErrorCode.EntryPointNotFound || e is ContractErrorException)
        {
            throw new BrokerRpcException(Grpc.Core.StatusCode.FailedPrecondition,
                $"the account cannot answer {what}; is it an Argent 0.5.0 account?", "ACCOUNT_NOT_SUPPORTED", innerException: e);
        }
        catch (Exception e) when (e is StarknetRpcTransportException or StarknetRpcResponseException or StarknetRpcException)
        {
            throw new BrokerRpcException(Grpc.Core.StatusCode.Unavailable, $"the Starknet node failed on {what}", "NODE_UNAVAILABLE", innerException: e);
        }
    }
}
