using Starknet.Devnet.Execution;
using Starknet.Transactions;

namespace Starknet.Devnet.Contracts;

/// <summary>
/// A plain account (OpenZeppelin style) used by relayers: one stark key; the transaction signature is <c>[r, s]</c> over
/// the transaction hash, checked with the on-chain rule. No estimate-mode leniency: estimate with SKIP_VALIDATE or sign
/// the query-version hash. Views: <c>get_public_key</c>, <c>is_valid_signature</c> (SNIP-6: <c>'VALID'</c> or 0).
/// </summary>
internal sealed class RelayerAccountContract : AccountContract
{
    public const string InvalidSignature = "Account: invalid signature";

    private static readonly Dictionary<Felt, EntryPoint<RelayerAccountContract>> s_entryPoints = new()
    {
        [Selector.FromName("get_public_key")] = static (self, _, _, args) =>
        {
            args.End();
            return [self.PublicKey];
        },
        [Selector.FromName("is_valid_signature")] = static (self, ctx, _, args) =>
        {
            var hash = args.Param().Felt();
            var signature = args.Param().Array();
            args.End();
            return [self.IsValid(ctx.State.Signatures, hash, signature) ? FeltValues.Valid : Felt.Zero];
        },
    };

    public RelayerAccountContract(Felt address, Felt publicKey, ulong nonce)
        : base(address, nonce)
    {
        PublicKey = publicKey;
    }

    public Felt PublicKey { get; }

    public override IReadOnlyList<Felt> Invoke(TxContext ctx, Felt caller, Felt selector, IReadOnlyList<Felt> calldata) =>
        Dispatch(this, s_entryPoints, ctx, caller, selector, calldata);

    public override void Validate(TxContext ctx, InvokeTransactionV3 transaction, IReadOnlyList<Felt> signature, IReadOnlyList<Call> calls)
    {
        ctx.ChargeL2(FeeModel.ValidateGas(signature.Count, 1));
        if (!IsValid(ctx.State.Signatures, ctx.TransactionHash, signature))
        {
            throw new ContractPanicException(InvalidSignature);
        }
    }

    public override void Execute(TxContext ctx, InvokeTransactionV3 transaction, IReadOnlyList<Felt> signature, IReadOnlyList<Call> calls)
    {
        ctx.ChargeL2(FeeModel.ExecuteBaseGas);
        foreach (var call in calls)
        {
            ctx.Call(Address, call.To, call.Selector, call.Calldata);
        }
    }

    private bool IsValid(SignatureMemo signatures, Felt hash, IReadOnlyList<Felt> signature) =>
        signature.Count == 2 && signatures.VerifyOnChain(hash, PublicKey, signature[0], signature[1]);
}
