using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Broker.Hosting.State.Sqlite;

/// <summary>An operation with its value already serialized (UTF-8 JSON) and its ETag parsed.</summary>
internal readonly record struct PreparedOperation(StateOperation Op, byte[]? Json, long? ETag);

/// <summary>
/// The state store's one writer: a dedicated thread with one connection and prepared statements that takes every
/// write waiting in its queue and commits them in one SQLite transaction (group commit), so a burst of writes costs one
/// commit, one WAL sync and no SQL parsing instead of one of each per write.
/// </summary>
/// <remarks>
/// Each write keeps its own all-or-nothing semantics inside the group: it runs in a SAVEPOINT that is rolled back when
/// one of its ETag or first-write conditions fails (the write answers false and the others go on). Each write draws its
/// own version from the store-wide counter, exactly as if committed alone. Callers learn their result only after the
/// group committed. Should the commit itself fail (disk full, another process holding the lock past the busy timeout),
/// every write of the group fails with that error and none of them is applied. A write whose token is cancelled
/// before the writer takes it is not applied and answers cancelled; once taken, it is applied and answers normally.
/// </remarks>
internal sealed class SqliteGroupWriter : IDisposable
{
    /// <summary>Most writes in one transaction: bounds the time a group holds SQLite's write lock.</summary>
    private const int MaxGroup = 256;

    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly string _connectionString;
    private readonly string _synchronousPragma;
    private readonly Thread _thread;
    private int _disposed;

    public SqliteGroupWriter(string connectionString, string synchronousPragma)
    {
        _connectionString = connectionString;
        _synchronousPragma = synchronousPragma;
        _thread = new Thread(Run) { IsBackground = true, Name = "SQLite state writer" };
        _thread.Start();
    }

    /// <summary>Applies the operations atomically; false when a condition failed (nothing applied).</summary>
    public Task<bool> WriteAsync(PreparedOperation[] operations, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var write = new PendingWrite(operations, cancellationToken);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(write), this);
        return write.Done.Task;
    }

    /// <summary>Stops taking writes, lets the writer finish what is queued, and closes its connection.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _queue.Writer.TryComplete();
        _thread.Join(TimeSpan.FromSeconds(10));
    }

    private void Run()
    {
        Statements? statements = null;
        var group = new List<PendingWrite>(MaxGroup);
        try
        {
            while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                group.Clear();
                while (group.Count < MaxGroup && _queue.Reader.TryRead(out var write))
                {
                    if (write.CancellationToken.IsCancellationRequested)
                    {
                        write.Done.TrySetCanceled(write.CancellationToken);
                        continue;
                    }
                    group.Add(write);
                }
                if (group.Count == 0) continue;
                try
                {
                    statements ??= new Statements(_connectionString, _synchronousPragma);
                    var results = statements.Commit(group);
                    for (var i = 0; i < group.Count; i++)
                    {
                        group[i].Done.TrySetResult(results[i]);
                    }
                }
                catch (Exception e)
                {
                    // The connection may be in a bad state (or the database gone); the next group opens a fresh one.
                    statements?.Dispose();
                    statements = null;
                    foreach (var write in group)
                    {
                        write.Done.TrySetException(e);
                    }
                }
            }
        }
        finally
        {
            statements?.Dispose();
            while (_queue.Reader.TryRead(out var left))
            {
                left.Done.TrySetException(new ObjectDisposedException(nameof(SqliteStateStore)));
            }
        }
    }

    private sealed class PendingWrite(PreparedOperation[] operations, CancellationToken cancellationToken)
    {
        public PreparedOperation[] Operations { get; } = operations;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        // Completed on the writer thread; the callers' continuations must not run there.
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The writer's connection and its prepared statements (parsed once, bound per operation).</summary>
    private sealed class Statements : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _readVersion;
        private readonly SqliteCommand _writeVersion;
        private readonly SqliteCommand _savepoint;
        private readonly SqliteCommand _release;
        private readonly SqliteCommand _rollbackTo;
        private readonly SqliteCommand _updateIfMatch;
        private readonly SqliteCommand _insertFirst;
        private readonly SqliteCommand _upsert;
        private readonly SqliteCommand _deleteIfMatch;
        private readonly SqliteCommand _delete;

        public Statements(string connectionString, string synchronousPragma)
        {
            _connection = new SqliteConnection(connectionString);
            _connection.Open();
            using (var pragma = _connection.CreateCommand())
            {
                pragma.CommandText = synchronousPragma;
                pragma.ExecuteNonQuery();
            }
            _readVersion = Command("SELECT version FROM state_meta WHERE id = 1");
            _writeVersion = Command("UPDATE state_meta SET version = $version WHERE id = 1", "$version");
            _savepoint = Command("SAVEPOINT write");
            _release = Command("RELEASE write");
            _rollbackTo = Command("ROLLBACK TO write");
            _updateIfMatch = Command("UPDATE state SET value = $value, etag = $version WHERE key = $key AND etag = $etag", "$key", "$value", "$version", "$etag");
            _insertFirst = Command("INSERT INTO state(key, value, etag) VALUES($key, $value, $version) ON CONFLICT(key) DO NOTHING", "$key", "$value", "$version");
            _upsert = Command("INSERT INTO state(key, value, etag) VALUES($key, $value, $version) " +
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value, etag = excluded.etag", "$key", "$value", "$version");
            _deleteIfMatch = Command("DELETE FROM state WHERE key = $key AND etag = $etag", "$key", "$etag");
            _delete = Command("DELETE FROM state WHERE key = $key", "$key");
        }

        /// <summary>Commits the group in one transaction; each write's result (false: a condition failed, rolled back).</summary>
        public bool[] Commit(List<PendingWrite> group)
        {
            var results = new bool[group.Count];
            // BEGIN IMMEDIATE: take the write lock up front so two processes cannot both read then both write.
            using var transaction = _connection.BeginTransaction(deferred: false);
            var version = (long)Run(_readVersion, transaction, scalar: true)!;
            for (var i = 0; i < group.Count; i++)
            {
                version++;
                Run(_savepoint, transaction);
                var applied = true;
                foreach (var operation in group[i].Operations)
                {
                    if (!Apply(operation, version, transaction))
                    {
                        applied = false;
                        break;
                    }
                }
                if (!applied)
                {
                    Run(_rollbackTo, transaction);
                }
                Run(_release, transaction);
                results[i] = applied;
            }
            _writeVersion.Parameters["$version"].Value = version;
            Run(_writeVersion, transaction);
            transaction.Commit();
            return results;
        }

        public void Dispose()
        {
            foreach (var command in new[] { _readVersion, _writeVersion, _savepoint, _release, _rollbackTo, _updateIfMatch, _insertFirst, _upsert, _deleteIfMatch, _delete })
            {
                command.Dispose();
            }
            _connection.Dispose();
        }

        private bool Apply(PreparedOperation operation, long version, SqliteTransaction transaction)
        {
            var (op, json, etag) = operation;
            var (command, mustAffect) = (op.Kind, etag is not null, op.Concurrency) switch
            {
                (StateOperationKind.Upsert, true, _) => (_updateIfMatch, true),
                (StateOperationKind.Upsert, false, StateConcurrency.FirstWrite) => (_insertFirst, true),
                (StateOperationKind.Upsert, false, _) => (_upsert, false),
                (StateOperationKind.Delete, true, _) => (_deleteIfMatch, true),
                _ => (_delete, false),
            };
            command.Parameters["$key"].Value = op.Key;
            if (command.Parameters.Contains("$value")) command.Parameters["$value"].Value = json;
            if (command.Parameters.Contains("$version")) command.Parameters["$version"].Value = version;
            if (command.Parameters.Contains("$etag")) command.Parameters["$etag"].Value = etag!.Value;
            var affected = (int)Run(command, transaction)!;
            return !mustAffect || affected == 1;
        }

        private static object? Run(SqliteCommand command, SqliteTransaction transaction, bool scalar = false)
        {
            command.Transaction = transaction;
            return scalar ? command.ExecuteScalar() : command.ExecuteNonQuery();
        }

        private SqliteCommand Command(string sql, params string[] parameters)
        {
            var command = _connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters)
            {
                command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
            }
            return command;
        }
    }
}
