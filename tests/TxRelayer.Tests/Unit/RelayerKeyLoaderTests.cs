using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Starknet;
using Starknet.Keys;
using TxRelayer.Internal;

namespace TxRelayer.Tests.Unit;

/// <summary>Relayer keys from keystore files, and options that must stop the host.</summary>
public sealed class RelayerKeyLoaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("relayer-keys-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Load_KeystoreWithPasswordFile_KeyForTheAccount()
    {
        var privateKey = Ecdsa.GeneratePrivateKey();
        File.WriteAllText(Path.Combine(_directory, "relayer.keystore.json"), StarkKeystore.Encrypt(privateKey, "correct horse", StarkKeystore.MinIterations));
        File.WriteAllText(Path.Combine(_directory, "password.txt"), "correct horse\n");
        var options = new RelayerOptions
        {
            NodeUrl = new Uri("http://127.0.0.1:5050/rpc"),
            Accounts = [new RelayerAccountOptions { Address = "0x5a1e", KeystorePath = "relayer.keystore.json", KeystorePasswordFile = "password.txt" }],
        };

        var key = Assert.Single(RelayerKeyLoader.Load(Services(options, "Production")));

        Assert.Equal(Felt.Parse("0x5a1e"), key.Address);
        Assert.Equal(Ecdsa.GetPublicKey(privateKey), key.PublicKey);
        Assert.DoesNotContain(privateKey.ToString(), key.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WrongPassword_Throws()
    {
        File.WriteAllText(Path.Combine(_directory, "relayer.keystore.json"), StarkKeystore.Encrypt(Ecdsa.GeneratePrivateKey(), "right", StarkKeystore.MinIterations));
        var options = new RelayerOptions
        {
            NodeUrl = new Uri("http://127.0.0.1:5050/rpc"),
            Accounts = [new RelayerAccountOptions { Address = "0x5a1e", KeystorePath = "relayer.keystore.json", KeystorePassword = "wrong" }],
        };

        Assert.Throws<StarkKeystoreException>(() => RelayerKeyLoader.Load(Services(options, "Production")));
    }

    [Fact]
    public void Validate_PlainKeyInProductionAndBadValues_EveryProblemReported()
    {
        var options = new RelayerOptions
        {
            Accounts = [new RelayerAccountOptions { Address = "0x5a1e", PrivateKey = "0x1" }, new RelayerAccountOptions { Address = "0x5a1e" }],
            Batching = new BatchingOptions { MaxBatchSize = 0 },
            Fees = new FeeOptions { MaxFeePerTransaction = "-1" },
        };

        var result = new RelayerOptionsValidator(Environment("Production")).Validate(null, options);

        Assert.True(result.Failed);
        var text = string.Join("\n", result.Failures);
        Assert.Contains("Relayer:NodeUrl is required", text, StringComparison.Ordinal);
        Assert.Contains("Relayer:Accounts:0:PrivateKey is only allowed", text, StringComparison.Ordinal);
        Assert.Contains("Relayer:Accounts:1:Address repeats", text, StringComparison.Ordinal);
        Assert.Contains("MaxBatchSize", text, StringComparison.Ordinal);
        Assert.Contains("MaxFeePerTransaction", text, StringComparison.Ordinal);
        Assert.DoesNotContain("0x1\n", text, StringComparison.Ordinal);
    }

    private ServiceProvider Services(RelayerOptions options, string environment) => new ServiceCollection()
        .AddSingleton(Options.Create(options))
        .AddSingleton<IHostEnvironment>(Environment(environment))
        .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
        .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
        .BuildServiceProvider();

    private TestEnvironment Environment(string name) => new TestEnvironment { EnvironmentName = name, ContentRootPath = _directory };

    private sealed class TestEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Production";
        public string ApplicationName { get; set; } = "TxRelayer";
        public string ContentRootPath { get; set; } = "";
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
