using Broker.Contracts.Guardian.V1;
using GuardianSigner.Keys;
using GuardianSigner.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Starknet;

namespace GuardianSigner.Tests;

/// <summary>The encrypted keystore, the <c>keystore create</c> command, and a host unlocking its key from a keystore.</summary>
public sealed class KeystoreTests : IDisposable
{
    private const int FastIterations = Keystore.MinIterations;
    private const string Password = "correct horse battery staple";
    private readonly string _folder = Directory.CreateTempSubdirectory("guardian-keystore-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Decrypt_RightPassword_ReturnsTheKey()
    {
        var privateKey = Ecdsa.GeneratePrivateKey();
        var json = Keystore.Encrypt(privateKey, Password, FastIterations);
        using var key = Keystore.Decrypt(json, Password);
        Assert.Equal(Ecdsa.GetPublicKey(privateKey), key.PublicKey);
        Assert.Equal(Ecdsa.Sign(privateKey, 12345), key.Sign(12345));
        Assert.DoesNotContain(privateKey.ToString()[2..], json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(privateKey.ToString(), key.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Decrypt_WrongPasswordOrEditedFile_Throws()
    {
        var json = Keystore.Encrypt(Ecdsa.GeneratePrivateKey(), Password, FastIterations);
        Assert.Throws<KeystoreException>(() => Keystore.Decrypt(json, "wrong password!"));
        var otherKey = Ecdsa.GetPublicKey(Ecdsa.GeneratePrivateKey()).ToString();
        var edited = System.Text.RegularExpressions.Regex.Replace(json, "\"publicKey\": \"0x[0-9a-f]+\"", $"\"publicKey\": \"{otherKey}\"");
        Assert.NotEqual(json, edited);
        Assert.Throws<KeystoreException>(() => Keystore.Decrypt(edited, Password));
        var weak = json.Replace($"\"iterations\": {FastIterations}", "\"iterations\": 1000", StringComparison.Ordinal);
        Assert.Throws<KeystoreException>(() => Keystore.Decrypt(weak, Password));
    }

    [Fact]
    public async Task CreateCommand_WritesKeystore_AndPrintsOnlyThePublicKey()
    {
        var path = Path.Combine(_folder, "guardian.keystore.json");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await KeystoreCommand.RunAsync(
            ["keystore", "create", "--out", path, "--iterations", FastIterations.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            new StringReader(Password + "\n"), output, error);

        Assert.True(code == 0, error.ToString());
        var printed = Felt.Parse(output.ToString().Trim());
        using var key = Keystore.Decrypt(await File.ReadAllTextAsync(path), Password);
        Assert.Equal(key.PublicKey, printed);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        // Refuses to overwrite, and refuses short passwords.
        Assert.Equal(1, await KeystoreCommand.RunAsync(["keystore", "create", "--out", path], new StringReader(Password + "\n"), TextWriter.Null, TextWriter.Null));
        Assert.Equal(1, await KeystoreCommand.RunAsync(["keystore", "create", "--out", Path.Combine(_folder, "b.json")], new StringReader("short\n"), TextWriter.Null, TextWriter.Null));
    }

    [Fact]
    public async Task Host_WithKeystore_UnlocksTheKeyAtStartup()
    {
        var privateKey = Ecdsa.GeneratePrivateKey();
        var keystorePath = Path.Combine(_folder, "host.keystore.json");
        await File.WriteAllTextAsync(keystorePath, Keystore.Encrypt(privateKey, Password, FastIterations));
        var passwordPath = Path.Combine(_folder, "password.txt");
        await File.WriteAllTextAsync(passwordPath, Password + "\n");
        var statePath = GuardianHost.NewStatePath();
        try
        {
            using var host = new KeystoreHost(keystorePath, passwordPath, statePath);
            var info = await host.Client.GetGuardianInfoAsync(new GetGuardianInfoRequest());
            Assert.Equal(Ecdsa.GetPublicKey(privateKey).ToString(), info.PublicKey);
        }
        finally
        {
            GuardianHost.DeleteState(statePath);
        }
    }

    [Fact]
    public void Host_WithWrongKeystorePassword_FailsAtStartup()
    {
        var keystorePath = Path.Combine(_folder, "bad.keystore.json");
        File.WriteAllText(keystorePath, Keystore.Encrypt(Ecdsa.GeneratePrivateKey(), Password, FastIterations));
        var passwordPath = Path.Combine(_folder, "wrong.txt");
        File.WriteAllText(passwordPath, "not the password");
        var statePath = GuardianHost.NewStatePath();
        try
        {
            using var host = new KeystoreHost(keystorePath, passwordPath, statePath);
            var ex = Assert.ThrowsAny<Exception>(() => host.Server);
            Assert.Contains("Wrong keystore password", ex.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            GuardianHost.DeleteState(statePath);
        }
    }

    private sealed class KeystoreHost(string keystorePath, string passwordPath, string statePath) : Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<GuardianSignerEntryPoint>
    {
        private global::Grpc.Net.Client.GrpcChannel? _channel;

        public Broker.Contracts.Guardian.V1.GuardianSigner.GuardianSignerClient Client =>
            new(_channel ??= global::Grpc.Net.Client.GrpcChannel.ForAddress(Server.BaseAddress, new global::Grpc.Net.Client.GrpcChannelOptions { HttpHandler = Server.CreateHandler() }));

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            // Production: the plain-key path is refused there, the keystore is the only way.
            builder.UseEnvironment("Production");
            builder.UseSetting("Guardian:KeystorePath", keystorePath);
            builder.UseSetting("Guardian:KeystorePasswordFile", passwordPath);
            builder.UseSetting("State:Sqlite:Path", statePath);
            builder.ConfigureServices(s => s.AddSingleton<TimeProvider>(new FakeTimeProvider()));
        }

        protected override void Dispose(bool disposing)
        {
            _channel?.Dispose();
            base.Dispose(disposing);
        }
    }
}
