using Starknet.Rpc;
using Starknet.Transactions;

namespace Starknet.Devnet.State;

/// <summary>A block: pre-confirmed while it is being filled (interval mode), then sealed with its hash.</summary>
internal sealed class Block(ulong number, Felt parentHash, ulong timestamp)
{
    public ulong Number { get; } = number;

    public Felt ParentHash { get; } = parentHash;

    /// <summary>Unix seconds, from the devnet's <see cref="TimeProvider"/>.</summary>
    public ulong Timestamp { get; } = timestamp;

    /// <summary>Set when the block is sealed (ACCEPTED_ON_L2); null while pre-confirmed.</summary>
    public Felt? Hash { get; private set; }

    public List<TransactionRecord> Transactions { get; } = [];

    /// <summary>
    /// Seals the block. The hash is a Poseidon hash over the header and the transaction hashes; it is not the real
    /// block-hash commitment (there are no state or receipt commitments here).
    /// </summary>
    public void Seal(Felt sequencer)
    {
        var hasher = new PoseidonHasher();
        hasher.Update(CairoShortString.Encode("DEVNET_BLOCK"));
        hasher.Update(Number);
        hasher.Update(ParentHash);
        hasher.Update(Timestamp);
        hasher.Update(sequencer);
        foreach (var tx in Transactions)
        {
            hasher.Update(tx.Hash);
        }
        Hash = hasher.Finish();
    }
}

/// <summary>A transaction the devnet accepted, from RECEIVED to its final status.</summary>
internal sealed class TransactionRecord(Felt hash, InvokeTransactionV3 transaction, Felt[] signature, Call[] calls)
{
    public Felt Hash { get; } = hash;

    public InvokeTransactionV3 Transaction { get; } = transaction;

    public Felt[] Signature { get; } = signature;

    public Call[] Calls { get; } = calls;

    public Felt Sender => Transaction.SenderAddress;

    public TransactionFinalityStatus Status { get; set; } = TransactionFinalityStatus.Received;

    public TransactionExecutionStatus? ExecutionStatus { get; set; }

    /// <summary>Why it reverted (REVERTED) or was rejected at block building (REJECTED).</summary>
    public string? FailureReason { get; set; }

    public Felt ActualFee { get; set; }

    public ExecutionResources Resources { get; set; } = new(0, 0, 0);

    public IReadOnlyList<StarknetEvent> Events { get; set; } = [];

    public Block? Block { get; set; }

    public int Index { get; set; }
}
