using Microsoft.Extensions.Options;

namespace Broker.Hosting.State.Sqlite;

/// <summary>Options of the embedded SQLite state store (configuration section <c>State:Sqlite</c>).</summary>
public sealed class SqliteStateStoreOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "State:Sqlite";

    /// <summary>
    /// Database file. Relative paths are resolved against the content root. Default: <c>data/&lt;application
    /// name&gt;.state.db</c> under the content root.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>
    /// A full Microsoft.Data.Sqlite connection string; when set it wins over <see cref="Path"/>. Tests use
    /// <c>Data Source=name;Mode=Memory;Cache=Shared</c> for an in-memory database (kept alive while the store lives).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>How long a writer waits for a lock held by another process before failing. Default 5 s.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// SQLite's <c>synchronous</c> setting for writes (the database is in WAL mode). <see cref="SqliteSynchronous.Full"/>
    /// (the default) fsyncs the WAL on every commit: a committed write survives a process crash and a power loss or OS
    /// crash. <see cref="SqliteSynchronous.Normal"/> fsyncs only at checkpoints: a committed write survives a crash of
    /// the process, but the last commits before a power loss or OS crash may be rolled back (the database stays
    /// consistent). See src/Broker.Hosting/README.md.
    /// </summary>
    public SqliteSynchronous Synchronous { get; set; } = SqliteSynchronous.Full;
}

/// <summary>SQLite <c>PRAGMA synchronous</c> levels the state store accepts (OFF is deliberately not offered).</summary>
public enum SqliteSynchronous
{
    /// <summary>WAL synced at checkpoints only: durable across process crashes, not across power loss / OS crashes.</summary>
    Normal = 1,

    /// <summary>WAL synced at every commit: durable across process crashes and power loss.</summary>
    Full = 2,

    /// <summary>As <see cref="Full"/>, and the directory is synced too (SQLite's EXTRA).</summary>
    Extra = 3,
}

internal sealed class SqliteStateStoreOptionsValidator : IValidateOptions<SqliteStateStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, SqliteStateStoreOptions options)
    {
        var failures = new List<string>();
        if (options.Path is not null && string.IsNullOrWhiteSpace(options.Path))
        {
            failures.Add($"{SqliteStateStoreOptions.SectionName}:Path must not be blank.");
        }
        if (options.BusyTimeout < TimeSpan.Zero || options.BusyTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{SqliteStateStoreOptions.SectionName}:BusyTimeout must be between 0 and 5 minutes.");
        }
        if (!Enum.IsDefined(options.Synchronous))
        {
            failures.Add($"{SqliteStateStoreOptions.SectionName}:Synchronous must be Normal, Full or Extra.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
