using Starknet.Transactions;

namespace Starknet.Devnet.Execution;

/// <summary>
/// Cairo Serde over an entry point's calldata. A value that does not deserialize panics with Cairo's own messages
/// (<c>Failed to deserialize param #k</c>, <c>Input too long for arguments</c>).
/// </summary>
internal sealed class CalldataReader(IReadOnlyList<Felt> calldata)
{
    private int _position;
    private int _parameter;

    /// <summary>Starts the next parameter (1-based in the panic message).</summary>
    public CalldataReader Param()
    {
        _parameter++;
        return this;
    }

    public Felt Felt()
    {
        if (_position >= calldata.Count)
        {
            throw Fail();
        }
        return calldata[_position++];
    }

    public ulong U64() => Execution.FeltValues.TryToUInt64(Felt(), out var v) ? v : throw Fail();

    public UInt128 U128() => Execution.FeltValues.TryToUInt128(Felt(), out var v) ? v : throw Fail();

    /// <summary>A u256 as <c>[low, high]</c>, each a u128.</summary>
    public (UInt128 Low, UInt128 High) U256() => (U128(), U128());

    public bool Bool()
    {
        var v = Felt();
        return v.IsZero ? false : v == Starknet.Felt.One ? true : throw Fail();
    }

    /// <summary><c>Array&lt;felt252&gt;</c> / <c>Span&lt;felt252&gt;</c>: <c>[len, items…]</c>.</summary>
    public Felt[] Array()
    {
        var length = U64();
        if (length > (ulong)(calldata.Count - _position))
        {
            throw Fail();
        }
        var items = new Felt[length];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = calldata[_position++];
        }
        return items;
    }

    /// <summary><c>Array&lt;Call&gt;</c>: <c>[n, (to, selector, calldata_len, calldata…)…]</c>.</summary>
    public Call[] Calls()
    {
        var count = U64();
        if (count > (ulong)(calldata.Count - _position))
        {
            throw Fail();
        }
        var calls = new Call[count];
        for (var i = 0; i < calls.Length; i++)
        {
            var to = Felt();
            var selector = Felt();
            calls[i] = new Call(to, selector, Array());
        }
        return calls;
    }

    /// <summary>Every felt must have been read.</summary>
    public void End()
    {
        if (_position != calldata.Count)
        {
            throw new ContractPanicException("Input too long for arguments");
        }
    }

    private ContractPanicException Fail() => new($"Failed to deserialize param #{Math.Max(_parameter, 1)}");
}
