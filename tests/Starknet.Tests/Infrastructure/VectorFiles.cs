using System.Text.Json;

namespace Starknet.Tests.Infrastructure;

/// <summary>
/// Locates the JSON test vectors produced by the real JavaScript libraries (starknet.js, @scure/starknet,
/// @argent/x-sessions). The folder is <c>BROKER_VECTORS_DIR</c> when set, otherwise the copy kept in the
/// repository at <c>tests/vectors</c>. A missing folder or file fails the test; it never skips it.
/// </summary>
internal static class VectorFiles
{
    public const string EnvironmentVariable = "BROKER_VECTORS_DIR";

    private static readonly Lazy<string> s_folder = new(ResolveFolder);
    private static readonly Dictionary<string, JsonDocument> s_cache = [];
    private static readonly Lock s_lock = new();

    /// <summary>The folder the vectors are read from.</summary>
    public static string Folder => s_folder.Value;

    /// <summary>Parses (once) and returns the root element of a vector file such as <c>crypto.json</c>.</summary>
    public static JsonElement Load(string fileName)
    {
        lock (s_lock)
        {
            if (!s_cache.TryGetValue(fileName, out var doc))
            {
                var path = Path.Combine(Folder, fileName);
                if (!File.Exists(path))
                {
                    throw new FileNotFoundException($"Test vector file '{path}' does not exist ({EnvironmentVariable}={Environment.GetEnvironmentVariable(EnvironmentVariable) ?? "<unset>"}).", path);
                }
                doc = JsonDocument.Parse(File.ReadAllBytes(path));
                s_cache[fileName] = doc;
            }
            return doc.RootElement;
        }
    }

    /// <summary>The <c>cases</c> array of a section, e.g. <c>Cases("crypto.json", "pedersen")</c>.</summary>
    public static IEnumerable<JsonElement> Cases(string fileName, string section) =>
        CaseArray(fileName, section).EnumerateArray();

    /// <summary>
    /// The case array of a section: <c>section.cases</c> when the section is an object (crypto.json), or the section
    /// itself when it is an array (the top-level <c>cases</c> of txhash.json and sessions.json).
    /// </summary>
    public static JsonElement CaseArray(string fileName, string section)
    {
        var element = Load(fileName).GetProperty(section);
        return element.ValueKind == JsonValueKind.Array ? element : element.GetProperty("cases");
    }

    /// <summary>xUnit member data: one row per case index of a section, so each case is its own test.</summary>
    public static TheoryData<int> CaseIndexes(string fileName, string section)
    {
        var data = new TheoryData<int>();
        var count = CaseArray(fileName, section).GetArrayLength();
        for (var i = 0; i < count; i++)
        {
            data.Add(i);
        }
        return data;
    }

    /// <summary>Case <paramref name="index"/> of a section.</summary>
    public static JsonElement Case(string fileName, string section, int index) =>
        CaseArray(fileName, section)[index];

    private static string ResolveFolder()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            if (!Directory.Exists(configured))
            {
                throw new DirectoryNotFoundException($"{EnvironmentVariable} names '{configured}', which does not exist.");
            }
            return Path.GetFullPath(configured);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Broker.sln")))
            {
                var folder = Path.Combine(dir.FullName, "tests", "vectors");
                return Directory.Exists(folder)
                    ? folder
                    : throw new DirectoryNotFoundException($"The repository copy of the vectors, '{folder}', is missing.");
            }
        }
        throw new DirectoryNotFoundException($"Could not find Broker.sln above '{AppContext.BaseDirectory}' to locate tests/vectors; set {EnvironmentVariable}.");
    }
}
