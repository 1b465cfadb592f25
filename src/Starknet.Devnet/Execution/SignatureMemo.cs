namespace Starknet.Devnet.Execution;

/// <summary>
/// The devnet's ECDSA checks, memoized per <see cref="DevnetState"/>: the result is a function of (message hash, public
/// key, r, s) alone, so the same four values give the same answer as <see cref="Ecdsa"/> would compute again. It pays
/// because the same signatures come back: a fee estimate and the submission check the same outside executions, a
/// submission validates at admission and again in its block, and every transaction of a session carries the owner's
/// authorization over the same session hash. A different r, s or key is a different entry, never a hit.
/// </summary>
internal sealed class SignatureMemo(int capacity = SignatureMemo.DefaultCapacity)
{
    /// <summary>Entries per generation (two generations are kept).</summary>
    public const int DefaultCapacity = 8192;

    private readonly BoundedMemo<Key, OnChainSignatureStatus> _memo = new(capacity);

    /// <summary>Entries held.</summary>
    public int Count => _memo.Count;

    /// <summary><see cref="Ecdsa.VerifyOnChain(Felt, Felt, Felt, Felt)"/>, memoized.</summary>
    public bool VerifyOnChain(Felt messageHash, Felt publicKey, Felt r, Felt s)
    {
        var key = new Key(messageHash, publicKey, r, s, WithReason: false);
        if (!_memo.TryGet(key, out var status))
        {
            status = Ecdsa.VerifyOnChain(messageHash, publicKey, r, s) ? OnChainSignatureStatus.Valid : OnChainSignatureStatus.EquationDoesNotHold;
            _memo.Add(key, status);
        }
        return status == OnChainSignatureStatus.Valid;
    }

    /// <summary><see cref="Ecdsa.CheckOnChain(Felt, Felt, Felt, Felt)"/>, memoized.</summary>
    public OnChainSignatureStatus CheckOnChain(Felt messageHash, Felt publicKey, Felt r, Felt s)
    {
        var key = new Key(messageHash, publicKey, r, s, WithReason: true);
        if (!_memo.TryGet(key, out var status))
        {
            status = Ecdsa.CheckOnChain(messageHash, publicKey, r, s);
            _memo.Add(key, status);
        }
        return status;
    }

    /// <summary>The inputs, and which of the two functions answered (their failures differ in detail).</summary>
    private readonly record struct Key(Felt MessageHash, Felt PublicKey, Felt R, Felt S, bool WithReason);
}
