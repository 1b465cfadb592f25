using System.Globalization;
using System.Numerics;
using Broker.Client.Internal;
using Broker.Contracts.Guardian.V1;
using Grpc.Core;
using Sessions;
using Starknet;
using Starknet.Transactions;
using Proto = Broker.Contracts.Common.V1;

namespace Broker.Client;

/// <summary>A session transaction sent as INVOKE v3 from the session's account (spec §11).</summary>
/// <param name="Calls">The calls, each an allowed method of the session.</param>
/// <param name="Nonce">The account's nonce.</param>
/// <param name="ResourceBounds">The resource bounds; their maximum fee counts against the metadata's <c>txFees</c>.</param>
/// <param name="Tip">The tip.</param>
public sealed record SessionInvoke(IReadOnlyList<SessionCall> Calls, Felt Nonce, ResourceBoundsMapping ResourceBounds, ulong Tip = 0);

/// <summary>A session transaction sent as a SNIP-9 v2 outside execution (spec §12).</summary>
/// <param name="Calls">The calls, each an allowed method of the session.</param>
/// <param name="Nonce">An outside-execution nonce of the caller's choosing.</param>
/// <param name="ExecuteAfter">Earliest block timestamp, exclusive (Unix seconds).</param>
/// <param name="ExecuteBefore">Latest block timestamp, exclusive (Unix seconds).</param>
/// <param name="Caller">The allowed submitter, default <see cref="OutsideExecution.AnyCaller"/>.</param>
public sealed record SessionOutsideExecution(IReadOnlyList<SessionCall> Calls, Felt Nonce, ulong ExecuteAfter, ulong ExecuteBefore, Felt? Caller = null)
{
    /// <summary>The outside execution with selectors.</summary>
    public OutsideExecution ToOutsideExecution() =>
        new(Caller ?? OutsideExecution.AnyCaller, Nonce, ExecuteAfter, ExecuteBefore, [.. Calls.Select(c => c.ToCall())]);
}

/// <summary>A cosigned INVOKE v3 session transaction, ready to submit.</summary>
/// <param name="Transaction">The transaction (sender = the session's account).</param>
/// <param name="TransactionHash">Its hash, the execution hash both signatures cover through <c>m</c>.</param>
/// <param name="Token">The session token, the transaction's signature.</param>
public sealed record CosignedInvoke(InvokeTransactionV3 Transaction, Felt TransactionHash, SessionToken Token)
{
    /// <summary>The transaction with its signature, for <see cref="Starknet.Rpc.StarknetRpcClient.AddInvokeTransactionAsync"/>
    /// or a relayer.</summary>
    public Starknet.Rpc.BroadcastedInvokeV3 ToBroadcast() => new(Transaction, Token.ToFelts());
}

/// <summary>A cosigned SNIP-9 v2 outside execution, ready for a relayer.</summary>
/// <param name="OutsideExecution">The outside execution.</param>
/// <param name="MessageHash">Its SNIP-12 message hash, the execution hash both signatures cover through <c>m</c>.</param>
/// <param name="AccountAddress">The session's account, which <c>execute_from_outside_v2</c> is called on.</param>
/// <param name="Token">The session token, the outside execution's signature.</param>
public sealed record CosignedOutsideExecution(OutsideExecution OutsideExecution, Felt MessageHash, Felt AccountAddress, SessionToken Token)
{
    /// <summary>The <c>execute_from_outside_v2</c> call on the account, signature included.</summary>
    public Call ToCall() => OutsideExecution.ToExecuteFromOutsideCall(AccountAddress, Token.ToFelts());
}

/// <summary>
/// Gets the guardian's cosignature for each session transaction: the session key signs <c>m</c> locally, the guardian
/// checks its policy and signs the same <c>m</c>, and the client assembles the token. The guardian's answer is checked
/// against the hashes computed locally.
/// </summary>
public sealed class GuardianClient
{
    private readonly GuardianSigner.GuardianSignerClient _client;
    private readonly TimeSpan? _timeout;
    private readonly string? _authorization;

    /// <summary>Creates the client over a generated gRPC client.</summary>
    /// <param name="client">The generated client.</param>
    /// <param name="timeout">Deadline of each call, or null for none.</param>
    /// <param name="apiToken">The guardian's API token (<c>Auth:ApiTokens</c> of the guardian), sent with every call as
    /// <c>authorization: Bearer</c>; null when the guardian's gRPC API is open.</param>
    public GuardianClient(GuardianSigner.GuardianSignerClient client, TimeSpan? timeout = null, string? apiToken = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _timeout = timeout;
        _authorization = ApiTokenHeader.Value(apiToken);
    }

    /// <summary>Creates the client over a channel.</summary>
    /// <param name="channel">A channel to the guardian.</param>
    /// <param name="timeout">Deadline of each call, or null for none.</param>
    /// <param name="apiToken">The guardian's API token, or null when its gRPC API is open.</param>
    public GuardianClient(ChannelBase channel, TimeSpan? timeout = null, string? apiToken = null)
        : this(new GuardianSigner.GuardianSignerClient(channel), timeout, apiToken)
    {
    }

    /// <summary>
    /// Signs an INVOKE v3 session transaction with the session key and has the guardian cosign it.
    /// </summary>
    /// <param name="session">The registered session.</param>
    /// <param name="key">The session key (it signs locally; only the signature is sent).</param>
    /// <param name="invoke">The transaction.</param>
    /// <param name="feeToken">The fee token for the metadata's <c>txFees</c> limit; default STRK (the guardian's default).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">The key is not the session's key, or a call is not an allowed method.</exception>
    /// <exception cref="BrokerException">The guardian refused (a subclass says why).</exception>
    public async Task<CosignedInvoke> CosignInvokeAsync(RegisteredSession session, SessionKey key, SessionInvoke invoke, Felt? feeToken = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invoke);
        CheckKey(session, key);
        var calls = invoke.Calls.Select(c => c.ToCall()).ToArray();
        var proofs = session.Request.AllowedMethodsTree.GetProofs(calls);
        var spec = session.Details.Specification;
        var transaction = new InvokeTransactionV3
        {
            SenderAddress = spec.AccountAddress,
            Calldata = ExecuteCalldata.Encode(calls),
            ChainId = spec.ChainId,
            Nonce = invoke.Nonce,
            ResourceBounds = invoke.ResourceBounds,
            Tip = invoke.Tip,
        };
        var executionHash = transaction.ComputeHash();
        var sessionSignature = key.SignTransaction(executionHash, session.SessionHash);

        var fields = new Proto.InvokeV3Fields
        {
            SenderAddress = ProtoMapping.Hex(spec.AccountAddress),
            Nonce = ProtoMapping.Hex(invoke.Nonce),
            ResourceBounds = new Proto.ResourceBoundsMapping
            {
                L1Gas = ProtoMapping.ToProto(invoke.ResourceBounds.L1Gas),
                L2Gas = ProtoMapping.ToProto(invoke.ResourceBounds.L2Gas),
                L1DataGas = ProtoMapping.ToProto(invoke.ResourceBounds.L1DataGas),
            },
            Tip = invoke.Tip,
            ChainId = ProtoMapping.Hex(spec.ChainId),
        };
        fields.Calls.AddRange(invoke.Calls.Select(ProtoMapping.ToProto));
        var request = new CosignInvokeRequest
        {
            SessionHash = ProtoMapping.Hex(session.SessionHash),
            Transaction = fields,
            SessionSignature = ProtoMapping.ToProto(sessionSignature.Signature),
            CacheOwnerGuid = "0x0",
            FeeToken = feeToken is { } token ? ProtoMapping.Hex(token) : "",
        };
        var response = await ErrorMapping.CallAsync(() => _client.CosignInvokeAsync(request, Options(cancellationToken)).ResponseAsync).ConfigureAwait(false);
        return new CosignedInvoke(transaction, executionHash, Complete(session, proofs, executionHash, sessionSignature, response));
    }

    /// <summary>
    /// Signs a SNIP-9 v2 outside execution with the session key and has the guardian cosign it. The token goes into
    /// the <c>execute_from_outside_v2</c> call (<see cref="OutsideExecution.ToExecuteFromOutsideCall"/>).
    /// </summary>
    /// <param name="session">The registered session.</param>
    /// <param name="key">The session key.</param>
    /// <param name="outsideExecution">The outside execution.</param>
    /// <param name="maxFee">The largest fee the relayer may charge against the session's <c>txFees</c> limit; 0 when the relayer pays.</param>
    /// <param name="feeToken">The fee token; default STRK.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">The key is not the session's key, or a call is not an allowed method.</exception>
    /// <exception cref="BrokerException">The guardian refused (a subclass says why).</exception>
    public async Task<CosignedOutsideExecution> CosignOutsideExecutionAsync(RegisteredSession session, SessionKey key, SessionOutsideExecution outsideExecution,
        BigInteger maxFee = default, Felt? feeToken = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outsideExecution);
        ArgumentOutOfRangeException.ThrowIfNegative(maxFee);
        CheckKey(session, key);
        var execution = outsideExecution.ToOutsideExecution();
        var proofs = session.Request.AllowedMethodsTree.GetProofs(execution.Calls);
        var spec = session.Details.Specification;
        var executionHash = execution.MessageHash(spec.ChainId, spec.AccountAddress);
        var sessionSignature = key.SignTransaction(executionHash, session.SessionHash);

        var fields = new Proto.OutsideExecutionFields
        {
            Caller = ProtoMapping.Hex(execution.Caller),
            Nonce = ProtoMapping.Hex(execution.Nonce),
            ExecuteAfter = outsideExecution.ExecuteAfter,
            ExecuteBefore = outsideExecution.ExecuteBefore,
        };
        fields.Calls.AddRange(outsideExecution.Calls.Select(ProtoMapping.ToProto));
        var request = new CosignOutsideExecutionRequest
        {
            SessionHash = ProtoMapping.Hex(session.SessionHash),
            OutsideExecution = fields,
            SessionSignature = ProtoMapping.ToProto(sessionSignature.Signature),
            CacheOwnerGuid = "0x0",
            MaxFee = maxFee.ToString(CultureInfo.InvariantCulture),
            FeeToken = feeToken is { } token ? ProtoMapping.Hex(token) : "",
        };
        var response = await ErrorMapping.CallAsync(() => _client.CosignOutsideExecutionAsync(request, Options(cancellationToken)).ResponseAsync).ConfigureAwait(false);
        return new CosignedOutsideExecution(execution, executionHash, spec.AccountAddress, Complete(session, proofs, executionHash, sessionSignature, response));
    }

    private static SessionToken Complete(RegisteredSession session, Felt[][] proofs, Felt executionHash,
        StarknetSignerSignature sessionSignature, CosignResponse response)
    {
        var m = SessionMessage.Hash(executionHash, session.SessionHash, Felt.Zero);
        if (ProtoMapping.ReadFelt(response.ExecutionHash, "execution_hash") != executionHash
            || ProtoMapping.ReadFelt(response.MessageHash, "message_hash") != m)
        {
            throw new BrokerProtocolException("The guardian cosigned other hashes than the ones computed locally.");
        }
        var guardianKey = ProtoMapping.ReadFelt(response.GuardianPublicKey, "guardian_public_key");
        var guardianSignature = ProtoMapping.FromProto(response.GuardianSignature, "guardian_signature");
        if (guardianKey != session.GuardianPublicKey || !Ecdsa.VerifyOnChain(m, guardianKey, guardianSignature))
        {
            throw new BrokerProtocolException("The guardian's cosignature does not verify with the session's guardian key.");
        }
        return SessionToken.WithCacheOwnerGuid(session.Request.Session, Felt.Zero, session.Authorization, sessionSignature,
            new StarknetSignerSignature(guardianKey, guardianSignature), proofs);
    }

    private static void CheckKey(RegisteredSession session, SessionKey key)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(key);
        if (key.PublicKey != session.Request.SessionPublicKey)
        {
            throw new ArgumentException("The key is not the session's key.", nameof(key));
        }
    }

    private CallOptions Options(CancellationToken cancellationToken) =>
        new(headers: ApiTokenHeader.Headers(_authorization), deadline: _timeout is { } t ? DateTime.UtcNow + t : null, cancellationToken: cancellationToken);
}
