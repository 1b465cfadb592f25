namespace Broker.Hosting.State;

/// <summary>Read-modify-write helpers over <see cref="IStateStore"/>.</summary>
public static class StateStoreExtensions
{
    /// <summary>Default number of attempts of <see cref="UpdateAsync{T}"/> before it gives up.</summary>
    public const int DefaultMaxAttempts = 32;

    /// <summary>
    /// Reads <paramref name="key"/>, applies <paramref name="update"/> and writes the result with the ETag it read,
    /// retrying from the read when another writer got there first. <paramref name="update"/> receives the current
    /// entry (absent keys have <see cref="StateEntry{T}.Exists"/> false) and may run several times, so it must be
    /// free of side effects; it may throw to abort (the exception propagates and nothing is written).
    /// </summary>
    /// <returns>The value written.</returns>
    /// <exception cref="StateConcurrencyException">Every attempt lost the race.</exception>
    public static async Task<T> UpdateAsync<T>(
        this IStateStore store,
        string key,
        Func<StateEntry<T>, T> update,
        int maxAttempts = DefaultMaxAttempts,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(update);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        for (var attempt = 1; attempt <= maxAttempts; attempt++)
        {
            var current = await store.GetAsync<T>(key, cancellationToken).ConfigureAwait(false);
            var next = update(current);
            if (await store.TrySaveAsync(key, next, current.ETag, cancellationToken).ConfigureAwait(false))
            {
                return next;
            }
            // A short randomized pause spreads out writers that keep colliding.
            if (attempt > 2)
            {
                await Task.Delay(Random.Shared.Next(1, 4 * attempt), cancellationToken).ConfigureAwait(false);
            }
        }
        throw new StateConcurrencyException(key, maxAttempts);
    }
}
