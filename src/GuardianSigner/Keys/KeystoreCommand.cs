using Starknet;

namespace GuardianSigner.Keys;

/// <summary>
/// <c>keystore create --out FILE [--iterations N] [--force]</c>: creates a new guardian key and writes it encrypted
/// to FILE. The password comes from <c>GUARDIAN_KEYSTORE_PASSWORD</c> or, when unset, from standard input (one
/// line; typed twice without echo on a terminal). Only the public key is printed.
/// <c>keystore public-key --in FILE</c> prints the public key recorded in a keystore.
/// </summary>
internal static class KeystoreCommand
{
    public const string PasswordEnvironmentVariable = "GUARDIAN_KEYSTORE_PASSWORD";
    private const int MinPasswordLength = 12;

    public static bool IsKeystoreCommand(string[] args) => args.Length > 0 && args[0] == "keystore";

    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var sub = args.Length > 1 ? args[1] : "";
        var options = ParseOptions(args.AsSpan(2));
        try
        {
            switch (sub)
            {
                case "create" when options.TryGetValue("--out", out var outPath):
                    return await CreateAsync(outPath, options, input, output, error).ConfigureAwait(false);
                case "public-key" when options.TryGetValue("--in", out var inPath):
                    await output.WriteLineAsync(Keystore.ReadPublicKey(await File.ReadAllTextAsync(inPath).ConfigureAwait(false)).ToString()).ConfigureAwait(false);
                    return 0;
                default:
                    await error.WriteLineAsync("usage: keystore create --out FILE [--iterations N] [--force]\n       keystore public-key --in FILE\n" +
                        $"The password is read from {PasswordEnvironmentVariable}, or from standard input.").ConfigureAwait(false);
                    return 2;
            }
        }
        catch (Exception ex) when (ex is KeystoreException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            await error.WriteLineAsync($"keystore: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private static async Task<int> CreateAsync(string outPath, Dictionary<string, string> options, TextReader input, TextWriter output, TextWriter error)
    {
        if (File.Exists(outPath) && !options.ContainsKey("--force"))
        {
            await error.WriteLineAsync($"keystore: {outPath} exists; pass --force to overwrite it.").ConfigureAwait(false);
            return 1;
        }
        var iterations = Keystore.DefaultIterations;
        if (options.TryGetValue("--iterations", out var text) && (!int.TryParse(text, out iterations) || iterations < Keystore.MinIterations))
        {
            await error.WriteLineAsync($"keystore: --iterations must be an integer of at least {Keystore.MinIterations}.").ConfigureAwait(false);
            return 2;
        }
        var password = Environment.GetEnvironmentVariable(PasswordEnvironmentVariable) ?? ReadPassword(input, error);
        if (password is null || password.Length < MinPasswordLength)
        {
            await error.WriteLineAsync($"keystore: the password must have at least {MinPasswordLength} characters.").ConfigureAwait(false);
            return 1;
        }
        var privateKey = Ecdsa.GeneratePrivateKey();
        var json = Keystore.Encrypt(privateKey, password, iterations);
        privateKey = default;
        var directory = Path.GetDirectoryName(Path.GetFullPath(outPath));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(outPath, json).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(outPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        await output.WriteLineAsync(Keystore.ReadPublicKey(json).ToString()).ConfigureAwait(false);
        return 0;
    }

    private static string? ReadPassword(TextReader input, TextWriter error)
    {
        if (!Console.IsInputRedirected && ReferenceEquals(input, Console.In))
        {
            error.Write("Keystore password: ");
            var first = ReadHidden();
            error.Write("Repeat the password: ");
            var second = ReadHidden();
            return first == second ? first : throw new ArgumentException("The two passwords differ.");
        }
        return input.ReadLine()?.TrimEnd('\r');
    }

    private static string ReadHidden()
    {
        var buffer = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace)
            {
                if (buffer.Length > 0) buffer.Length--;
                continue;
            }
            buffer.Append(key.KeyChar);
        }
        Console.Error.WriteLine();
        return buffer.ToString();
    }

    private static Dictionary<string, string> ParseOptions(ReadOnlySpan<string> args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) continue;
            var hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            options[args[i]] = hasValue ? args[++i] : "";
        }
        return options;
    }
}
