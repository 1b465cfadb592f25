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
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
