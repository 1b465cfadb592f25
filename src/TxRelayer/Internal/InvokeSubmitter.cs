using Microsoft.Extensions.Options;
using Starknet;
using Starknet.Rpc;

namespace TxRelayer.Internal;

/// <summary>
/// The account-paid path: sends the user's own INVOKE v3 exactly as signed (the relayer never signs or changes it, so
/// every submission has the same hash and the account's nonce makes a second execution impossible).
/// </summary>
internal sealed class InvokeSubmitter(
    StarknetRpcClient rpc,
    RequestUpdates updates,
    TransactionTracker tracker,
    IOptions<RelayerOptions> options,
    TimeProvider time)
{
    /// <summary>First submission, right after the request was stored.</summary>
    public async Task<RelayRequest> SubmitAsync(RelayRequest request, CancellationToken cancellationToken)
    {
        var submitted = request with { Attempts = request.Attempts + 1 };
        return await SendAsync(submitted, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The node forgot the transaction (dropped): send it again, a bounded number of times.</summary>
    public async Task ResubmitAsync(string hash, IReadOnlyList<RelayRequest> members, CancellationToken cancellationToken)
    {
        foreach (var request in members.Where(r => r.TransactionHash == hash && !r.IsFinal))
        {
            if (request.Attempts >= options.Value.Tracking.MaxSubmissionAttempts)
            {
                tracker.Untrack(hash);
                await updates.CommitAsync(request.Finish(RelayStatus.Rejected,
                    $"dropped by the node {request.Attempts} times", updates.NowMs), cancellationToken).ConfigureAwait(false);
                continue;
            }
            var again = request with { Attempts = request.Attempts + 1 };
            await updates.CommitAsync(again, cancellationToken).ConfigureAwait(false);
            await SendAsync(again, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<RelayRequest> SendAsync(RelayRequest request, CancellationToken cancellationToken)
    {
        var transaction = request.Invoke!.ToTransaction();
        var hash = Felt.Parse(request.TransactionHash!);
        try
        {
            await rpc.AddInvokeTransactionAsync(new BroadcastedInvokeV3(transaction, [.. request.Signature.Select(Felt.Parse)]), cancellationToken).ConfigureAwait(false);
        }
        catch (DuplicateTransactionException)
        {
            // Already at the node: a retry of an attempt whose answer was lost.
        }
        catch (InvalidTransactionNonceException e)
        {
            if (!await IsKnownAsync(hash, cancellationToken).ConfigureAwait(false))
            {
                return await RejectAsync(request, $"INVALID_TRANSACTION_NONCE: {e.Reason ?? e.NodeMessage} (prepare the transaction again for the account's current nonce)", cancellationToken).ConfigureAwait(false);
            }
        }
        catch (StarknetRpcException e)
        {
            return await RejectAsync(request, RelayerLane.Describe(e), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (RelayerLane.IsTransient(e, cancellationToken))
        {
            // The node may or may not have it: the tracker looks, and sends it again once it counts as dropped.
            tracker.TrackInvoke(request, missingSince: time.GetUtcNow());
            await updates.CommitAsync(request, CancellationToken.None).ConfigureAwait(false);
            return request;
        }
        var submitted = request.Status == RelayStatus.Accepted ? request with { Status = RelayStatus.Submitted } : request;
        await updates.CommitAsync(submitted, CancellationToken.None).ConfigureAwait(false);
        tracker.TrackInvoke(submitted, missingSince: null);
        tracker.MarkSeen(submitted.TransactionHash!);
        tracker.Poke();
        return submitted;
    }

    private async Task<RelayRequest> RejectAsync(RelayRequest request, string reason, CancellationToken cancellationToken)
    {
        tracker.Untrack(request.TransactionHash!);
        var rejected = request.Finish(RelayStatus.Rejected, reason, updates.NowMs);
        await updates.CommitAsync(rejected, CancellationToken.None).ConfigureAwait(false);
        return rejected;
    }

    private async Task<bool> IsKnownAsync(Felt hash, CancellationToken cancellationToken)
    {
        try
        {
            await rpc.GetTransactionStatusAsync(hash, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TransactionHashNotFoundException)
        {
            return false;
        }
    }
}
