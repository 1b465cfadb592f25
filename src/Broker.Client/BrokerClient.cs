using Broker.Client.Internal;
using Broker.Contracts.Session.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Sessions;
using System.Numerics;
using Starknet;
using Starknet.Transactions;
using Proto = Broker.Contracts.Common.V1;

namespace Broker.Client;

/// <summary>
/// The session broker's API for a game server: prepare, register, get, list and revoke sessions, with typed results
/// and typed exceptions (<see cref="BrokerException"/> and its subclasses).
/// </summary>
/// <remarks>
/// The client never trusts the broker with what the owner signs: it computes the session request locally and checks
/// that the broker's session hash, typed-data hash and authorization match it (else <see cref="BrokerProtocolException"/>).
/// It is thread-safe. Cancelling a token throws <see cref="OperationCanceledException"/> or an
/// <see cref="RpcException"/> with status CANCELLED, as gRPC does.
/// </remarks>
public sealed class BrokerClient
{
    private readonly SessionBroker.SessionBrokerClient _client;
    private readonly TimeSpan? _timeout;
    private readonly string? _authorization;

    /// <summary>Creates the client over a generated gRPC client (for example one from the gRPC client factory).</summary>
    /// <param name="client">The generated client.</param>
    /// <param name="timeout">Deadline of each call, or null for none.</param>
    /// <param name="apiToken">The broker's API token (<c>Auth:ApiTokens</c> of the broker), sent with every call as
    /// <c>authorization: Bearer</c>; null when the broker is open.</param>
    public BrokerClient(SessionBroker.SessionBrokerClient client, TimeSpan? timeout = null, string? apiToken = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (timeout is { } t)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(t, TimeSpan.Zero, nameof(timeout));
        }
        _client = client;
        _timeout = timeout;
        _authorization = ApiTokenHeader.Value(apiToken);
    }

    /// <summary>Creates the client over a channel.</summary>
    /// <param name="channel">A channel to the broker.</param>
    /// <param name="timeout">Deadline of each call, or null for none.</param>
    /// <param name="apiToken">The broker's API token, or null when the broker is open.</param>
    public BrokerClient(ChannelBase channel, TimeSpan? timeout = null, string? apiToken = null)
        : this(new SessionBroker.SessionBrokerClient(channel), timeout, apiToken)
    {
    }

    /// <summary>
    /// A client for the broker at <paramref name="address"/> (e.g. <c>https://broker.example:5001</c>). The caller owns
    /// the returned channel's lifetime through <paramref name="channel"/>.
    /// </summary>
    /// <param name="address">The broker's address.</param>
    /// <param name="channel">The channel created, to dispose when done.</param>
    /// <param name="timeout">Deadline of each call; default 30 seconds.</param>
    /// <param name="apiToken">The broker's API token, or null when the broker is open.</param>
    public static BrokerClient Create(Uri address, out GrpcChannel channel, TimeSpan? timeout = null, string? apiToken = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        // Checked before the channel exists, so a bad token leaves nothing to dispose.
        _ = ApiTokenHeader.Value(apiToken);
        channel = GrpcChannel.ForAddress(address);
        return new BrokerClient(channel, timeout ?? TimeSpan.FromSeconds(30), apiToken);
    }

    /// <summary>
    /// Builds the SNIP-12 typed data the owner's wallet signs (stores nothing). The session hash is computed locally
    /// and must match the broker's.
    /// </summary>
    /// <param name="specification">The session.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">The specification cannot be a session (checked locally before any call).</exception>
    /// <exception cref="InvalidRequestException">The broker refused a field (e.g. an expiry beyond its policy).</exception>
    /// <exception cref="BrokerProtocolException">The broker's session hash differs from the local one.</exception>
    public async Task<PreparedSession> PrepareAsync(SessionSpecification specification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(specification);
        var request = specification.ToSessionRequest();
        var response = await ErrorMapping.CallAsync(() => _client.PrepareSessionAsync(
            new PrepareSessionRequest { Session = ProtoMapping.ToProto(specification) }, Options(cancellationToken)).ResponseAsync).ConfigureAwait(false);
        var hash = ProtoMapping.ReadFelt(response.SessionHash, "session_hash");
        if (hash != request.SessionHash)
        {
            throw new BrokerProtocolException($"The broker's session hash {hash} differs from the one computed locally ({request.SessionHash}).");
        }
        Felt typedDataHash;
        try
        {
            typedDataHash = TypedData.Parse(response.TypedDataJson).MessageHash(specification.AccountAddress);
        }
        catch (TypedDataException e)
        {
            throw new BrokerProtocolException("The broker's typed data does not parse or hash.", e);
        }
        if (typedDataHash != request.SessionHash)
        {
            throw new BrokerProtocolException("The broker's typed data does not hash to the session hash.");
        }
        return new PreparedSession(specification, request, response.TypedDataJson, hash);
    }

    /// <summary>
    /// Registers a session once its owner signed the session hash: the broker verifies the signature and that the key
    /// is an owner of the account on the chain, has the guardian cosign, and stores the session. Registering the same
    /// session again returns the same registration.
    /// </summary>
    /// <param name="specification">The session as prepared.</param>
    /// <param name="ownerPublicKey">The owner's stark key.</param>
    /// <param name="ownerSignature">The owner's signature over the session hash.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="OwnerRejectedException">The signature does not verify, or the key is not an owner.</exception>
    /// <exception cref="PolicyViolationException">The guardian's registration policy refused the session.</exception>
    /// <exception cref="SessionRevokedException">The session was revoked before.</exception>
    /// <exception cref="BrokerProtocolException">The answer does not match the session or does not verify.</exception>
    public Task<RegisteredSession> RegisterAsync(SessionSpecification specification, Felt ownerPublicKey, StarkSignature ownerSignature, CancellationToken cancellationToken = default) =>
        RegisterAsync(specification, ownerPublicKey, ownerSignature, cacheAuthorization: false, cancellationToken);

    /// <summary>
    /// Registers a session as <see cref="RegisterAsync(SessionSpecification, Felt, StarkSignature, CancellationToken)"/>
    /// does, choosing whether the account caches the session's authorization (Argent account 0.5.0 and later, spec
    /// §13.5). With caching, every transaction signs <c>m</c> with the owner's GUID
    /// (<see cref="RegisteredSession.CacheOwnerGuid"/>; this client does so), and once the account has cached the
    /// authorization the broker leaves it out of the session token: 9 fewer calldata felts and two fewer signature
    /// checks on-chain per transaction. Accounts up to 0.4.0 refuse such transactions. Registering a session again keeps
    /// the choice made first; <see cref="RegisteredSession.CacheOwnerGuid"/> tells which it is.
    /// </summary>
    /// <param name="specification">The session as prepared.</param>
    /// <param name="ownerPublicKey">The owner's stark key.</param>
    /// <param name="ownerSignature">The owner's signature over the session hash.</param>
    /// <param name="cacheAuthorization">True to have the account cache the authorization.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="OwnerRejectedException">The signature does not verify, or the key is not an owner.</exception>
    /// <exception cref="PolicyViolationException">The guardian's registration policy refused the session.</exception>
    /// <exception cref="SessionRevokedException">The session was revoked before.</exception>
    /// <exception cref="BrokerProtocolException">The answer does not match the session or does not verify.</exception>
    public async Task<RegisteredSession> RegisterAsync(SessionSpecification specification, Felt ownerPublicKey, StarkSignature ownerSignature, bool cacheAuthorization,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(specification);
        var request = specification.ToSessionRequest();
        var response = await ErrorMapping.CallAsync(() => _client.RegisterSessionAsync(new RegisterSessionRequest
        {
            Session = ProtoMapping.ToProto(specification),
            OwnerPublicKey = ProtoMapping.Hex(ownerPublicKey),
            OwnerSignature = ProtoMapping.ToProto(ownerSignature),
            CacheAuthorization = cacheAuthorization,
        }, Options(cancellationToken)).ResponseAsync).ConfigureAwait(false);

        var details = ProtoMapping.FromProto(response.Session);
        if (details.SessionHash != request.SessionHash)
        {
            throw new BrokerProtocolException($"The broker registered session {details.SessionHash}, not {request.SessionHash}.");
        }
        if (!details.CacheOwnerGuid.IsZero && details.CacheOwnerGuid != SignerGuid.Starknet(ownerPublicKey))
        {
            throw new BrokerProtocolException($"The broker's cache_owner_guid {details.CacheOwnerGuid} is neither 0 nor the owner's GUID.");
        }
        var guardian = ProtoMapping.ReadFelt(response.GuardianPublicKey, "guardian_public_key");
        var authorization = response.Authorization.Select((f, i) => ProtoMapping.ReadFelt(f, $"authorization[{i}]")).ToArray();
        CheckAuthorization(authorization, request.SessionHash, guardian);
        return new RegisteredSession(details, request, authorization, guardian);
    }

    /// <summary>Registers a prepared session; see <see cref="RegisterAsync(SessionSpecification, Felt, StarkSignature, CancellationToken)"/>.</summary>
    /// <param name="prepared">The prepared session.</param>
    /// <param name="ownerPublicKey">The owner's stark key.</param>
    /// <param name="ownerSignature">The owner's signature over <see cref="PreparedSession.SessionHash"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<RegisteredSession> RegisterAsync(PreparedSession prepared, Felt ownerPublicKey, StarkSignature ownerSignature, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        return RegisterAsync(prepared.Specification, ownerPublicKey, ownerSignature, cacheAuthorization: false, cancellationToken);
    }

    /// <summary>Registers a prepared session, choosing authorization caching; see <see cref="RegisterAsync(SessionSpecification, Felt, StarkSignature, bool, CancellationToken)"/>.</summary>
    /// <param name="prepared">The prepared session.</param>
    /// <param name="ownerPublicKey">The owner's stark key.</param>
    /// <param name="ownerSignature">The owner's signature over <see cref="PreparedSession.SessionHash"/>.</param>
    /// <param name="cacheAuthorization">True to have the account cache the authorization (account 0.5.0 and later).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<RegisteredSession> RegisterAsync(PreparedSession prepared, Felt ownerPublicKey, StarkSignature ownerSignature, bool cacheAuthorization, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        return RegisterAsync(prepared.Specification, ownerPublicKey, ownerSignature, cacheAuthorization, cancellationToken);
    }

    /// <summary>One session by hash.</summary>
    /// <param name="sessionHash">The session hash.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="SessionNotFoundException">The broker does not know it.</exception>
    public async Task<SessionDetails> GetAsync(Felt sessionHash, CancellationToken cancellationToken = default)
    {
        var info = await ErrorMapping.CallAsync(() => _client.GetSessionAsync(
            new GetSessionRequest { SessionHash = ProtoMapping.Hex(sessionHash) }, Options(cancellationToken)).ResponseAsync).ConfigureAwait(false);
        return ProtoMapping.FromProto(info);
    }

    /// <summary>One page of an account's sessions, newest first.</summary>
    /// <param name="accountAddress">The account.</param>
    /// <param name="pageSize">At most this many (1 to 500; 0 for the broker's default of 50).</param>
    /// <param name="pageToken">The <see cref="SessionPage.NextPageToken"/> of the previous page, or null for the first.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<SessionPage> ListByAccountAsync(Felt accountAddress, int pageSize = 0, string? pageToken = null, CancellationToken cancellationToken = default) =>
        ListAsync(new ListSessionsRequest { AccountAddress = ProtoMapping.Hex(accountAddress) }, pageSize, pageToken, cancellationToken);

    /// <summary>One page of a dapp's sessions, newest first.</summary>
    /// <param name="dappId">The dapp id.</param>
    /// <param name="pageSize">At most this many (1 to 500; 0 for the broker's default of 50).</param>
    /// <param name="pageToken">The <see cref="SessionPage.NextPageToken"/> of the previous page, or null for the first.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<SessionPage> ListByDappAsync(string dappId, int pageSize = 0, string? pageToken = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(dappId);
        return ListAsync(new ListSessionsRequest { DappId = dappId }, pageSize, pageToken, cancellationToken);
    }

    /// <summary>
    /// Revokes a session at once off-chain (from the moment this returns the guardian cosigns nothing more for it) and
    /// returns the <c>revoke_session</c> call for the owner to send on-chain. Revoking twice is harmless.
    /// </summary>
    /// <param name="sessionHash">The session hash.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="SessionNotFoundException">The broker does not know it.</exception>
    public async Task<RevokedSession> RevokeAsync(Felt sessionHash, CancellationToken cancellationToken = default)
    {
        var response = await ErrorMapping.CallAsync(() => _client.RevokeSessionAsync(
            new RevokeSessionRequest { SessionHash = ProtoMapping.Hex(sessionHash) }, Options(cancellationToken)).ResponseAsync).ConfigureAwait(false);
        var details = ProtoMapping.FromProto(response.Session);
        var call = ProtoMapping.FromProto(response.RevokeCall);
        var expected = SessionRevocation.RevokeSessionCall(details.Specification.AccountAddress, sessionHash);
        if (!call.Equals(expected))
        {
            throw new BrokerProtocolException("The broker's revoke call is not revoke_session(session_hash) on the session's account.");
        }
        return new RevokedSession(details, call);
    }

    /// <summary>
    /// Executes a session transaction gaslessly: the session key signs the outside execution's message <c>m</c> locally,
    /// the broker has the guardian cosign, builds the session token and the relayer sends <c>execute_from_outside_v2</c>
    /// from one of its accounts and pays. One round trip; answers once the relayer submitted (or refused) it.
    /// </summary>
    /// <param name="session">The registered session.</param>
    /// <param name="key">The session key (it signs locally; only the signature is sent).</param>
    /// <param name="outsideExecution">The outside execution. Retry with the very same value and request id.</param>
    /// <param name="requestId">Idempotency key (default a new UUID): a retry with the same id never executes twice.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">The key is not the session's, or a call is not an allowed method.</exception>
    /// <exception cref="BrokerException">The broker, the guardian or the relayer refused (a subclass says why).</exception>
    public Task<TransactionResult> ExecuteAsync(RegisteredSession session, SessionKey key, SessionOutsideExecution outsideExecution,
        string? requestId = null, CancellationToken cancellationToken = default) =>
        ExecuteCoreAsync(session, key, outsideExecution, requestId ?? Guid.NewGuid().ToString(), waitForFinal: false, cancellationToken);

    /// <summary>
    /// Gasless path in one round trip: as <see cref="ExecuteAsync"/>, but the broker answers once the transaction is final
    /// (ACCEPTED_ON_L2, REVERTED or REJECTED). Should the call's timeout come first, the broker answers with the state
    /// at that moment and this method goes on watching the request until it is final.
    /// </summary>
    /// <param name="session">The registered session.</param>
    /// <param name="key">The session key.</param>
    /// <param name="outsideExecution">The calls and the SNIP-9 nonce and time window.</param>
    /// <param name="requestId">Idempotency key (default a new UUID).</param>
    /// <param name="cancellationToken">Cancels the call and the watching.</param>
    /// <returns>The final state.</returns>
    /// <exception cref="ArgumentException">A call is not an allowed method of the session.</exception>
    /// <exception cref="BrokerException">The broker, the guardian or the relayer refused (a subclass says why).</exception>
    public async Task<TransactionResult> ExecuteAndWaitAsync(RegisteredSession session, SessionKey key, SessionOutsideExecution outsideExecution,
        string? requestId = null, CancellationToken cancellationToken = default)
    {
        var id = requestId ?? Guid.NewGuid().ToString();
        var result = await ExecuteCoreAsync(session, key, outsideExecution, id, waitForFinal: true, cancellationToken).ConfigureAwait(false);
        return result.IsFinal ? result : await WaitForFinalAsync(id, cancellationToken).ConfigureAwait(false);
    }

    private async Task<TransactionResult> ExecuteCoreAsync(RegisteredSession session, SessionKey key, SessionOutsideExecution outsideExecution,
        string requestId, bool waitForFinal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outsideExecution);
        CheckKey(session, key);
        var execution = outsideExecution.ToOutsideExecution();
        session.Request.AllowedMethodsTree.GetProofs(execution.Calls);
        var spec = session.Details.Specification;
        var executionHash = execution.MessageHash(spec.ChainId, spec.AccountAddress);
        var signature = key.SignTransaction(executionHash, session.SessionHash, session.CacheOwnerGuid);
        var fields = new Proto.OutsideExecutionFields
        {
            Caller = ProtoMapping.Hex(execution.Caller),
            Nonce = ProtoMapping.Hex(execution.Nonce),
            ExecuteAfter = outsideExecution.ExecuteAfter,
            ExecuteBefore = outsideExecution.ExecuteBefore,
        };
        fields.Calls.AddRange(outsideExecution.Calls.Select(ProtoMapping.ToProto));
        var response = await ErrorMapping.CallAsync(() => _client.ExecuteAsync(new ExecuteRequest
        {
            RequestId = requestId,
            SessionHash = ProtoMapping.Hex(session.SessionHash),
            OutsideExecution = fields,
            SessionSignature = ProtoMapping.ToProto(signature.Signature),
            WaitForFinal = waitForFinal,
        }, Options(cancellationToken)).ResponseAsync).ConfigureAwait(false);
        if (ProtoMapping.ReadFelt(response.ExecutionHash, "execution_hash") != executionHash)
        {
            throw new BrokerProtocolException("The broker executed another outside execution than the one signed locally.");
        }
        return ProtoMapping.FromProto(response.Transaction);
    }

    /// <summary>
    /// Account-paid path, step 1: the account's nonce and resource bounds (estimated by the relayer in estimate mode,
    /// with its overhead and cap). The transaction hash is recomputed locally and must match the broker's.
    /// </summary>
    /// <param name="session">The registered session; the transaction is sent from its account.</param>
    /// <param name="calls">The calls, each an allowed method of the session.</param>
    /// <param name="tip">The tip.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">A call is not an allowed method.</exception>
    /// <exception cref="BrokerException">The broker or the relayer refused (e.g. ESTIMATE_FAILED when the transaction would fail).</exception>
    public async Task<PreparedInvoke> PrepareInvokeAsync(RegisteredSession session, IReadOnlyList<SessionCall> calls, ulong tip = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(calls);
        var starknetCalls = calls.Select(c => c.ToCall()).ToArray();
        session.Request.AllowedMethodsTree.GetProofs(starknetCalls);
        var request = new PrepareInvokeRequest { SessionHash = ProtoMapping.Hex(session.SessionHash), Tip = tip };
        request.Calls.AddRange(calls.Select(ProtoMapping.ToProto));
        var response = await ErrorMapping.CallAsync(() => _client.PrepareInvokeAsync(request, Options(cancellationToken)).ResponseAsync).ConfigureAwait(false);

        var spec = session.Details.Specification;
        var fields = response.Transaction ?? throw new BrokerProtocolException("The broker answered without the transaction.");
        if (ProtoMapping.ReadFelt(fields.SenderAddress, "transaction.sender_address") != spec.AccountAddress
            || ProtoMapping.ReadFelt(fields.ChainId, "transaction.chain_id") != spec.ChainId || fields.Tip != tip)
        {
            throw new BrokerProtocolException("The broker prepared a transaction for another account, chain or tip.");
        }
        var bounds = fields.ResourceBounds ?? throw new BrokerProtocolException("The broker answered without resource bounds.");
        var transaction = new InvokeTransactionV3
        {
            SenderAddress = spec.AccountAddress,
            Calldata = ExecuteCalldata.Encode(starknetCalls),
            ChainId = spec.ChainId,
            Nonce = ProtoMapping.ReadFelt(fields.Nonce, "transaction.nonce"),
            ResourceBounds = new ResourceBoundsMapping(ProtoMapping.FromProto(bounds.L1Gas), ProtoMapping.FromProto(bounds.L2Gas), ProtoMapping.FromProto(bounds.L1DataGas)),
            Tip = tip,
        };
        var hash = transaction.ComputeHash();
        if (ProtoMapping.ReadFelt(response.TransactionHash, "transaction_hash") != hash)
        {
            throw new BrokerProtocolException("The broker's transaction hash differs from the one computed locally.");
        }
        return new PreparedInvoke(calls, transaction, hash, SessionMessage.Hash(hash, session.SessionHash, session.CacheOwnerGuid),
            ReadAmount(response.EstimatedFee, "estimated_fee"), ReadAmount(response.MaxFee, "max_fee"));
    }

    /// <summary>
    /// Account-paid path, step 2: the session key signs <see cref="PreparedInvoke.MessageHash"/> locally, the guardian
    /// cosigns, the relayer submits the transaction from the user's account.
    /// </summary>
    /// <param name="session">The registered session.</param>
    /// <param name="key">The session key.</param>
    /// <param name="prepared">The transaction from <see cref="PrepareInvokeAsync"/>.</param>
    /// <param name="requestId">Idempotency key (default a new UUID).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="BrokerException">The broker, the guardian or the relayer refused (a subclass says why).</exception>
    public Task<TransactionResult> SubmitInvokeAsync(RegisteredSession session, SessionKey key, PreparedInvoke prepared,
        string? requestId = null, CancellationToken cancellationToken = default) =>
        SubmitInvokeCoreAsync(session, key, prepared, requestId ?? Guid.NewGuid().ToString(), waitForFinal: false, cancellationToken);

    /// <summary>
    /// Account-paid path, step 2, in one round trip: as <see cref="SubmitInvokeAsync"/>, but the broker answers once the
    /// transaction is final; should the call's timeout come first, this method goes on watching the request.
    /// </summary>
    /// <param name="session">The registered session.</param>
    /// <param name="key">The session key.</param>
    /// <param name="prepared">The transaction from <see cref="PrepareInvokeAsync"/>.</param>
    /// <param name="requestId">Idempotency key (default a new UUID).</param>
    /// <param name="cancellationToken">Cancels the call and the watching.</param>
    /// <returns>The final state.</returns>
    /// <exception cref="BrokerException">The broker, the guardian or the relayer refused (a subclass says why).</exception>
    public async Task<TransactionResult> SubmitInvokeAndWaitAsync(RegisteredSession session, SessionKey key, PreparedInvoke prepared,
        string? requestId = null, CancellationToken cancellationToken = default)
    {
        var id = requestId ?? Guid.NewGuid().ToString();
        var result = await SubmitInvokeCoreAsync(session, key, prepared, id, waitForFinal: true, cancellationToken).ConfigureAwait(false);
        return result.IsFinal ? result : await WaitForFinalAsync(id, cancellationToken).ConfigureAwait(false);
    }

    private async Task<TransactionResult> SubmitInvokeCoreAsync(RegisteredSession session, SessionKey key, PreparedInvoke prepared,
        string requestId, bool waitForFinal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        CheckKey(session, key);
        var signature = key.SignTransaction(prepared.TransactionHash, session.SessionHash, session.CacheOwnerGuid);
        var response = await ErrorMapping.CallAsync(() => _client.SubmitInvokeAsync(new SubmitInvokeRequest
        {
            RequestId = requestId,
            SessionHash = ProtoMapping.Hex(session.SessionHash),
            Transaction = ProtoMapping.ToProto(prepared.Transaction, prepared.Calls),
            SessionSignature = ProtoMapping.ToProto(signature.Signature),
            WaitForFinal = waitForFinal,
        }, Options(cancellationToken)).ResponseAsync).ConfigureAwait(false);
        return ProtoMapping.FromProto(response.Transaction);
    }

    /// <summary>Where a request stands.</summary>
    /// <param name="requestId">The request id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="RequestNotFoundException">Unknown request id.</exception>
    public async Task<TransactionResult> GetTransactionAsync(string requestId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        var info = await ErrorMapping.CallAsync(() => _client.GetTransactionAsync(new GetTransactionRequest { RequestId = requestId }, Options(cancellationToken)).ResponseAsync).ConfigureAwait(false);
        return ProtoMapping.FromProto(info);
    }

    /// <summary>
    /// The current state of a request, then every change until it is final. The per-call timeout does not apply to the
    /// stream; cancel the token to stop watching.
    /// </summary>
    /// <param name="requestId">The request id.</param>
    /// <param name="cancellationToken">Stops the stream.</param>
    public async IAsyncEnumerable<TransactionResult> WatchAsync(string requestId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        using var call = _client.WatchTransaction(new GetTransactionRequest { RequestId = requestId }, cancellationToken: cancellationToken);
        while (true)
        {
            Proto.TransactionInfo info;
            try
            {
                if (!await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
                {
                    yield break;
                }
                info = call.ResponseStream.Current;
            }
            catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
            {
                throw ErrorMapping.Map(e);
            }
            yield return ProtoMapping.FromProto(info);
        }
    }

    /// <summary>Watches a request until it is final and returns its final state.</summary>
    /// <param name="requestId">The request id.</param>
    /// <param name="cancellationToken">Gives up waiting.</param>
    public async Task<TransactionResult> WaitForFinalAsync(string requestId, CancellationToken cancellationToken = default)
    {
        TransactionResult? last = null;
        await foreach (var result in WatchAsync(requestId, cancellationToken).ConfigureAwait(false))
        {
            last = result;
            if (result.IsFinal)
            {
                return result;
            }
        }
        return last ?? throw new BrokerProtocolException("The broker's watch ended without a status.");
    }

    private static BigInteger ReadAmount(string text, string field) =>
        BigInteger.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new BrokerProtocolException($"The broker answered a malformed {field}.");

    private static void CheckKey(RegisteredSession session, SessionKey key)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(key);
        if (key.PublicKey != session.Request.SessionPublicKey)
        {
            throw new ArgumentException("The key is not the session's key.", nameof(key));
        }
    }

    private async Task<SessionPage> ListAsync(ListSessionsRequest request, int pageSize, string? pageToken, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pageSize);
        request.Page = new Proto.PageRequest { PageSize = (uint)pageSize, PageToken = pageToken ?? "" };
        var response = await ErrorMapping.CallAsync(() => _client.ListSessionsAsync(request, Options(cancellationToken)).ResponseAsync).ConfigureAwait(false);
        var sessions = response.Sessions.Select(ProtoMapping.FromProto).ToArray();
        return new SessionPage(sessions, string.IsNullOrEmpty(response.NextPageToken) ? null : response.NextPageToken);
    }

    private CallOptions Options(CancellationToken cancellationToken) =>
        new(headers: ApiTokenHeader.Headers(_authorization), deadline: _timeout is { } t ? DateTime.UtcNow + t : null, cancellationToken: cancellationToken);

    /// <summary>The authorization must be the regular form with both signatures valid over the session hash, the
    /// guardian being the one the broker names.</summary>
    internal static void CheckAuthorization(IReadOnlyList<Felt> authorization, Felt sessionHash, Felt guardianPublicKey)
    {
        SessionAuthorization parsed;
        try
        {
            parsed = SessionAuthorization.Parse(authorization.ToArray());
        }
        catch (SessionFormatException e)
        {
            throw new BrokerProtocolException("The broker's authorization does not parse.", e);
        }
        if (parsed.Format != SessionAuthorizationFormat.Regular || parsed.GuardianSignature is not { } guardianSignature
            || parsed.GuardianPublicKey != guardianPublicKey)
        {
            throw new BrokerProtocolException("The broker's authorization is not [2, owner, guardian] with the broker's guardian.");
        }
        if (!Ecdsa.VerifyOnChain(sessionHash, parsed.OwnerPublicKey!.Value, parsed.OwnerSignature)
            || !Ecdsa.VerifyOnChain(sessionHash, guardianPublicKey, guardianSignature))
        {
            throw new BrokerProtocolException("A signature of the broker's authorization does not verify over the session hash.");
        }
    }
}
