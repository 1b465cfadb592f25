using System.Text;
using Broker.Client;
using Sessions;
using Starknet;

namespace SessionBroker.Tests.Client;

/// <summary>The SDK's session key: generation, local signing, storage with owner-only permissions.</summary>
public sealed class SessionKeyTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("session-keys-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void SignTransaction_ExecutionHash_SignsTheSessionMessage()
    {
        var key = SessionKey.Generate();
        var executionHash = Felt.Parse("0x1234");
        var sessionHash = Felt.Parse("0x5678");

        var signature = key.SignTransaction(executionHash, sessionHash);

        Assert.Equal(key.PublicKey, signature.PublicKey);
        Assert.True(Ecdsa.VerifyOnChain(SessionMessage.Hash(executionHash, sessionHash, Felt.Zero), key.PublicKey, signature.Signature));
        Assert.Equal(SignerGuid.Starknet(key.PublicKey), key.Guid);
    }

    [Fact]
    public async Task SaveToFile_ThenLoad_SameKeyAndOwnerOnlyFile()
    {
        var key = SessionKey.Generate();
        var path = Path.Combine(_directory, "game.key");

        await key.SaveToFileAsync(path);
        var loaded = await SessionKey.LoadFromFileAsync(path);

        Assert.Equal(key.PublicKey, loaded.PublicKey);
        Assert.Equal(key.Sign(Felt.One), loaded.Sign(Felt.One));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        Assert.Single(Directory.GetFiles(_directory)); // no temporary file left behind
    }

    [Fact]
    public async Task LoadFromFile_ReadableByOthers_Refused()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var path = Path.Combine(_directory, "open.key");
        await SessionKey.Generate().SaveToFileAsync(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var e = await Assert.ThrowsAsync<SessionKeyFormatException>(() => SessionKey.LoadFromFileAsync(path));
        Assert.Contains("0600", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_CorruptedOrForeignData_RefusedWithoutQuotingIt()
    {
        var store = new FileSessionKeyStore(_directory);
        var key = SessionKey.Generate();
        await key.SaveAsync(store, "k1");
        var path = Path.Combine(_directory, "k1.session-key.json");
        var text = await File.ReadAllTextAsync(path);

        // A flipped digit in the private key no longer matches the stored public key.
        var start = text.IndexOf("\"privateKey\":\"0x", StringComparison.Ordinal) + 16;
        var flipped = text[..start] + (text[start] == '1' ? '2' : '1') + text[(start + 1)..];
        await File.WriteAllTextAsync(path, flipped, Encoding.UTF8);
        await Assert.ThrowsAsync<SessionKeyFormatException>(() => SessionKey.LoadAsync(store, "k1"));

        await File.WriteAllTextAsync(path, "{not json 0x1234");
        var e = await Assert.ThrowsAsync<SessionKeyFormatException>(() => SessionKey.LoadAsync(store, "k1"));
        Assert.DoesNotContain("0x1234", e.Message, StringComparison.Ordinal);

        Assert.Null(await SessionKey.LoadAsync(store, "absent"));
        await Assert.ThrowsAsync<ArgumentException>(() => key.SaveAsync(store, "../escape"));
    }

    [Fact]
    public void ToString_NeverShowsThePrivateKey()
    {
        var privateKey = Ecdsa.GeneratePrivateKey();
        var key = SessionKey.FromPrivateKey(privateKey);
        Assert.DoesNotContain(privateKey.ToString(), key.ToString(), StringComparison.Ordinal);
        Assert.Contains(key.PublicKey.ToString(), key.ToString(), StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionKey.FromPrivateKey(Felt.Zero));
    }
}
