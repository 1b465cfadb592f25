using System.Numerics;
using Sessions;
using Starknet;

namespace GuardianSigner.Cosigning;

/// <summary>A session authorization to cosign, already parsed and validated for shape.</summary>
internal sealed record SessionRegistration(
    SessionRequest Request,
    string DappId,
    Felt OwnerPublicKey,
    StarkSignature OwnerSignature);

/// <summary>The cosigned authorization.</summary>
internal sealed record AuthorizationResult(
    Felt SessionHash,
    StarknetSignerSignature Owner,
    StarknetSignerSignature Guardian)
{
    /// <summary>[2, 0, owner_pub, r, s, 0, guardian_pub, r', s'].</summary>
    public Felt[] AuthorizationFelts() => SessionAuthorization.Regular(Owner, Guardian).ToFelts();
}

/// <summary>Names of the request fields, so refusals name the field as the caller wrote it (gRPC or HTTP).</summary>
internal sealed record CosignFieldNames(
    string SessionHash,
    string ChainId,
    string Account,
    string Calls,
    string SessionSignature,
    string SessionPublicKey,
    string Authorization,
    string CacheField,
    string ExecuteBefore,
    string Fee);

/// <summary>
/// One session transaction to cosign. The execution hash is computed by <see cref="ExecutionHash"/> from the fields
/// the caller sent, given the chain id and account to use (the transaction's own, or the session's when the
/// transaction kind carries none).
/// </summary>
internal sealed record CosignTransaction
{
    public required Felt SessionHash { get; init; }

    /// <summary>"invoke" or "outside-execution", for logs.</summary>
    public required string Kind { get; init; }

    public required IReadOnlyList<Starknet.Transactions.Call> Calls { get; init; }

    /// <summary>The chain the transaction names, or null when it names none (gRPC outside execution).</summary>
    public Felt? ChainId { get; init; }

    /// <summary>The account the transaction names, or null when it names none.</summary>
    public Felt? AccountAddress { get; init; }

    /// <summary>(chain id, account) → execution hash.</summary>
    public required Func<Felt, Felt, Felt> ExecutionHash { get; init; }

    /// <summary>The most this transaction can charge against the session's txFees allowance.</summary>
    public BigInteger MaxFee { get; init; }

    public required Felt FeeToken { get; init; }

    /// <summary>The cache field of m: 0, 1 (account ≤ 0.4.0 / x-sessions), or the owner GUID (account 0.5.0).</summary>
    public Felt CacheField { get; init; }

    public required StarkSignature SessionSignature { get; init; }

    /// <summary>The session key the caller claims (HTTP body), checked against the registered one.</summary>
    public Felt? SessionPublicKey { get; init; }

    /// <summary>The authorization the caller carries (HTTP body), checked against this guardian and the owner.</summary>
    public SessionAuthorization? Authorization { get; init; }

    /// <summary>Outside execution: the latest block timestamp (exclusive); must still be ahead of the guardian's clock.</summary>
    public UInt128? ExecuteBefore { get; init; }

    public required CosignFieldNames Fields { get; init; }
}

/// <summary>A cosigned transaction.</summary>
internal sealed record CosignResult(Felt ExecutionHash, Felt MessageHash, StarkSignature Signature, Felt GuardianPublicKey);

/// <summary>Fee tokens of Starknet (the same address on mainnet, Sepolia and devnets).</summary>
internal static class FeeTokens
{
    /// <summary>STRK, the token v3 transactions pay their fees in (FRI).</summary>
    public static Felt Strk { get; } = Felt.Parse("0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d");
}

/// <summary>
/// The most a v3 transaction can be charged, as the sequencer bounds it (blockifier <c>max_possible_fee</c>):
/// <c>l1_gas.max_amount·l1_gas.max_price + l1_data_gas.max_amount·l1_data_gas.max_price
///   + l2_gas.max_amount·(l2_gas.max_price + tip)</c>. The tip is paid per unit of L2 gas.
/// </summary>
internal static class MaxFee
{
    public static BigInteger Of(in Starknet.Transactions.ResourceBoundsMapping bounds, ulong tip) =>
        bounds.MaxFee + (BigInteger)bounds.L2Gas.MaxAmount * tip;
}
