using Broker.Hosting;
using Broker.Hosting.Events;
using Broker.Hosting.Outbox;

namespace SessionBroker.Internal;

/// <summary>The events of the registry, as outbox messages: they are published with the state change that causes them
/// (see <see cref="SessionRegistry"/>).</summary>
internal static class SessionEvents
{
    public static OutboxMessage Registered(SessionRecord record) =>
        OutboxMessage.Create(BrokerComponents.Topics.SessionRegistered, new SessionRegisteredEvent
        {
            SessionHash = record.SessionHash,
            AccountAddress = record.AccountAddress,
            ChainId = record.ChainId,
            DappId = record.DappId,
            ExpiresAt = record.ExpiresAt,
            RegisteredAt = record.RegisteredAt,
        });

    public static OutboxMessage Revoked(SessionRecord record) =>
        OutboxMessage.Create(BrokerComponents.Topics.SessionRevoked, new SessionRevokedEvent
        {
            SessionHash = record.SessionHash,
            AccountAddress = record.AccountAddress,
            OnChain = record.RevokedOnChain,
            RevokedAt = record.RevokedAt ?? 0,
        });
}
