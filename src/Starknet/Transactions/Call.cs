namespace Starknet.Transactions;

/// <summary>
/// One contract call of a multicall: target contract, entry-point selector and calldata.
/// </summary>
/// <param name="To">The contract address called.</param>
/// <param name="Selector">The entry point's selector, <c>starknet_keccak(name)</c> (spec §2.2).</param>
/// <param name="Calldata">The call's arguments, already serialized to felts.</param>
public sealed record Call(Felt To, Felt Selector, IReadOnlyList<Felt> Calldata)
{
    /// <summary>A call to an entry point given by name (the selector is computed with <see cref="Starknet.Selector.FromName"/>).</summary>
    public static Call ToEntryPoint(Felt to, string entryPoint, params IReadOnlyList<Felt> calldata) =>
        new(to, Starknet.Selector.FromName(entryPoint), calldata);

    /// <summary>Value equality, including the calldata elements.</summary>
    public bool Equals(Call? other) =>
        other is not null && To == other.To && Selector == other.Selector && Calldata.SequenceEqual(other.Calldata);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(To);
        hash.Add(Selector);
        foreach (var felt in Calldata)
        {
            hash.Add(felt);
        }
        return hash.ToHashCode();
    }
}

/// <summary>Cairo 1 account <c>__execute__</c> calldata (starknet.js <c>transaction.getExecuteCalldata(calls, "1")</c>, spec §11).</summary>
public static class ExecuteCalldata
{
    /// <summary>
    /// Serializes calls as <c>[n_calls, (to, selector, calldata_len, calldata…) × n_calls]</c>.
    /// </summary>
    public static Felt[] Encode(IReadOnlyList<Call> calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var result = new Felt[Length(calls)];
        Write(calls, result);
        return result;
    }

    /// <summary>The number of felts <see cref="Encode"/> produces.</summary>
    public static int Length(IReadOnlyList<Call> calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var length = 1;
        for (var i = 0; i < calls.Count; i++)
        {
            length += 3 + calls[i].Calldata.Count;
        }
        return length;
    }

    /// <summary>Writes the encoding into <paramref name="destination"/> and returns the number of felts written.</summary>
    /// <exception cref="ArgumentException">The destination is too short.</exception>
    public static int Write(IReadOnlyList<Call> calls, Span<Felt> destination)
    {
        var length = Length(calls);
        if (destination.Length < length)
        {
            throw new ArgumentException($"The destination needs {length} felts.", nameof(destination));
        }
        var k = 0;
        destination[k++] = (ulong)calls.Count;
        for (var i = 0; i < calls.Count; i++)
        {
            var call = calls[i];
            destination[k++] = call.To;
            destination[k++] = call.Selector;
            destination[k++] = (ulong)call.Calldata.Count;
            for (var j = 0; j < call.Calldata.Count; j++)
            {
                destination[k++] = call.Calldata[j];
            }
        }
        return k;
    }

    /// <summary>
    /// Poseidon hash-many of the encoding, computed without materializing it (what the v3 hash needs).
    /// </summary>
    public static Felt Hash(IReadOnlyList<Call> calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var hasher = new PoseidonHasher();
        hasher.Update((ulong)calls.Count);
        for (var i = 0; i < calls.Count; i++)
        {
            var call = calls[i];
            hasher.Update(call.To);
            hasher.Update(call.Selector);
            hasher.Update((ulong)call.Calldata.Count);
            for (var j = 0; j < call.Calldata.Count; j++)
            {
                hasher.Update(call.Calldata[j]);
            }
        }
        return hasher.Finish();
    }
}
