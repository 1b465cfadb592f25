using Broker.Hosting.Events;
using Broker.Hosting.PubSub;
using GuardianSigner.Cosigning;
using Starknet;

namespace GuardianSigner.Events;

/// <summary>
/// Applies <c>session-revoked</c> events (published by SessionBroker, e.g. when its watcher sees an on-chain
/// revocation). Revocation is idempotent anyway; the processed-event log avoids even the extra write.
/// </summary>
internal sealed class SessionRevokedHandler(SessionCosigner cosigner, ProcessedEventLog log, TimeProvider timeProvider)
    : IdempotentTopicHandler<SessionRevokedEvent>(log, timeProvider)
{
    protected override string ConsumerName => "guardian-signer.session-revoked";

    protected override async Task<EventHandlingResult> HandleOnceAsync(SessionRevokedEvent data, CloudEvent cloudEvent, CancellationToken cancellationToken)
    {
        if (!Felt.TryParse(data.SessionHash, out var sessionHash))
        {
            return EventHandlingResult.Drop;
        }
        await cosigner.RevokeAsync(sessionHash, data.OnChain, cancellationToken).ConfigureAwait(false);
        return EventHandlingResult.Success;
    }
}
