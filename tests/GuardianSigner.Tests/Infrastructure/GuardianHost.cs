using Broker.Contracts.Guardian.V1;
using Broker.Hosting.State;
using GuardianSigner;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GuardianSigner.Tests.Infrastructure;

/// <summary>
/// The real GuardianSigner (its Program) in memory: a gRPC channel and an HttpClient over TestServer, a fake clock,
/// a SQLite state file that can outlive the host (to test restarts), and settings given per test.
/// </summary>
internal sealed class GuardianHost : WebApplicationFactory<GuardianSignerEntryPoint>
{
    private readonly Dictionary<string, string?> _settings;
    private GrpcChannel? _channel;

    public GuardianHost(string guardianPrivateKey, FakeTimeProvider time, string statePath, IDictionary<string, string?>? settings = null)
    {
        Time = time;
        StatePath = statePath;
        _settings = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Guardian:PrivateKey"] = guardianPrivateKey,
            ["State:Sqlite:Path"] = statePath,
        };
    }

    public FakeTimeProvider Time { get; }

    public string StatePath { get; }

    public Broker.Contracts.Guardian.V1.GuardianSigner.GuardianSignerClient Client =>
        new((_channel ??= GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Server.CreateHandler() })));

    public IStateStore State => Services.GetRequiredService<IStateStore>();

    public static string NewStatePath() => Path.Combine(Path.GetTempPath(), $"guardian-tests-{Guid.NewGuid():N}.db");

    public static void DeleteState(string path)
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));
    }

    protected override void Dispose(bool disposing)
    {
        _channel?.Dispose();
        base.Dispose(disposing);
    }
}
