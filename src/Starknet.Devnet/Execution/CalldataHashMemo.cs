using System.Runtime.InteropServices;
using Starknet.Transactions;

namespace Starknet.Devnet.Execution;

/// <summary>
/// <c>Hm(calldata)</c>, the Poseidon hash of a transaction's calldata that its hash covers, memoized per
/// <see cref="DevnetState"/> by content: a relayer estimates a transaction (query version) and then submits the same
/// calldata, and the long multicall of outside executions costs hundreds of permutations each time. The key is the
/// calldata itself, looked up by a cheap non-cryptographic hash and confirmed felt by felt, so different calldata with
/// the same cheap hash is never confused. Bounded by the number of felts held.
/// </summary>
internal sealed class CalldataHashMemo
{
    /// <summary>Felts per generation (two generations are kept): about 2 MiB each.</summary>
    public const int DefaultCapacityFelts = 1 << 16;

    private readonly BoundedMemo<Felt[], Felt> _memo;
    private readonly int _capacityFelts;

    public CalldataHashMemo(int capacityFelts = DefaultCapacityFelts, IEqualityComparer<Felt[]>? comparer = null)
    {
        _capacityFelts = capacityFelts;
        _memo = new BoundedMemo<Felt[], Felt>(capacityFelts, comparer ?? FeltArrayComparer.Instance);
    }

    /// <summary>Entries held.</summary>
    public int Count => _memo.Count;

    /// <summary><c>Hm(calldata)</c> (<see cref="TransactionHash.EmptyListHash"/> for no calldata).</summary>
    /// <remarks>The array is kept as the key: callers must not change it afterwards (the devnet's are never changed).</remarks>
    public Felt Hash(IReadOnlyList<Felt> calldata)
    {
        ArgumentNullException.ThrowIfNull(calldata);
        if (calldata.Count == 0)
        {
            return TransactionHash.EmptyListHash;
        }
        if (calldata is not Felt[] array || array.Length > _capacityFelts)
        {
            return Poseidon.HashMany(calldata is Felt[] a ? a : [.. calldata]);
        }
        if (_memo.TryGet(array, out var hash))
        {
            return hash;
        }
        hash = Poseidon.HashMany(array);
        _memo.Add(array, hash, array.Length);
        return hash;
    }
}

/// <summary>Felt arrays equal felt by felt; the hash mixes every limb (cheap, not cryptographic).</summary>
internal sealed class FeltArrayComparer : IEqualityComparer<Felt[]>
{
    public static FeltArrayComparer Instance { get; } = new();

    public bool Equals(Felt[]? x, Felt[]? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

    public int GetHashCode(Felt[] obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var limbs = MemoryMarshal.Cast<Felt, ulong>(obj.AsSpan());
        var h = (ulong)obj.Length * 0x9E3779B97F4A7C15UL;
        foreach (var limb in limbs)
        {
            h = (System.Numerics.BitOperations.RotateLeft(h, 23) ^ limb) * 0x9E3779B97F4A7C15UL;
        }
        return (int)(h ^ (h >> 32));
    }
}
