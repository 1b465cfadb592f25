using System.Globalization;
using TransactionInfo = Broker.Contracts.Common.V1.TransactionInfo;
using TransactionKind = Broker.Contracts.Common.V1.TransactionKind;
using TransactionStatus = Broker.Contracts.Common.V1.TransactionStatus;
using Starknet;
using Starknet.Transactions;
using StarknetCall = Starknet.Transactions.Call;

namespace TxRelayer.Internal;

/// <summary>Where a request stands (stored as a number; mirrors broker.common.v1.TransactionStatus).</summary>
internal enum RelayStatus
{
    Accepted = 1,
    Submitted = 2,
    PreConfirmed = 3,
    AcceptedOnL2 = 4,
    Reverted = 5,
    Rejected = 6,
}

internal enum RelayKind
{
    OutsideExecution = 1,
    Invoke = 2,
}

/// <summary>
/// One client request as stored under <c>relayer:request:{id}</c>, written (first write) before the request is
/// acknowledged and rewritten at each step. Felts are 0x-hex strings so the JSON stays readable. In memory a request
/// always has its payload (outside execution or invoke, and signature); the stored row leaves it to
/// <c>relayer:payload:{id}</c> (see <see cref="RelayStore"/>), so each step rewrites a few hundred bytes, not kilobytes.
/// </summary>
internal sealed record RelayRequest
{
    public required string RequestId { get; init; }
    public required RelayKind Kind { get; init; }

    /// <summary>SHA-256 of the request's content: a retry must match it, another request under the same id does not.</summary>
    public required string Fingerprint { get; init; }

    public RelayStatus Status { get; init; } = RelayStatus.Accepted;
    public long AcceptedAtMs { get; init; }
    public long FinalAtMs { get; init; }

    /// <summary>The user's account (outside executions) or the sender (invokes).</summary>
    public required string Account { get; init; }

    public StoredOutsideExecution? OutsideExecution { get; init; }
    public StoredInvoke? Invoke { get; init; }
    public required IReadOnlyList<string> Signature { get; init; }

    /// <summary>The transaction carrying the request, once signed (outside executions) or from the start (invokes).</summary>
    public string? TransactionHash { get; init; }
    public string? RelayerAddress { get; init; }
    public int BatchSize { get; init; }
    public string? Reason { get; init; }
    public string? ActualFee { get; init; }
    public ulong BlockNumber { get; init; }

    /// <summary>Hashes abandoned for this request (dropped, replaced, reverted batch), oldest first.</summary>
    public IReadOnlyList<string> PreviousHashes { get; init; } = [];

    /// <summary>Transactions signed (outside) or submissions made (invoke) for it so far.</summary>
    public int Attempts { get; init; }

    /// <summary>Set after a batch carrying it reverted: it goes alone from then on.</summary>
    public bool NoBatch { get; init; }

    /// <summary>
    /// Only on a stored row: its payload is under <c>relayer:payload:{id}</c> (rows written before that split carry
    /// it inline and read false).
    /// </summary>
    public bool PayloadApart { get; init; }

    /// <summary>The payload alone, stored once when the request is added.</summary>
    public RelayPayload ToPayload() => new(OutsideExecution, Invoke, Signature);

    /// <summary>The row as stored: no payload, which stays under its own key.</summary>
    public RelayRequest WithoutPayload() => this with { OutsideExecution = null, Invoke = null, Signature = [], PayloadApart = true };

    /// <summary>A stored row joined with its payload again.</summary>
    public RelayRequest WithPayload(RelayPayload payload) => this with
    {
        OutsideExecution = payload.OutsideExecution,
        Invoke = payload.Invoke,
        Signature = payload.Signature,
        PayloadApart = false,
    };

    public bool IsFinal => Status is RelayStatus.AcceptedOnL2 or RelayStatus.Reverted or RelayStatus.Rejected;

    public RelayRequest Finish(RelayStatus status, string? reason, long nowMs) =>
        this with { Status = status, Reason = reason, FinalAtMs = nowMs };

    /// <summary>Back to Accepted without a transaction, the abandoned hash remembered.</summary>
    public RelayRequest Abandon(bool alone = false) => this with
    {
        Status = RelayStatus.Accepted,
        PreviousHashes = TransactionHash is { } hash ? [.. PreviousHashes, hash] : PreviousHashes,
        TransactionHash = null,
        RelayerAddress = null,
        BatchSize = 0,
        NoBatch = NoBatch || alone,
    };

    public TransactionInfo ToInfo()
    {
        var info = new TransactionInfo
        {
            RequestId = RequestId,
            Status = Status switch
            {
                RelayStatus.Accepted => TransactionStatus.Accepted,
                RelayStatus.Submitted => TransactionStatus.Submitted,
                RelayStatus.PreConfirmed => TransactionStatus.PreConfirmed,
                RelayStatus.AcceptedOnL2 => TransactionStatus.AcceptedOnL2,
                RelayStatus.Reverted => TransactionStatus.Reverted,
                RelayStatus.Rejected => TransactionStatus.Rejected,
                _ => TransactionStatus.Unspecified,
            },
            TransactionHash = TransactionHash ?? "",
            Reason = Reason ?? "",
            ActualFee = ActualFee ?? "",
            BlockNumber = BlockNumber,
            Kind = Kind == RelayKind.Invoke ? TransactionKind.Invoke : TransactionKind.OutsideExecution,
            RelayerAddress = RelayerAddress ?? "",
            BatchSize = (uint)BatchSize,
            AcceptedAtUnixMs = (ulong)Math.Max(0, AcceptedAtMs),
            FinalAtUnixMs = (ulong)Math.Max(0, FinalAtMs),
        };
        info.PreviousTransactionHashes.AddRange(PreviousHashes);
        return info;
    }

    public static string StatusName(RelayStatus status) => status switch
    {
        RelayStatus.Accepted => "ACCEPTED",
        RelayStatus.Submitted => "SUBMITTED",
        RelayStatus.PreConfirmed => "PRE_CONFIRMED",
        RelayStatus.AcceptedOnL2 => "ACCEPTED_ON_L2",
        RelayStatus.Reverted => "REVERTED",
        RelayStatus.Rejected => "REJECTED",
        _ => "UNSPECIFIED",
    };
}

internal sealed record StoredCall(string To, string Selector, IReadOnlyList<string> Calldata)
{
    public StarknetCall ToCall() => new(Felt.Parse(To), Felt.Parse(Selector), [.. Calldata.Select(Felt.Parse)]);

    public static StoredCall From(StarknetCall call) => new(call.To.ToString(), call.Selector.ToString(), [.. call.Calldata.Select(f => f.ToString())]);
}

internal sealed record StoredOutsideExecution(string Caller, string Nonce, ulong ExecuteAfter, ulong ExecuteBefore, IReadOnlyList<StoredCall> Calls)
{
    public OutsideExecution ToOutsideExecution() =>
        new(Felt.Parse(Caller), Felt.Parse(Nonce), ExecuteAfter, ExecuteBefore, [.. Calls.Select(c => c.ToCall())]);

    public static StoredOutsideExecution From(OutsideExecution o) =>
        new(o.Caller.ToString(), o.Nonce.ToString(), (ulong)o.ExecuteAfter, (ulong)o.ExecuteBefore, [.. o.Calls.Select(StoredCall.From)]);
}

internal sealed record StoredBounds(ulong L1GasAmount, string L1GasPrice, ulong L2GasAmount, string L2GasPrice, ulong L1DataGasAmount, string L1DataGasPrice)
{
    public ResourceBoundsMapping ToBounds() => new(
        new ResourceBounds(L1GasAmount, UInt128.Parse(L1GasPrice, CultureInfo.InvariantCulture)),
        new ResourceBounds(L2GasAmount, UInt128.Parse(L2GasPrice, CultureInfo.InvariantCulture)),
        new ResourceBounds(L1DataGasAmount, UInt128.Parse(L1DataGasPrice, CultureInfo.InvariantCulture)));

    public static StoredBounds From(ResourceBoundsMapping b) => new(
        b.L1Gas.MaxAmount, b.L1Gas.MaxPricePerUnit.ToString(CultureInfo.InvariantCulture),
        b.L2Gas.MaxAmount, b.L2Gas.MaxPricePerUnit.ToString(CultureInfo.InvariantCulture),
        b.L1DataGas.MaxAmount, b.L1DataGas.MaxPricePerUnit.ToString(CultureInfo.InvariantCulture));
}

/// <summary>A signed INVOKE v3 as stored: enough to send the very same transaction (same hash) again.</summary>
internal sealed record StoredInvoke(string Sender, IReadOnlyList<string> Calldata, string Nonce, string ChainId, StoredBounds Bounds, ulong Tip)
{
    public InvokeTransactionV3 ToTransaction() => new()
    {
        SenderAddress = Felt.Parse(Sender),
        Calldata = [.. Calldata.Select(Felt.Parse)],
        Nonce = Felt.Parse(Nonce),
        ChainId = Felt.Parse(ChainId),
        ResourceBounds = Bounds.ToBounds(),
        Tip = Tip,
    };

    public static StoredInvoke From(InvokeTransactionV3 tx) => new(
        tx.SenderAddress.ToString(), [.. tx.Calldata.Select(f => f.ToString())], tx.Nonce.ToString(), tx.ChainId.ToString(),
        StoredBounds.From(tx.ResourceBounds), tx.Tip);
}

/// <summary>
/// A transaction a relayer account signed (<c>relayer:tx:{hash}</c>), written before it is sent: after a restart or a
/// drop it is sent again exactly as signed, or abandoned once its nonce was provably used by another transaction.
/// </summary>
internal sealed record RelayerTransaction
{
    public required string Hash { get; init; }
    public required string RelayerAddress { get; init; }
    public required ulong Nonce { get; init; }
    public required StoredInvoke Transaction { get; init; }
    public required IReadOnlyList<string> Signature { get; init; }

    /// <summary>The requests it carries, in call order.</summary>
    public required IReadOnlyList<string> Members { get; init; }

    public long SentAtMs { get; init; }

    /// <summary>Given up (dropped and its nonce used by another transaction, or replaced); its members moved on.</summary>
    public bool Abandoned { get; init; }

    /// <summary>Reached a final status.</summary>
    public bool Final { get; init; }

    /// <summary>
    /// The record as stored. A final or abandoned transaction is never sent again, so its record keeps no calldata
    /// (for a batch of four, ~12 KB that would otherwise be rewritten just to set the flag).
    /// </summary>
    public RelayerTransaction ForStorage() =>
        Final || Abandoned ? this with { Transaction = Transaction with { Calldata = [] } } : this;
}

/// <summary>What a request asks to send (<c>relayer:payload:{id}</c>): written once, with the request's first write.</summary>
internal sealed record RelayPayload(StoredOutsideExecution? OutsideExecution, StoredInvoke? Invoke, IReadOnlyList<string> Signature);

/// <summary>One shard of the index of requests not yet final (<c>relayer:pending:{n}</c>).</summary>
internal sealed record PendingShard(IReadOnlyList<string> RequestIds);
