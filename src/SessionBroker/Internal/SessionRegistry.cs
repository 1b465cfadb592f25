using Broker.Hosting.Outbox;
using Broker.Hosting.State;
using Starknet;
using Starknet.Internal;

namespace SessionBroker.Internal;

/// <summary>
/// Sessions in the state store: one record per session (<c>session:{hash}</c>) and two append-only indexes, per account
/// and per dapp, each a head holding the count (<c>index:account:{a}</c>) and one entry per session
/// (<c>index:account:{a}:{seq}</c>). A registration writes the record and its index entries in one ETag-checked
/// transaction, so a list never shows a half-registered session and concurrent registrations never share a number.
/// Each change is written through the <see cref="ITransactionalOutbox"/> together with its event
/// (<c>session-registered</c>, <c>session-revoked</c>): the event is published if and only if the change commits, so
/// the two are never separated. Delivery is at least once; an idempotent repeat publishes the event again and
/// consumers deduplicate by session hash.
/// </summary>
internal sealed class SessionRegistry(IStateStore store, ITransactionalOutbox outbox, TimeProvider time)
{
    private const int MaxAttempts = 16;

    /// <summary>How long <see cref="FindRecentAsync"/> serves a record it read, without reading the store again.</summary>
    public static readonly TimeSpan RecentRecordLifetime = TimeSpan.FromSeconds(1);

    private const int MaxRecentRecords = 65_536;

    // Records read for transactions lately, by session hash, with the timestamp of the read (see FindRecentAsync).
    private readonly BoundedCache<Felt, (SessionRecord Record, long ReadAt)> _recent = new(MaxRecentRecords);

    public const string CheckpointKey = "watcher:revocations";

    public static string SessionKey(Felt sessionHash) => $"session:{sessionHash}";

    public static string AccountIndex(Felt account) => $"index:account:{account}";

    // Dapp ids are free text; escaping keeps them from forming other keys (":" and the Dapr "||" separator).
    public static string DappIndex(string dappId) => $"index:dapp:{Uri.EscapeDataString(dappId)}";

    public async Task<SessionRecord?> FindAsync(Felt sessionHash, CancellationToken cancellationToken)
    {
        var entry = await store.GetAsync<SessionRecord>(SessionKey(sessionHash), cancellationToken).ConfigureAwait(false);
        return entry.Value;
    }

    /// <summary>
    /// The record as read at most <see cref="RecentRecordLifetime"/> ago, for the per-transaction checks: a session's
    /// transactions then read the store about once a second rather than each time. A revocation through this process
    /// replaces the copy at once (<see cref="MarkRevokedAsync"/>); one made through another broker replica is seen here
    /// within the lifetime. The broker's check is a courtesy that answers SESSION_REVOKED early: the guardian, which
    /// every revocation reaches first, refuses the session's cosigns itself, so a stale copy lets nothing through.
    /// </summary>
    public async Task<SessionRecord?> FindRecentAsync(Felt sessionHash, CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        if (_recent.TryGet(sessionHash, out var recent) && time.GetElapsedTime(recent.ReadAt, now) < RecentRecordLifetime)
        {
            return recent.Record;
        }
        var record = (await store.GetAsync<SessionRecord>(SessionKey(sessionHash), cancellationToken).ConfigureAwait(false)).Value;
        if (record is not null)
        {
            _recent.Set(sessionHash, (record, now));
        }
        return record;
    }

    /// <summary>Stores a new session with its index entries and publishes <c>session-registered</c>, in one
    /// transaction. When the session is already stored (now or by a concurrent call) nothing is written, the event of
    /// the stored record is published again and the stored record is returned.</summary>
    public async Task<(SessionRecord Record, bool Created)> AddAsync(SessionRecord record, CancellationToken cancellationToken)
    {
        var key = $"session:{record.SessionHash}";
        var indexes = new List<string> { AccountIndex(record.Account) };
        if (record.DappId.Length > 0)
        {
            indexes.Add(DappIndex(record.DappId));
        }
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var existing = await store.GetAsync<SessionRecord>(key, cancellationToken).ConfigureAwait(false);
            if (existing.Value is { } stored)
            {
                await PublishRegisteredAsync(stored, cancellationToken).ConfigureAwait(false);
                return (stored, false);
            }
            var operations = new List<StateOperation> { StateOperation.TryUpsert(key, record, null) };
            foreach (var index in indexes)
            {
                var head = await store.GetAsync<IndexHead>(index, cancellationToken).ConfigureAwait(false);
                var count = head.Value?.Count ?? 0;
                operations.Add(StateOperation.TryUpsert(index, new IndexHead(count + 1), head.ETag));
                operations.Add(StateOperation.Upsert($"{index}:{count}", new IndexEntry(record.SessionHash)));
            }
            // A refused transaction (an ETag moved) writes nothing and publishes nothing; the loop reads again.
            if (await outbox.TryExecuteAsync(operations, [SessionEvents.Registered(record)], cancellationToken).ConfigureAwait(false) is not null)
            {
                return (record, true);
            }
        }
        throw new StateConcurrencyException(key, MaxAttempts);
    }

    /// <summary>Publishes <c>session-registered</c> again for a stored session (an idempotent repeat of its registration).</summary>
    public Task PublishRegisteredAsync(SessionRecord record, CancellationToken cancellationToken) =>
        outbox.TryExecuteAsync([], [SessionEvents.Registered(record)], cancellationToken);

    /// <summary>
    /// Marks a session revoked (keeping the first revocation time) and, with <paramref name="onChain"/>, seen on-chain,
    /// and publishes <c>session-revoked</c> in the same ETag-checked transaction. When the record already says so,
    /// nothing is written and the event is published again.
    /// </summary>
    /// <returns>The record after the update and whether it changed, or null when the session is unknown.</returns>
    public async Task<(SessionRecord Record, bool Changed)?> MarkRevokedAsync(Felt sessionHash, long now, bool onChain, CancellationToken cancellationToken)
    {
        var key = SessionKey(sessionHash);
        _recent.Remove(sessionHash);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var current = await store.GetAsync<SessionRecord>(key, cancellationToken).ConfigureAwait(false);
            if (current.Value is not { } record)
            {
                return null;
            }
            var updated = record with { RevokedAt = record.RevokedAt ?? now, RevokedOnChain = record.RevokedOnChain || onChain };
            if (updated == record)
            {
                await outbox.TryExecuteAsync([], [SessionEvents.Revoked(record)], cancellationToken).ConfigureAwait(false);
                return (record, false);
            }
            // A concurrent update (the watcher and a RevokeSession call) moves the ETag: nothing is written or
            // published, and the loop reads again.
            if (await outbox.TryExecuteAsync([StateOperation.TryUpsert(key, updated, current.ETag)], [SessionEvents.Revoked(updated)], cancellationToken)
                    .ConfigureAwait(false) is not null)
            {
                // Also over a copy a concurrent FindRecentAsync put back while this was writing.
                _recent.Set(sessionHash, (updated, time.GetTimestamp()));
                return (updated, true);
            }
        }
        throw new StateConcurrencyException(key, MaxAttempts);
    }

    /// <summary>
    /// Up to <paramref name="pageSize"/> sessions of an index, newest first, among the entries numbered below
    /// <paramref name="before"/> (all entries when null).
    /// </summary>
    /// <returns>The sessions and the bound for the next page, or null when no older entry remains.</returns>
    public async Task<(IReadOnlyList<SessionRecord> Sessions, long? Next)> ListAsync(string index, long? before, int pageSize, CancellationToken cancellationToken)
    {
        var head = await store.GetAsync<IndexHead>(index, cancellationToken).ConfigureAwait(false);
        var count = head.Value?.Count ?? 0;
        var sessions = new List<SessionRecord>(Math.Min(pageSize, (int)Math.Min(count, 500)));
        var seq = Math.Min(before ?? count, count) - 1;
        for (; seq >= 0 && sessions.Count < pageSize; seq--)
        {
            var entry = await store.GetAsync<IndexEntry>($"{index}:{seq}", cancellationToken).ConfigureAwait(false);
            if (entry.Value is null)
            {
                continue;
            }
            var record = await store.GetAsync<SessionRecord>($"session:{entry.Value.SessionHash}", cancellationToken).ConfigureAwait(false);
            if (record.Value is not null)
            {
                sessions.Add(record.Value);
            }
        }
        return (sessions, seq >= 0 ? seq + 1 : null);
    }

    public async Task<WatcherCheckpoint?> GetCheckpointAsync(CancellationToken cancellationToken) =>
        (await store.GetAsync<WatcherCheckpoint>(CheckpointKey, cancellationToken).ConfigureAwait(false)).Value;

    public Task SaveCheckpointAsync(WatcherCheckpoint checkpoint, CancellationToken cancellationToken) =>
        store.SaveAsync(CheckpointKey, checkpoint, cancellationToken);
}
