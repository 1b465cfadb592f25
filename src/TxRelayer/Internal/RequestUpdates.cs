using System.Collections.Concurrent;
using System.Threading.Channels;
using Broker.Hosting;
using Broker.Hosting.Events;
using Broker.Hosting.Outbox;
using Broker.Hosting.PubSub;

namespace TxRelayer.Internal;

/// <summary>
/// Every change of a request goes through <see cref="CommitAsync"/>: written to the store together with its event on
/// the pub/sub topic <see cref="BrokerComponents.Topics.TransactionStatus"/> (one outbox transaction, so neither is
/// lost without the other), then announced to the watchers in this process (WatchTransaction, submissions waiting for
/// their hash).
/// </summary>
internal sealed class RequestUpdates(RelayStore store, TimeProvider time, ILogger<RequestUpdates> logger)
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Channel<RelayRequest>, byte>> _watchers = new(StringComparer.Ordinal);

    public RelayStore Store => store;

    public long NowMs => time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task CommitAsync(IReadOnlyList<RelayRequest> requests, RelayerTransaction? transaction, CancellationToken cancellationToken)
    {
        var before = requests.Select(r => store.Live(r.RequestId)?.Status).ToArray();
        var events = new List<OutboxMessage>(requests.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            if (before[i] != requests[i].Status)
            {
                events.Add(StatusMessage(requests[i], NowMs));
            }
        }
        await store.SaveAsync(requests, transaction, events, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            Notify(request);
            if (before[i] != request.Status)
            {
                if (request.IsFinal)
                {
                    var status = RelayRequest.StatusName(request.Status);
                    RelayerTelemetry.RequestsFinal.Add(1, new KeyValuePair<string, object?>("status", status));
                    logger.RequestFinal(request.RequestId, status, request.TransactionHash, request.Reason);
                }
            }
        }
    }

    public Task CommitAsync(RelayRequest request, CancellationToken cancellationToken) => CommitAsync([request], null, cancellationToken);

    /// <summary>Announces a newly added request to this process's watchers (its event went out with the write).</summary>
    public void AnnounceAccepted(RelayRequest request) => Notify(request);

    /// <summary>Subscribes to the changes of one request; dispose the result to stop.</summary>
    public Subscription Subscribe(string requestId)
    {
        var channel = Channel.CreateUnbounded<RelayRequest>(new UnboundedChannelOptions { SingleReader = true });
        var set = _watchers.GetOrAdd(requestId, _ => new ConcurrentDictionary<Channel<RelayRequest>, byte>());
        set[channel] = 0;
        return new Subscription(channel.Reader, () =>
        {
            set.TryRemove(channel, out _);
            channel.Writer.TryComplete();
            if (set.IsEmpty)
            {
                _watchers.TryRemove(new KeyValuePair<string, ConcurrentDictionary<Channel<RelayRequest>, byte>>(requestId, set));
            }
        });
    }

    /// <summary>
    /// Waits until the request satisfies <paramref name="done"/> or <paramref name="timeout"/> passes; returns the
    /// latest state either way.
    /// </summary>
    public async Task<RelayRequest> WaitAsync(RelayRequest current, Func<RelayRequest, bool> done, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (done(current) || timeout <= TimeSpan.Zero)
        {
            return current;
        }
        using var subscription = Subscribe(current.RequestId);
        // The state may have changed between the caller's read and the subscription.
        current = await store.GetAsync(current.RequestId, cancellationToken).ConfigureAwait(false) ?? current;
        if (done(current))
        {
            return current;
        }
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await foreach (var update in subscription.Reader.ReadAllAsync(timer.Token).ConfigureAwait(false))
            {
                current = update;
                if (done(current))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
        return current;
    }

    private void Notify(RelayRequest request)
    {
        if (_watchers.TryGetValue(request.RequestId, out var set))
        {
            foreach (var channel in set.Keys)
            {
                channel.Writer.TryWrite(request);
            }
        }
    }

    /// <summary>The <c>transaction-status</c> event of a request's current state.</summary>
    public static OutboxMessage StatusMessage(RelayRequest request, long nowMs) => OutboxMessage.Create(
        BrokerComponents.Topics.TransactionStatus,
        new TransactionStatusEvent
        {
            RequestId = request.RequestId,
            Status = RelayRequest.StatusName(request.Status),
            Kind = request.Kind == RelayKind.Invoke ? "INVOKE" : "OUTSIDE_EXECUTION",
            TransactionHash = request.TransactionHash,
            Reason = request.Reason,
            RelayerAddress = request.RelayerAddress,
            BlockNumber = request.BlockNumber == 0 ? null : request.BlockNumber,
            IsFinal = request.IsFinal,
            ChangedAtUnixMs = nowMs,
        });

    internal sealed class Subscription(ChannelReader<RelayRequest> reader, Action dispose) : IDisposable
    {
        public ChannelReader<RelayRequest> Reader { get; } = reader;

        public void Dispose() => dispose();
    }
}
