using System.Collections.Concurrent;
using System.Text.Json;
using Broker.Contracts.Guardian.V1;
using Broker.Hosting;
using Broker.Hosting.Components;
using Broker.Hosting.PubSub;
using Broker.Hosting.State;
using Grpc.Core;
using SessionBroker.Internal;
using Sessions;
using Starknet;
using Starknet.Rpc;

namespace SessionBroker.Tests.Infrastructure;

/// <summary>
/// A guardian that signs with a real key and records what it was asked, standing in for GuardianSigner in the unit
/// tests of the service class. <see cref="Failure"/> makes every call fail with that status.
/// </summary>
internal sealed class FakeGuardianClient(Felt privateKey) : Broker.Contracts.Guardian.V1.GuardianSigner.GuardianSignerClient
{
    public Felt PublicKey { get; } = Ecdsa.GetPublicKey(privateKey);
    public ConcurrentQueue<string> Calls { get; } = new();
    public HashSet<string> Revoked { get; } = [];
    public List<(string SessionHash, bool OnChain)> Revocations { get; } = [];
    public RpcException? Failure { get; set; }

    public override AsyncUnaryCall<GuardianInfo> GetGuardianInfoAsync(GetGuardianInfoRequest request, CallOptions options) =>
        Answer("GetGuardianInfo", () => new GuardianInfo { PublicKey = PublicKey.ToString(), Guid = SignerGuid.Starknet(PublicKey).ToString() });

    public override AsyncUnaryCall<CosignAuthorizationResponse> CosignAuthorizationAsync(CosignAuthorizationRequest request, CallOptions options) =>
        Answer("CosignAuthorization", () =>
        {
            var s = request.Session;
            var session = new SessionRequest(Felt.Parse(s.ChainId), Felt.Parse(s.AccountAddress), Felt.Parse(s.SessionPublicKey), s.ExpiresAt,
                [.. s.AllowedMethods.Select(m => new AllowedMethod(Felt.Parse(m.ContractAddress), m.EntryPoint))], s.Metadata);
            var guardian = StarknetSignerSignature.Sign(privateKey, session.SessionHash);
            var owner = new StarknetSignerSignature(Felt.Parse(request.OwnerPublicKey),
                new StarkSignature(Felt.Parse(request.OwnerSignature.R), Felt.Parse(request.OwnerSignature.S)));
            var response = new CosignAuthorizationResponse
            {
                SessionHash = session.SessionHash.ToString(),
                GuardianPublicKey = PublicKey.ToString(),
                GuardianSignature = new() { R = guardian.Signature.R.ToString(), S = guardian.Signature.S.ToString() },
            };
            response.Authorization.AddRange(SessionAuthorization.Regular(owner, guardian).ToFelts().Select(f => f.ToString()));
            return response;
        });

    public override AsyncUnaryCall<GuardianRevokeSessionResponse> RevokeSessionAsync(GuardianRevokeSessionRequest request, CallOptions options) =>
        Answer("RevokeSession", () =>
        {
            lock (Revocations)
            {
                Revocations.Add((request.SessionHash, request.OnChain));
                return new GuardianRevokeSessionResponse { NewlyRevoked = Revoked.Add(request.SessionHash) };
            }
        });

    /// <summary>How the guardian answers CosignOutsideExecution (set by the tests that get that far).</summary>
    public Func<CosignOutsideExecutionRequest, CosignResponse>? OutsideExecutionAnswer { get; set; }

    public override AsyncUnaryCall<CosignResponse> CosignOutsideExecutionAsync(CosignOutsideExecutionRequest request, CallOptions options) =>
        Answer("CosignOutsideExecution", () => (OutsideExecutionAnswer ?? throw new InvalidOperationException("no cosign answer set"))(request));

    /// <summary>Usage the guardian reports per session hash (what it would have counted while cosigning).</summary>
    public Dictionary<string, SessionUsage> Usage { get; } = [];

    // Not recorded in <see cref="Calls"/>: the tests there check the order of cosign and revoke calls.
    public override AsyncUnaryCall<SessionUsage> GetSessionUsageAsync(GetSessionUsageRequest request, CallOptions options)
    {
        var task = Failure is { } failure ? Task.FromException<SessionUsage>(failure)
            : Usage.TryGetValue(request.SessionHash, out var usage) ? Task.FromResult(usage)
            : Task.FromException<SessionUsage>(new RpcException(new Status(StatusCode.NotFound, "session not registered with this guardian")));
        return new AsyncUnaryCall<SessionUsage>(task, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    private AsyncUnaryCall<T> Answer<T>(string method, Func<T> answer)
    {
        Calls.Enqueue(method);
        var task = Failure is { } failure ? Task.FromException<T>(failure) : Task.FromResult(answer());
        return new AsyncUnaryCall<T>(task, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }
}

/// <summary>A chain with settable answers, and SessionRevoked events to hand the watcher.</summary>
internal sealed class FakeAccountChain : IAccountChain
{
    public Felt ChainId { get; set; } = TestKeys.ChainId;
    public HashSet<(Felt Account, Felt Key)> Owners { get; } = [];
    public HashSet<(Felt Account, Felt Key)> Guardians { get; } = [];
    public HashSet<Felt> RevokedOnChain { get; } = [];
    public List<EmittedEvent> Events { get; } = [];
    public ulong LatestBlock { get; set; } = 10;

    public Task<Felt> GetChainIdAsync(CancellationToken cancellationToken) => Task.FromResult(ChainId);

    public Task<bool> IsOwnerAsync(Felt account, Felt ownerPublicKey, CancellationToken cancellationToken) =>
        Task.FromResult(Owners.Contains((account, ownerPublicKey)));

    public Task<bool> IsGuardianAsync(Felt account, Felt guardianPublicKey, CancellationToken cancellationToken) =>
        Task.FromResult(Guardians.Contains((account, guardianPublicKey)));

    public Task<bool> IsSessionRevokedAsync(Felt account, Felt sessionHash, CancellationToken cancellationToken) =>
        Task.FromResult(RevokedOnChain.Contains(sessionHash));

    /// <summary>Sessions whose authorization the fake account has cached, with the owner and guardian GUIDs asked for.</summary>
    public HashSet<(Felt SessionHash, Felt OwnerGuid, Felt GuardianGuid)> CachedAuthorizations { get; } = [];

    public Task<bool> IsSessionAuthorizationCachedAsync(Felt account, Felt sessionHash, Felt ownerGuid, Felt guardianGuid, CancellationToken cancellationToken)
    {
        lock (CachedAuthorizations)
        {
            return Task.FromResult(CachedAuthorizations.Contains((sessionHash, ownerGuid, guardianGuid)));
        }
    }

    public Task<ulong> GetLatestBlockAsync(CancellationToken cancellationToken) => Task.FromResult(LatestBlock);

    // Two events per page, so the watcher has to follow continuation tokens.
    public Task<EventsPage> GetSessionRevokedEventsAsync(ulong fromBlock, ulong toBlock, int chunkSize, string? continuationToken, CancellationToken cancellationToken)
    {
        var matching = Events.Where(e => e.BlockNumber >= fromBlock && e.BlockNumber <= toBlock).ToList();
        var start = continuationToken is null ? 0 : int.Parse(continuationToken, System.Globalization.CultureInfo.InvariantCulture);
        var page = matching.Skip(start).Take(2).ToList();
        var next = start + 2 < matching.Count ? (start + 2).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return Task.FromResult(new EventsPage(page, next));
    }
}

/// <summary>Subscribed to the registry's topics in the unit tests: keeps every event as it is delivered.</summary>
internal sealed class RecordingHandler(ConcurrentQueue<(string Topic, JsonElement Data)> delivered) : ITopicHandler
{
    public Task<EventHandlingResult> HandleAsync(CloudEvent cloudEvent, CancellationToken cancellationToken)
    {
        delivered.Enqueue((cloudEvent.Topic, cloudEvent.Data));
        return Task.FromResult(EventHandlingResult.Success);
    }
}

/// <summary>
/// The pub/sub transport the outbox and its relay publish through, failing on demand: <see cref="FailEventPublishes"/>
/// publications of an event (any topic but the outbox's own) throw as an unreachable sidecar would.
/// </summary>
internal sealed class FlakyEnvelopePublisher(IEnvelopePublisher inner) : IEnvelopePublisher
{
    private int _failEventPublishes;
    private int _failed;

    public int FailEventPublishes { get => Volatile.Read(ref _failEventPublishes); set => Volatile.Write(ref _failEventPublishes, value); }

    public int Failed => Volatile.Read(ref _failed);

    public Task PublishEnvelopeAsync(CloudEvent cloudEvent, CancellationToken cancellationToken = default)
    {
        if (!cloudEvent.Topic.StartsWith("outbox-", StringComparison.Ordinal) && Interlocked.Decrement(ref _failEventPublishes) >= 0)
        {
            Interlocked.Increment(ref _failed);
            throw new ComponentUnavailableException(BrokerComponents.PubSub, "publish", new IOException("transport down"));
        }
        return inner.PublishEnvelopeAsync(cloudEvent, cancellationToken);
    }
}

/// <summary>
/// The state store with faults on demand: <see cref="BeforeTransaction"/> runs (once) before the next transaction, e.g.
/// to make a concurrent write that moves an ETag; with <see cref="FailTransactions"/> every transaction throws as an
/// unreachable store would, writing nothing.
/// </summary>
internal sealed class FaultyStateStore(IStateStore inner) : IStateStore
{
    public string Name => inner.Name;

    public Func<Task>? BeforeTransaction { get; set; }

    public bool FailTransactions { get; set; }

    public Task<StateEntry<T>> GetAsync<T>(string key, CancellationToken cancellationToken = default) => inner.GetAsync<T>(key, cancellationToken);

    public Task SaveAsync<T>(string key, T value, CancellationToken cancellationToken = default) => inner.SaveAsync(key, value, cancellationToken);

    public Task<bool> TrySaveAsync<T>(string key, T value, string? etag, CancellationToken cancellationToken = default) =>
        inner.TrySaveAsync(key, value, etag, cancellationToken);

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

    public Task<bool> TryDeleteAsync(string key, string etag, CancellationToken cancellationToken = default) => inner.TryDeleteAsync(key, etag, cancellationToken);

    public async Task<bool> TryExecuteTransactionAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default)
    {
        if (BeforeTransaction is { } before)
        {
            BeforeTransaction = null;
            await before();
        }
        if (FailTransactions)
        {
            throw new ComponentUnavailableException(BrokerComponents.StateStore, "transaction", new IOException("store down"));
        }
        return await inner.TryExecuteTransactionAsync(operations, cancellationToken);
    }
}

/// <summary>A relayer client for the unit tests of the registry calls, which never reach the relayer.</summary>
internal sealed class UnusedRelayerClient : Broker.Contracts.Relayer.V1.TxRelayer.TxRelayerClient;
