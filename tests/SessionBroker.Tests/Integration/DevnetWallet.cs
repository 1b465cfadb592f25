using Sessions;
using Starknet;
using Starknet.Devnet;
using Starknet.Rpc;
using Starknet.Transactions;

namespace SessionBroker.Tests.Integration;

/// <summary>
/// What the user's wallet does on the devnet stand-in, with the keys of its genesis: the owner signs session hashes
/// and sends owner+guardian transactions (the guardian half signed with the genesis guardian key, as Argent's guardian
/// would cosign a regular transaction).
/// </summary>
internal static class DevnetWallet
{
    /// <summary>Bounds above the devnet's gas prices and far below the accounts' balances and the sessions' fee allowance.</summary>
    public static ResourceBoundsMapping Bounds { get; } = new(
        L1Gas: new ResourceBounds(0, 60_000_000_000_000),
        L2Gas: new ResourceBounds(5_000_000, 16_000_000_000),
        L1DataGas: new ResourceBounds(1_000, 200_000_000_000));

    public static StarkSignature SignAsOwner(GenesisArgentAccount account, Felt sessionHash) =>
        Ecdsa.Sign(account.OwnerPrivateKey!.Value, sessionHash);

    /// <summary>Sends <paramref name="calls"/> from the account as a regular owner+guardian INVOKE v3 and waits for its receipt.</summary>
    public static async Task<TransactionReceipt> SendAsOwnerAsync(StarknetRpcClient rpc, GenesisArgentAccount account, Felt chainId, params Call[] calls)
    {
        var transaction = new InvokeTransactionV3
        {
            SenderAddress = account.Address,
            Calldata = ExecuteCalldata.Encode(calls),
            ChainId = chainId,
            Nonce = await rpc.GetNonceAsync(account.Address, BlockId.PreConfirmed),
            ResourceBounds = Bounds,
        };
        var hash = transaction.ComputeHash();
        var signature = SessionAuthorization.Sign(hash, account.OwnerPrivateKey!.Value, account.GuardianPrivateKey!.Value, SessionAuthorizationFormat.Regular).ToFelts();
        var sent = await rpc.AddInvokeTransactionAsync(new BroadcastedInvokeV3(transaction, signature));
        return await ReceiptAsync(rpc, sent);
    }

    public static async Task<TransactionReceipt> ReceiptAsync(StarknetRpcClient rpc, Felt transactionHash)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                return await rpc.GetTransactionReceiptAsync(transactionHash);
            }
            catch (TransactionHashNotFoundException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
    }
}
