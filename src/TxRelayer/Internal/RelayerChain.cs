using Starknet;

namespace TxRelayer.Internal;

/// <summary>
/// The chain the relayer follows, known once start-up read it from the node, and the start-up's completion: the gRPC
/// handlers wait for <see cref="WaitReadyAsync"/> so that no request runs before the resumed ones were queued.
/// </summary>
internal sealed class RelayerChain
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Felt ChainId { get; private set; }

    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    public void SetReady(Felt chainId)
    {
        ChainId = chainId;
        _ready.TrySetResult();
    }

    public Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _ready.Task.WaitAsync(timeout, cancellationToken);
}
