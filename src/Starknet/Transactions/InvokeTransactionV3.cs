namespace Starknet.Transactions;

/// <summary>Data-availability mode of a v3 transaction's nonce or fee (spec §11).</summary>
public enum DataAvailabilityMode
{
    /// <summary>Data kept on L1 (0).</summary>
    L1 = 0,

    /// <summary>Data kept on L2 (1).</summary>
    L2 = 1,
}

/// <summary>The limit a v3 transaction sets on one resource.</summary>
/// <param name="MaxAmount">Most units of the resource the transaction may use (u64).</param>
/// <param name="MaxPricePerUnit">Highest price per unit, in FRI (u128).</param>
public readonly record struct ResourceBounds(ulong MaxAmount, UInt128 MaxPricePerUnit)
{
    /// <summary>No allowance at all.</summary>
    public static ResourceBounds Zero => default;

    /// <summary>The most this bound can cost: <c>MaxAmount · MaxPricePerUnit</c>.</summary>
    public System.Numerics.BigInteger MaxFee => (System.Numerics.BigInteger)MaxAmount * MaxPricePerUnit;
}

/// <summary>The three resource bounds of a v3 transaction.</summary>
/// <param name="L1Gas">L1 gas.</param>
/// <param name="L2Gas">L2 gas.</param>
/// <param name="L1DataGas">L1 data (blob) gas; hashed even when zero.</param>
public readonly record struct ResourceBoundsMapping(ResourceBounds L1Gas, ResourceBounds L2Gas, ResourceBounds L1DataGas)
{
    /// <summary>The most the transaction can pay for resources, excluding the tip.</summary>
    public System.Numerics.BigInteger MaxFee => L1Gas.MaxFee + L2Gas.MaxFee + L1DataGas.MaxFee;
}

/// <summary>Transaction version constants (spec §11).</summary>
public static class TransactionVersion
{
    /// <summary>Version 3.</summary>
    public static Felt V3 { get; } = 3;

    /// <summary>
    /// The query version 2^128 + 3, used for fee estimation and simulation. It changes the hash, so a signature over a
    /// query transaction can never be replayed as a real one.
    /// </summary>
    public static Felt V3Query { get; } = Felt.FromCanonicalLimbs(3, 0, 1, 0);

    /// <summary>True for <see cref="V3Query"/>.</summary>
    public static bool IsQuery(Felt version) => version == V3Query;
}

/// <summary>
/// The fields of an INVOKE v3 transaction that its hash covers (spec §11).
/// </summary>
public sealed record InvokeTransactionV3
{
    /// <summary>The account sending the transaction.</summary>
    public required Felt SenderAddress { get; init; }

    /// <summary>The account's <c>__execute__</c> calldata (see <see cref="ExecuteCalldata"/>).</summary>
    public required IReadOnlyList<Felt> Calldata { get; init; }

    /// <summary>The chain id as a felt (for example <c>'SN_SEPOLIA'</c>).</summary>
    public required Felt ChainId { get; init; }

    /// <summary>The sender's nonce.</summary>
    public required Felt Nonce { get; init; }

    /// <summary><see cref="TransactionVersion.V3"/> or <see cref="TransactionVersion.V3Query"/>.</summary>
    public Felt Version { get; init; } = TransactionVersion.V3;

    /// <summary>Resource bounds.</summary>
    public ResourceBoundsMapping ResourceBounds { get; init; }

    /// <summary>The tip (u64).</summary>
    public ulong Tip { get; init; }

    /// <summary>Paymaster data; Argent accounts require it empty.</summary>
    public IReadOnlyList<Felt> PaymasterData { get; init; } = [];

    /// <summary>Account deployment data.</summary>
    public IReadOnlyList<Felt> AccountDeploymentData { get; init; } = [];

    /// <summary>Where the nonce is kept.</summary>
    public DataAvailabilityMode NonceDataAvailabilityMode { get; init; } = DataAvailabilityMode.L1;

    /// <summary>Where the fee is kept.</summary>
    public DataAvailabilityMode FeeDataAvailabilityMode { get; init; } = DataAvailabilityMode.L1;

    /// <summary>SNIP-36 proof facts (starknet.js 10.x); hashed only when present and non-empty.</summary>
    public IReadOnlyList<Felt>? ProofFacts { get; init; }

    /// <summary>The transaction hash (see <see cref="TransactionHash.InvokeV3(InvokeTransactionV3)"/>).</summary>
    public Felt ComputeHash() => TransactionHash.InvokeV3(this);
}
