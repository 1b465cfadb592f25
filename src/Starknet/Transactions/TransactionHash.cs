namespace Starknet.Transactions;

/// <summary>
/// Transaction hashes, field by field as starknet.js <c>calculateInvokeTransactionHash</c> (v3) computes them (spec §11).
/// </summary>
public static class TransactionHash
{
    /// <summary><c>'invoke'</c>, the INVOKE transaction prefix.</summary>
    public static Felt InvokePrefix { get; } = 0x696e766f6b65;

    /// <summary><c>'L1_GAS'</c>, the resource name in the L1 gas bound word.</summary>
    public static Felt L1GasName { get; } = 0x4c315f474153;

    /// <summary><c>'L2_GAS'</c>, the resource name in the L2 gas bound word.</summary>
    public static Felt L2GasName { get; } = 0x4c325f474153;

    /// <summary><c>'L1_DATA'</c>, the resource name in the L1 data gas bound word.</summary>
    public static Felt L1DataName { get; } = 0x4c315f44415441;

    /// <summary>Hm([]), the hash of an empty list (paymaster data and deployment data are usually empty).</summary>
    public static Felt EmptyListHash { get; } = Poseidon.HashMany([]);

    /// <summary>
    /// <c>(name &lt;&lt; 192) + (max_amount &lt;&lt; 128) + max_price_per_unit</c>.
    /// </summary>
    public static Felt BoundWord(Felt resourceName, ResourceBounds bounds)
    {
        resourceName.ToCanonicalLimbs(out var name, out var high, out _, out _);
        if (high != 0 || (name >> 59) != 0)
        {
            // Resource names are short strings of at most 7 bytes, so the word stays below p.
            throw new ArgumentOutOfRangeException(nameof(resourceName), "A resource name must fit in 59 bits.");
        }
        return Felt.FromCanonicalLimbs((ulong)bounds.MaxPricePerUnit, (ulong)(bounds.MaxPricePerUnit >> 64), bounds.MaxAmount, name);
    }

    /// <summary>Hm([tip, L1_GAS word, L2_GAS word, L1_DATA word]).</summary>
    public static Felt FeeFieldHash(ulong tip, in ResourceBoundsMapping bounds) => Poseidon.HashMany(
    [
        tip,
        BoundWord(L1GasName, bounds.L1Gas),
        BoundWord(L2GasName, bounds.L2Gas),
        BoundWord(L1DataName, bounds.L1DataGas),
    ]);

    /// <summary>(nonce_da_mode &lt;&lt; 32) + fee_da_mode.</summary>
    public static Felt DataAvailabilityWord(DataAvailabilityMode nonceMode, DataAvailabilityMode feeMode) =>
        ((ulong)nonceMode << 32) + (ulong)feeMode;

    /// <summary>
    /// The INVOKE v3 transaction hash:
    /// <c>Hm(['invoke', version, sender, fee_field_hash, Hm(paymaster_data), chain_id, nonce, da_word,
    /// Hm(account_deployment_data), Hm(calldata) (, Hm(proof_facts) if non-empty)])</c>.
    /// </summary>
    public static Felt InvokeV3(InvokeTransactionV3 transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return InvokeV3(transaction, HashList(transaction.Calldata));
    }

    /// <summary>
    /// The INVOKE v3 hash when the calldata hash is already known (for example from <see cref="ExecuteCalldata.Hash"/>),
    /// so the calldata need not be materialized; <see cref="InvokeTransactionV3.Calldata"/> is ignored.
    /// </summary>
    public static Felt InvokeV3(InvokeTransactionV3 transaction, Felt calldataHash)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var hasher = new PoseidonHasher();
        hasher.Update(InvokePrefix);
        hasher.Update(transaction.Version);
        hasher.Update(transaction.SenderAddress);
        hasher.Update(FeeFieldHash(transaction.Tip, transaction.ResourceBounds));
        hasher.Update(HashList(transaction.PaymasterData));
        hasher.Update(transaction.ChainId);
        hasher.Update(transaction.Nonce);
        hasher.Update(DataAvailabilityWord(transaction.NonceDataAvailabilityMode, transaction.FeeDataAvailabilityMode));
        hasher.Update(HashList(transaction.AccountDeploymentData));
        hasher.Update(calldataHash);
        if (transaction.ProofFacts is { Count: > 0 } proofFacts)
        {
            hasher.Update(HashList(proofFacts));
        }
        return hasher.Finish();
    }

    private static Felt HashList(IReadOnlyList<Felt> values)
    {
        if (values.Count == 0)
        {
            return EmptyListHash;
        }
        var hasher = new PoseidonHasher();
        for (var i = 0; i < values.Count; i++)
        {
            hasher.Update(values[i]);
        }
        return hasher.Finish();
    }
}
