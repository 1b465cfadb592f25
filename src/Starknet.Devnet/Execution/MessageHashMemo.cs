using Sessions;
using Starknet.Transactions;

namespace Starknet.Devnet.Execution;

/// <summary>
/// The SNIP-12 hashes the Argent account computes for every outside execution, memoized per <see cref="DevnetState"/>
/// by content: the session hash (the same for every transaction of a session), the outside-execution message hash
/// (a fee estimate and its submission run the same outside executions) and the session message <c>m</c> over it. Keys
/// are the full values hashed (chain, account, the struct with every call and calldata felt), compared in full, so a
/// hit is exactly the value that would be computed again. Bounded (two generations each).
/// </summary>
internal sealed class MessageHashMemo
{
    /// <summary>Session hashes per generation.</summary>
    public const int DefaultSessionCapacity = 4096;

    /// <summary>Felts of outside executions per generation (calls and calldata).</summary>
    public const int DefaultOutsideExecutionCapacityFelts = 1 << 16;

    private readonly BoundedMemo<(Felt ChainId, Felt Account, Session Session), Felt> _sessions = new(DefaultSessionCapacity);
    private readonly BoundedMemo<(Felt ExecutionHash, Felt SessionHash, Felt CacheField), Felt> _sessionMessages = new(DefaultSessionCapacity);
    private readonly BoundedMemo<OutsideExecutionKey, Felt> _outsideExecutions = new(DefaultOutsideExecutionCapacityFelts, OutsideExecutionKeyComparer.Instance);

    /// <summary><see cref="Session.ComputeHash(Felt, Felt)"/>, memoized.</summary>
    public Felt SessionHash(Felt chainId, Felt account, Session session)
    {
        var key = (chainId, account, session);
        if (!_sessions.TryGet(key, out var hash))
        {
            hash = session.ComputeHash(chainId, account);
            _sessions.Add(key, hash);
        }
        return hash;
    }

    /// <summary>
    /// <see cref="SessionMessage.Hash"/>, memoized: the signature prewarm and the validator of a fee estimate and of its
    /// submission each ask for the same <c>m</c>.
    /// </summary>
    public Felt SessionMessageHash(Felt executionHash, Felt sessionHash, Felt cacheField)
    {
        var key = (executionHash, sessionHash, cacheField);
        if (!_sessionMessages.TryGet(key, out var hash))
        {
            hash = SessionMessage.Hash(executionHash, sessionHash, cacheField);
            _sessionMessages.Add(key, hash);
        }
        return hash;
    }

    /// <summary><see cref="OutsideExecution.MessageHash(Felt, Felt)"/>, memoized.</summary>
    /// <remarks>The calls are kept as the key: callers must not change them afterwards (the devnet's are never changed).</remarks>
    public Felt OutsideExecutionHash(Felt chainId, Felt account, OutsideExecution outside)
    {
        ArgumentNullException.ThrowIfNull(outside);
        var key = new OutsideExecutionKey(chainId, account, outside);
        if (!_outsideExecutions.TryGet(key, out var hash))
        {
            hash = outside.MessageHash(chainId, account);
            var cost = 1L;
            foreach (var call in outside.Calls)
            {
                cost += 3 + call.Calldata.Count;
            }
            _outsideExecutions.Add(key, hash, cost);
        }
        return hash;
    }

    private readonly record struct OutsideExecutionKey(Felt ChainId, Felt Account, OutsideExecution Outside);

    /// <summary>Every field, every call and every calldata felt; the (random) nonce makes the cheap hash spread.</summary>
    private sealed class OutsideExecutionKeyComparer : IEqualityComparer<OutsideExecutionKey>
    {
        public static OutsideExecutionKeyComparer Instance { get; } = new();

        public bool Equals(OutsideExecutionKey x, OutsideExecutionKey y)
        {
            if (x.ChainId != y.ChainId || x.Account != y.Account)
            {
                return false;
            }
            var a = x.Outside;
            var b = y.Outside;
            if (ReferenceEquals(a, b))
            {
                return true;
            }
            if (a.Caller != b.Caller || a.Nonce != b.Nonce || a.ExecuteAfter != b.ExecuteAfter || a.ExecuteBefore != b.ExecuteBefore
                || a.Calls.Count != b.Calls.Count)
            {
                return false;
            }
            for (var i = 0; i < a.Calls.Count; i++)
            {
                // Call equality compares the calldata felt by felt.
                if (!a.Calls[i].Equals(b.Calls[i]))
                {
                    return false;
                }
            }
            return true;
        }

        public int GetHashCode(OutsideExecutionKey obj) =>
            HashCode.Combine(obj.ChainId, obj.Account, obj.Outside.Nonce, obj.Outside.Caller, obj.Outside.Calls.Count);
    }
}
