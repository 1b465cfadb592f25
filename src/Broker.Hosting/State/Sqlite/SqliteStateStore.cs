using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Broker.Hosting.State.Sqlite;

/// <summary>
/// The embedded state store: one SQLite table <c>state(key, value, etag)</c> holding JSON values. ETags are
/// integers drawn from one store-wide counter, so a key that is deleted and created again never gets an ETag it
/// had before (no ABA). Writes within the process go through one writer that commits the writes waiting at the same
/// time together (group commit, each write all-or-nothing on its own, see <see cref="SqliteGroupWriter"/>); across
/// processes SQLite's own locking (with a busy timeout) applies.
/// </summary>
public sealed class SqliteStateStore : IStateStore, IDisposable
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private readonly string _connectionString;
    private readonly SqliteGroupWriter _writer;
    // Keeps an in-memory shared-cache database alive for the life of the store; null for files.
    private readonly SqliteConnection? _keepAlive;
    // synchronous is a per-connection setting, so every write connection sets it.
    private readonly string _synchronousPragma;
    // Read connections with their statement prepared, reused across reads (see GetAsync).
    private readonly System.Collections.Concurrent.ConcurrentQueue<Reader> _readers = new();
    private const int MaxPooledReaders = 8;
    private int _disposed;

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
        _writer = new SqliteGroupWriter(_connectionString, _synchronousPragma);
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
    public Task<StateEntry<T>> GetAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<StateEntry<T>>(cancellationToken);
        }
        try
        {
            return Task.FromResult(Get<T>(key));
        }
        catch (Exception e)
        {
            return Task.FromException<StateEntry<T>>(e);
        }
    }

    // A read is one indexed lookup: done in place on a pooled connection with its statement prepared once (SQLite calls
    // are synchronous anyway; the async ADO.NET methods of Microsoft.Data.Sqlite run them inline). Opening a pooled
    // connection and preparing the statement at every read cost more than the lookup.
    private StateEntry<T> Get<T>(string key)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var reader = _readers.TryDequeue(out var pooled) ? pooled : new Reader(_connectionString);
        try
        {
            var select = reader.Select;
            select.Parameters[0].Value = key;
            using var rows = select.ExecuteReader();
            if (!rows.Read())
            {
                return new StateEntry<T>(key, default, null);
            }
            // Values are UTF-8 JSON (stored as BLOB since this version, as TEXT before): read as bytes either way, with
            // no UTF-16 string in between.
            var value = JsonSerializer.Deserialize<T>(rows.GetFieldValue<byte[]>(0), s_json);
            var etag = rows.GetInt64(1).ToString(CultureInfo.InvariantCulture);
            return new StateEntry<T>(key, value, etag);
        }
        catch
        {
            // The connection may be in a bad state; the next read opens a fresh one.
            reader.Dispose();
            reader = null;
            throw;
        }
        finally
        {
            if (reader is not null)
            {
                Return(reader);
            }
        }
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
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _writer.Dispose();
        DisposeReaders();
        _keepAlive?.Dispose();
    }

    private void Return(Reader reader)
    {
        // Kept up to MaxPooledReaders (more only exist while that many reads run at once); none after Dispose.
        if (Volatile.Read(ref _disposed) == 0 && _readers.Count < MaxPooledReaders)
        {
            _readers.Enqueue(reader);
            // Dispose may have drained the pool just before: drain again so no connection stays open.
            if (Volatile.Read(ref _disposed) != 0)
            {
                DisposeReaders();
            }
            return;
        }
        reader.Dispose();
    }

    private void DisposeReaders()
    {
        while (_readers.TryDequeue(out var reader))
        {
            reader.Dispose();
        }
    }

    private async Task<bool> WriteAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken)
    {
        // Serialize and parse everything before queueing, so bad input fails without touching the database.
        var prepared = new PreparedOperation[operations.Count];
        for (var i = 0; i < operations.Count; i++)
        {
            var op = operations[i] ?? throw new ArgumentException($"Operation {i} is null.", nameof(operations));
            var json = op.Kind == StateOperationKind.Upsert ? JsonSerializer.SerializeToUtf8Bytes(op.Value, op.ValueType!, s_json) : null;
            prepared[i] = new PreparedOperation(op, json, ParseETag(op.ETag));
        }
        if (prepared.Length == 0) return true;
        return await _writer.WriteAsync(prepared, cancellationToken).ConfigureAwait(false);
    }

    private static long? ParseETag(string? etag)
    {
        if (etag is null) return null;
        return long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"'{etag}' is not an ETag of this store.", nameof(etag));
    }

    /// <summary>A read connection with the lookup statement prepared.</summary>
    private sealed class Reader : IDisposable
    {
        private readonly SqliteConnection _connection;

        public Reader(string connectionString)
        {
            _connection = new SqliteConnection(connectionString);
            _connection.Open();
            Select = _connection.CreateCommand();
            Select.CommandText = "SELECT value, etag FROM state WHERE key = $key";
            Select.Parameters.Add(new SqliteParameter("$key", SqliteType.Text));
            Select.Prepare();
        }

        public SqliteCommand Select { get; }

        public void Dispose()
        {
            Select.Dispose();
            _connection.Dispose();
        }
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
