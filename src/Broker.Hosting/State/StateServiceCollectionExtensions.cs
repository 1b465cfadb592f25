using Broker.Hosting.PubSub;
using Broker.Hosting.State.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Broker.Hosting.State;

/// <summary>DI registration of the state port.</summary>
public static class StateServiceCollectionExtensions
{
    /// <summary>
    /// Registers the SQLite state store as <see cref="IStateStore"/> with options from <c>State:Sqlite</c>. The
    /// database defaults to <c>data/&lt;application name&gt;.state.db</c> under the content root. Does nothing if
    /// an <see cref="IStateStore"/> is already registered (tests register their own first; in Dapr mode the Dapr adapter is registered instead).
    /// </summary>
    public static IServiceCollection AddSqliteStateStore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(IStateStore))) return services;
        services.AddOptions<SqliteStateStoreOptions>().BindConfiguration(SqliteStateStoreOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteStateStoreOptions>, SqliteStateStoreOptionsValidator>());
        services.AddSingleton<IStateStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SqliteStateStoreOptions>>().Value;
            var environment = sp.GetRequiredService<IHostEnvironment>();
            var connectionString = options.ConnectionString ?? SqliteStateStore.FileConnectionString(
                Path.GetFullPath(options.Path ?? Path.Combine("data", $"{environment.ApplicationName}.state.db"), environment.ContentRootPath),
                options.BusyTimeout);
            return new SqliteStateStore(connectionString, synchronous: options.Synchronous);
        });
        return services;
    }

    /// <summary>The embedded adapters: SQLite state and in-process pub/sub.</summary>
    public static IServiceCollection AddEmbeddedComponents(this IServiceCollection services) =>
        services.AddSqliteStateStore().AddInProcessPubSub();
}
