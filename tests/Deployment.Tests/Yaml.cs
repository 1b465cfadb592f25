using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Deployment.Tests;

/// <summary>Reads YAML files of the repository into plain dictionaries and lists, with merge keys (<c>&lt;&lt;: *anchor</c>) resolved.</summary>
internal static class Yaml
{
    private static readonly IDeserializer s_deserializer = new DeserializerBuilder().Build();

    public static Dictionary<string, object?> Load(string relativePath)
    {
        using var reader = File.OpenText(Repository.PathOf(relativePath));
        var value = s_deserializer.Deserialize<object?>(new MergingParser(new Parser(reader)));
        return Map(value) ?? throw new InvalidDataException($"{relativePath} is not a YAML mapping.");
    }

    public static Dictionary<string, object?>? Map(object? value) => value is Dictionary<object, object?> map
        ? map.ToDictionary(kv => kv.Key.ToString()!, kv => kv.Value, StringComparer.Ordinal)
        : null;

    public static IReadOnlyList<object?> List(object? value) => value as List<object?> ?? [];

    public static Dictionary<string, object?> Get(this Dictionary<string, object?> map, string key) =>
        Map(map.GetValueOrDefault(key)) ?? throw new KeyNotFoundException($"'{key}' is missing or not a mapping.");

    public static string? Text(this Dictionary<string, object?> map, string key) => map.GetValueOrDefault(key)?.ToString();

    public static IReadOnlyList<string> Strings(this Dictionary<string, object?> map, string key) =>
        [.. List(map.GetValueOrDefault(key)).Select(v => v?.ToString() ?? "")];
}

/// <summary>Paths inside the repository (found from the test binaries upwards, by Broker.sln).</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relativePath) => Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Broker.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("Broker.sln not found above the test binaries.");
    }
}
