using Starknet.Rpc;

namespace Starknet.Devnet.Execution;

/// <summary>A point an <see cref="TxContext"/> can roll back to.</summary>
internal readonly record struct Savepoint(int UndoCount, int EventCount, int StorageWrites);

/// <summary>
/// One transaction (or view call, or fee estimate) being run: the block it runs in, the transaction info the contracts
/// read, the events emitted, the gas used, and an undo log so that a revert can take back every state change. Used only
/// under the state lock.
/// </summary>
internal sealed class TxContext(DevnetState state, ulong blockNumber, ulong blockTimestamp)
{
    private const int MaxCallDepth = 64;

    private readonly List<Action> _undo = [];
    private int _depth;

    public DevnetState State { get; } = state;

    public ulong BlockNumber { get; } = blockNumber;

    /// <summary>The exact block timestamp (what <c>__execute__</c> and outside execution see), Unix seconds.</summary>
    public ulong BlockTimestamp { get; } = blockTimestamp;

    /// <summary>The timestamp <c>__validate__</c> sees: the block timestamp rounded down to the hour (spec §13.2).</summary>
    public ulong ValidationTimestamp => BlockTimestamp / 3600 * 3600;

    /// <summary><c>tx_info.transaction_hash</c>; 0 for view calls.</summary>
    public Felt TransactionHash { get; init; }

    /// <summary><c>tx_info.version</c>; 0 for view calls.</summary>
    public Felt TransactionVersion { get; init; }

    public Felt ChainId => State.ChainId;

    public List<StarknetEvent> Events { get; } = [];

    /// <summary>L2 gas used so far; not given back by a rollback (a reverted transaction still paid for its work).</summary>
    public ulong L2Gas { get; private set; }

    /// <summary>Storage writes that stand (rolled back writes no longer count); they drive the L1 data gas.</summary>
    public int StorageWrites { get; private set; }

    public void ChargeL2(ulong gas) => L2Gas += gas;

    /// <summary>Records a storage write and how to undo it.</summary>
    public void Write(Action undo)
    {
        _undo.Add(undo);
        StorageWrites++;
        L2Gas += FeeModel.StorageWriteGas;
    }

    /// <summary>Records how to undo a change that is not a storage write of its own (the nonce, covered by the base data gas).</summary>
    public void Track(Action undo) => _undo.Add(undo);

    public void Emit(Felt from, Felt[] keys, Felt[] data)
    {
        Events.Add(new StarknetEvent(from, keys, data));
        L2Gas += FeeModel.EventGas + FeeModel.EventFeltGas * (ulong)(keys.Length + data.Length);
    }

    public Savepoint Mark() => new(_undo.Count, Events.Count, StorageWrites);

    /// <summary>Undoes every write and drops every event after <paramref name="savepoint"/>.</summary>
    public void RollbackTo(Savepoint savepoint)
    {
        for (var i = _undo.Count - 1; i >= savepoint.UndoCount; i--)
        {
            _undo[i]();
        }
        _undo.RemoveRange(savepoint.UndoCount, _undo.Count - savepoint.UndoCount);
        Events.RemoveRange(savepoint.EventCount, Events.Count - savepoint.EventCount);
        StorageWrites = savepoint.StorageWrites;
    }

    /// <summary>Undoes everything (fee estimates and view calls leave no trace).</summary>
    public void RollbackAll() => RollbackTo(default);

    /// <summary>
    /// Calls <paramref name="selector"/> on the contract at <paramref name="to"/> with <paramref name="caller"/> as
    /// <c>get_caller_address</c>. A missing contract or entry point panics like any other failure.
    /// </summary>
    public IReadOnlyList<Felt> Call(Felt caller, Felt to, Felt selector, IReadOnlyList<Felt> calldata)
    {
        L2Gas += FeeModel.CallGas + FeeModel.CalldataFeltGas * (ulong)calldata.Count;
        if (!State.TryGetContract(to, out var contract))
        {
            throw new MissingContractException(to);
        }
        if (++_depth > MaxCallDepth)
        {
            _depth--;
            throw new ContractPanicException("devnet/call-depth-exceeded");
        }
        try
        {
            return contract.Invoke(this, caller, selector, calldata);
        }
        finally
        {
            _depth--;
        }
    }
}
