using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Broker.Hosting.State.Sqlite;

/// <summary>
/// The embedded state store: one SQLite table <c>state(key, value, etag)</c> holding JSON values. ETags are
/// integers drawn from one store-wide counter, so a key that is deleted and created again never gets an ETag it
/// had before (no ABA). Writes within the process are serialized; across processes SQLite's own locking (with a
/// busy timeout) applies.
/// </summary>
public sealed class SqliteStateStore : IStateStore, IDisposable
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    // Keeps an in-memory shared-cache database alive for the life of the store; null for files.
    private readonly SqliteConnection? _keepAlive;
    // synchronous is a per-connection setting, so every write connection sets it.
    private readonly string _synchronousPragma;

    /// <summary>Opens (and creates when needed) the database described by the connection string.</summary>
    public SqliteStateStore(string connectionString, string name = BrokerComponents.StateStore, SqliteSynchronous synchronous = SqliteSynchronous.Full)
    {
        if (!Enum.IsDefined(synchronous)) throw new ArgumentOutOfRangeException(nameof(synchronous));
        _synchronousPragma = "PRAGMA synchronous = " + ((int)synchronous).ToString(CultureInfo.InvariantCulture);
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DefaultTimeout <= 0) builder.DefaultTimeout = 5;
        _connectionString = builder.ToString();
        Name = name;
        if (builder.DataSource == ":memory:" && builder.Cache != SqliteCacheMode.Shared)
        {
            // Every pooled connection would see its own empty database.
            throw new ArgumentException("A private ':memory:' database is not shared between connections; use 'Data Source=<name>;Mode=Memory;Cache=Shared'.", nameof(connectionString));
        }
        if (builder.Mode == SqliteOpenMode.Memory)
        {
            _keepAlive = new SqliteConnection(_connectionString);
            _keepAlive.Open();
        }
        else if (!string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:")
        {
            var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        }
        Initialize();
    }

    /// <summary>A connection string for a database file.</summary>
    public static string FileConnectionString(string path, TimeSpan? busyTimeout = null) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = (int)Math.Ceiling((busyTimeout ?? TimeSpan.FromSeconds(5)).TotalSeconds),
    }.ToString();

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public async Task<StateEntry<T>> GetAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT value, etag FROM state WHERE key = $key";
        command.Parameters.AddWithValue("$key", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return new StateEntry<T>(key, default, null);
        }
        var value = JsonSerializer.Deserialize<T>(reader.GetString(0), s_json);
        var etag = reader.GetInt64(1).ToString(CultureInfo.InvariantCulture);
        return new StateEntry<T>(key, value, etag);
    }

    /// <inheritdoc />
    public Task SaveAsync<T>(string key, T value, CancellationToken cancellationToken = default) =>
        WriteAsync([StateOperation.Upsert(key, value)], cancellationToken);

    /// <inheritdoc />
    public Task<bool> TrySaveAsync<T>(string key, T value, string? etag, CancellationToken cancellationToken = default) =>
        WriteAsync([StateOperation.TryUpsert(key, value, etag)], cancellationToken);

    /// <inheritdoc />
    public Task DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        WriteAsync([StateOperation.Delete(key)], cancellationToken);

    /// <inheritdoc />
    public Task<bool> TryDeleteAsync(string key, string etag, CancellationToken cancellationToken = default) =>
        WriteAsync([StateOperation.TryDelete(key, etag)], cancellationToken);

    /// <inheritdoc />
    public Task<bool> TryExecuteTransactionAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        return WriteAsync(operations, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _keepAlive?.Dispose();
        _writeLock.Dispose();
    }

    private async Task<bool> WriteAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken)
    {
        // Serialize and parse everything before taking the lock, so bad input fails without touching the database.
        var prepared = new (StateOperation Op, string? Json, long? ETag)[operations.Count];
        for (var i = 0; i < operations.Count; i++)
        {
            var op = operations[i] ?? throw new ArgumentException($"Operation {i} is null.", nameof(operations));
            var json = op.Kind == StateOperationKind.Upsert ? JsonSerializer.Serialize(op.Value, op.ValueType!, s_json) : null;
            prepared[i] = (op, json, ParseETag(op.ETag));
        }
        if (prepared.Length == 0) return true;

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = _synchronousPragma;
                await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            // BEGIN IMMEDIATE: take the write lock up front so two processes cannot both read then both write.
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var version = await NextVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            foreach (var (op, json, etag) in prepared)
            {
                if (!await ApplyAsync(connection, transaction, op, json, etag, version, cancellationToken).ConfigureAwait(false))
                {
                    await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
                    return false;
                }
            }
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static async Task<bool> ApplyAsync(
        SqliteConnection connection, SqliteTransaction transaction, StateOperation op, string? json, long? etag, long version,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.Parameters.AddWithValue("$key", op.Key);
        command.Parameters.AddWithValue("$version", version);
        if (json is not null) command.Parameters.AddWithValue("$value", json);
        if (etag is not null) command.Parameters.AddWithValue("$etag", etag.Value);

        bool mustAffect;
        (command.CommandText, mustAffect) = (op.Kind, etag is not null, op.Concurrency) switch
        {
            (StateOperationKind.Upsert, true, _) =>
                ("UPDATE state SET value = $value, etag = $version WHERE key = $key AND etag = $etag", true),
            (StateOperationKind.Upsert, false, StateConcurrency.FirstWrite) =>
                ("INSERT INTO state(key, value, etag) VALUES($key, $value, $version) ON CONFLICT(key) DO NOTHING", true),
            (StateOperationKind.Upsert, false, _) =>
                ("INSERT INTO state(key, value, etag) VALUES($key, $value, $version) " +
                 "ON CONFLICT(key) DO UPDATE SET value = excluded.value, etag = excluded.etag", false),
            (StateOperationKind.Delete, true, _) =>
                ("DELETE FROM state WHERE key = $key AND etag = $etag", true),
            _ => ("DELETE FROM state WHERE key = $key", false),
        };
        var affected = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return !mustAffect || affected == 1;
    }

    private static async Task<long> NextVersionAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE state_meta SET version = version + 1 WHERE id = 1 RETURNING version";
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static long? ParseETag(string? etag)
    {
        if (etag is null) return null;
        return long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"'{etag}' is not an ETag of this store.", nameof(etag));
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    private void Initialize()
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        var wal = _keepAlive is null ? "PRAGMA journal_mode = WAL;" : "";
        command.CommandText = wal + """
            CREATE TABLE IF NOT EXISTS state (
                key   TEXT    NOT NULL PRIMARY KEY,
                value TEXT    NOT NULL,
                etag  INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS state_meta (
                id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
                version INTEGER NOT NULL
            );
            INSERT INTO state_meta(id, version) VALUES (1, 0) ON CONFLICT(id) DO NOTHING;
            """;
        command.ExecuteNonQuery();
    }
}
