using Sessions;
using Starknet.Devnet.Execution;
using Starknet.Transactions;

namespace Starknet.Devnet.Contracts;

/// <summary>
/// Work done before the state lock is taken: the ECDSA checks and SNIP-12 hashes that validating a transaction will ask
/// for, computed into the memos of <see cref="DevnetState"/> from the transaction's own content (the relayer's signature,
/// the session tokens of its outside executions or of its own signature). Under the lock the contracts then find them
/// memoized, so the lock is held for the state work and the two sides of the pipeline can verify in parallel. Nothing is
/// decided here: a memo holds exactly what the contracts would compute, and content that does not parse is left to them.
/// </summary>
internal static class SignaturePrewarm
{
    /// <param name="memos">The chain whose memos to fill.</param>
    /// <param name="tx">The transaction, chain id included.</param>
    /// <param name="hash">Its hash.</param>
    /// <param name="signature">Its signature.</param>
    /// <param name="relayerKey">The sender's key when it is a relayer account (read under the lock), else null.</param>
    /// <param name="validate">Whether <c>__validate__</c> will run (not for an estimate with SKIP_VALIDATE).</param>
    public static void Run(DevnetState memos, InvokeTransactionV3 tx, Felt hash, IReadOnlyList<Felt> signature, Felt? relayerKey, bool validate)
    {
        if (validate && relayerKey is { } key && signature.Count == 2)
        {
            memos.Signatures.VerifyOnChain(hash, key, signature[0], signature[1]);
        }
        if (validate && !TransactionVersion.IsQuery(tx.Version) && signature is Felt[] felts && Sessions.SessionToken.IsSessionToken(felts))
        {
            // An account's own session transaction (estimate mode skips the signatures, so only real versions).
            SessionToken(memos, tx.ChainId, tx.SenderAddress, hash, felts);
        }
        if (relayerKey is null)
        {
            return;
        }
        Call[] calls;
        try
        {
            var reader = new CalldataReader(tx.Calldata);
            calls = reader.Param().Calls();
        }
        catch (ContractPanicException)
        {
            return;
        }
        foreach (var call in calls)
        {
            if (call.Selector == OutsideExecution.ExecuteFromOutsideV2Selector)
            {
                OutsideExecutionCall(memos, tx.ChainId, call);
            }
        }
    }

    private static void OutsideExecutionCall(DevnetState memos, Felt chainId, Call call)
    {
        OutsideExecution outside;
        Felt[] token;
        try
        {
            var args = new CalldataReader(call.Calldata);
            outside = ArgentAccountContract.ReadOutsideExecution(args.Param());
            token = args.Param().Array();
            args.End();
        }
        catch (ContractPanicException)
        {
            return;
        }
        if (Sessions.SessionToken.IsSessionToken(token))
        {
            SessionToken(memos, chainId, call.To, memos.Hashes.OutsideExecutionHash(chainId, call.To, outside), token);
        }
    }

    /// <summary>The session hash, <c>m</c>, the session key's and guardian's signatures over it, and the authorization's.</summary>
    private static void SessionToken(DevnetState memos, Felt chainId, Felt account, Felt executionHash, Felt[] signature)
    {
        if (!Sessions.SessionToken.TryParse(signature, SessionTokenLayout.CacheOwnerGuid, out var token, out _))
        {
            return;
        }
        var sessionHash = memos.Hashes.SessionHash(chainId, account, token.Session);
        var m = memos.Hashes.SessionMessageHash(executionHash, sessionHash, token.CacheField);
        Verify(memos, m, token.SessionSignature.PublicKey, token.SessionSignature.Signature);
        Verify(memos, m, token.GuardianSignature.PublicKey, token.GuardianSignature.Signature);
        var authorization = token.Authorization as Felt[] ?? [.. token.Authorization];
        if (SessionAuthorization.TryParse(authorization, out var parsed, out _) && parsed.Format == SessionAuthorizationFormat.Regular)
        {
            Verify(memos, sessionHash, parsed.OwnerPublicKey!.Value, parsed.OwnerSignature);
            if (parsed.GuardianPublicKey is { } guardian && parsed.GuardianSignature is { } guardianSignature)
            {
                Verify(memos, sessionHash, guardian, guardianSignature);
            }
        }
    }

    private static void Verify(DevnetState memos, Felt hash, Felt publicKey, StarkSignature signature) =>
        memos.Signatures.VerifyOnChain(hash, publicKey, signature.R, signature.S);
}
