using Starknet.Devnet.Execution;
using Starknet.Transactions;

namespace Starknet.Devnet.Contracts;

/// <summary>An entry point: reads its arguments from <paramref name="args"/>, panics to fail, returns its result felts.</summary>
internal delegate IReadOnlyList<Felt> EntryPoint<in TContract>(TContract self, TxContext ctx, Felt caller, CalldataReader args);

/// <summary>
/// A contract deployed on the devnet, written in C# instead of Cairo. Entry points are looked up by selector; each
/// state change goes through <see cref="TxContext.Write"/> so that reverts can undo it.
/// </summary>
internal abstract class DevnetContract(Felt address)
{
    public Felt Address { get; } = address;

    /// <summary>Runs an entry point; panics (<see cref="ContractPanicException"/>) on failure.</summary>
    public abstract IReadOnlyList<Felt> Invoke(TxContext ctx, Felt caller, Felt selector, IReadOnlyList<Felt> calldata);

    /// <summary>Looks <paramref name="selector"/> up in <paramref name="entryPoints"/> and runs it.</summary>
    protected static IReadOnlyList<Felt> Dispatch<TContract>(
        TContract self, IReadOnlyDictionary<Felt, EntryPoint<TContract>> entryPoints, TxContext ctx, Felt caller, Felt selector, IReadOnlyList<Felt> calldata)
        where TContract : DevnetContract
    {
        if (!entryPoints.TryGetValue(selector, out var entryPoint))
        {
            throw new MissingEntryPointException(self.Address, selector);
        }
        var args = new CalldataReader(calldata);
        var result = entryPoint(self, ctx, caller, args);
        args.End();
        return result;
    }
}

/// <summary>An account contract: it has a nonce and runs <c>__validate__</c> and <c>__execute__</c> for INVOKE transactions.</summary>
internal abstract class AccountContract(Felt address, ulong nonce) : DevnetContract(address)
{
    public ulong Nonce { get; set; } = nonce;

    /// <summary>
    /// <c>__validate__</c> with <see cref="TxContext.ValidationTimestamp"/>: panics with the account's error when
    /// the transaction is not valid; charges the validation gas; may write (the session authorization cache).
    /// </summary>
    public abstract void Validate(TxContext ctx, InvokeTransactionV3 transaction, IReadOnlyList<Felt> signature, IReadOnlyList<Call> calls);

    /// <summary><c>__execute__</c> with the exact block timestamp: panics to revert.</summary>
    public abstract void Execute(TxContext ctx, InvokeTransactionV3 transaction, IReadOnlyList<Felt> signature, IReadOnlyList<Call> calls);
}
