using Sessions;
using Starknet;
using Starknet.Devnet;
using Starknet.Rpc;
using Starknet.Transactions;

namespace TxRelayer.Tests.Infrastructure;

/// <summary>The user's wallet on the devnet stand-in: owner+guardian transactions signed with the genesis keys.</summary>
internal static class Owner
{
    private static readonly ResourceBoundsMapping s_bounds = new(
        new ResourceBounds(0, 60_000_000_000_000),
        new ResourceBounds(5_000_000, 16_000_000_000),
        new ResourceBounds(1_000, 200_000_000_000));

    /// <summary>Sends the calls from the account as a regular owner+guardian INVOKE v3 and waits for its receipt.</summary>
    public static async Task<TransactionReceipt> SendAsync(StarknetRpcClient rpc, GenesisArgentAccount account, Felt chainId, params Call[] calls)
    {
        var transaction = new InvokeTransactionV3
        {
            SenderAddress = account.Address,
            Calldata = ExecuteCalldata.Encode(calls),
            ChainId = chainId,
            Nonce = await rpc.GetNonceAsync(account.Address, BlockId.PreConfirmed),
            ResourceBounds = s_bounds,
        };
        var hash = transaction.ComputeHash();
        var signature = SessionAuthorization.Sign(hash, account.OwnerPrivateKey!.Value, account.GuardianPrivateKey!.Value, SessionAuthorizationFormat.Regular).ToFelts();
        var sent = await rpc.AddInvokeTransactionAsync(new BroadcastedInvokeV3(transaction, signature));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                var receipt = await rpc.GetTransactionReceiptAsync(sent);
                if (receipt.FinalityStatus is TransactionFinalityStatus.AcceptedOnL2 or TransactionFinalityStatus.AcceptedOnL1)
                {
                    return receipt;
                }
            }
            catch (TransactionHashNotFoundException) when (DateTime.UtcNow < deadline)
            {
            }
            await Task.Delay(20);
        }
    }
}
