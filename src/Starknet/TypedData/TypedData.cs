using System.Text;
using System.Text.Json;

namespace Starknet;

/// <summary>
/// SNIP-12 revision 1 typed data (spec §3), hashed exactly as starknet.js <c>typedData.getMessageHash</c> does:
/// the JSON that wallets sign, with <c>types</c>, <c>primaryType</c>, <c>domain</c> and <c>message</c>.
/// </summary>
/// <remarks>
/// <para>Supported types: <c>felt</c>, <c>shortstring</c>, <c>ContractAddress</c>, <c>ClassHash</c>, <c>u128</c>,
/// <c>timestamp</c>, <c>i128</c>, <c>bool</c>, <c>selector</c>, <c>string</c>, arrays <c>X*</c>, structs, enums
/// (<c>"type": "enum", "contains": "E"</c>, variants written <c>"(t1,t2)"</c>), <c>merkletree</c>
/// (<c>"contains": "Leaf"</c>, spec §6) and the presets <c>u256</c>, <c>TokenAmount</c>, <c>NftId</c>.</para>
/// <para>Values follow starknet.js: numeric strings are read like JavaScript <c>BigInt()</c> (decimal, <c>0x</c>,
/// <c>0o</c>, <c>0b</c>, surrounding white space, <c>""</c> is 0), any other <c>felt</c>/<c>shortstring</c> string is
/// a short string, JSON numbers are IEEE doubles (integers above 2^53 round as in JavaScript), and <c>true</c>/<c>false</c>
/// count as 1/0 for numeric types. <c>bool</c> accepts only JSON <c>true</c>/<c>false</c> (starknet.js 8.5–10.x
/// rejects <c>"true"</c>, <c>0</c> and <c>1</c> too). A <c>selector</c> must be a JSON string: text matching
/// <c>^0[xX][0-9a-fA-F]*$</c> is the selector value, anything else is an entry-point name.</para>
/// <para>Deliberately stricter than starknet.js (which either fails obscurely or hashes something unintended):
/// revision 0 is rejected; user types may not redefine basic or preset types; recursive types, duplicate field names,
/// empty Merkle trees, enum values with more than one variant key and objects or arrays given for scalar types are
/// errors; short strings and <c>string</c> values must be ASCII without characters below 0x10 (JS mis-encodes those).
/// When parsed from text, duplicate JSON property names are rejected.</para>
/// <para>Type encodings and type hashes are computed once per instance, as are <see cref="DomainHash"/> and
/// <see cref="MessageStructHash"/>. An instance is safe to use from several threads.</para>
/// </remarks>
public sealed partial class TypedData
{
    /// <summary>The name of the revision 1 domain type.</summary>
    public const string DomainTypeName = "StarknetDomain";

    // 'StarkNet Message' (capital N), the first element of every message hash.
    private static readonly Felt s_messagePrefix = CairoShortString.Encode("StarkNet Message");

    private static readonly JsonDocumentOptions s_documentOptions = new()
    {
        AllowDuplicateProperties = false,
        MaxDepth = 128,
    };

    private readonly Dictionary<string, TypeDefinition> _types;
    private readonly TypeDefinition _primary;
    private readonly TypeDefinition _domain;
    private DomainState? _domainState;
    private EncodedTypeCache? _messageStructHash;
    private AccountHash? _lastMessageHash;

    private TypedData(JsonElement root, Dictionary<string, TypeDefinition> types, string primaryType, JsonElement domain, JsonElement message)
    {
        Root = root;
        _types = types;
        PrimaryType = primaryType;
        Domain = domain;
        Message = message;
        _domain = types[DomainTypeName];
        _primary = FindDefinition(primaryType)
            ?? throw new TypedDataException("primaryType", $"the primary type '{primaryType}' is not defined in types");
    }

    /// <summary>The whole typed-data JSON object.</summary>
    public JsonElement Root { get; }

    /// <summary>The name of the type of <see cref="Message"/>.</summary>
    public string PrimaryType { get; }

    /// <summary>The <c>domain</c> object, hashed as a <c>StarknetDomain</c>.</summary>
    public JsonElement Domain { get; }

    /// <summary>The <c>message</c> object, hashed as a <see cref="PrimaryType"/>.</summary>
    public JsonElement Message { get; }

    /// <summary>The SNIP-12 revision; always 1 (revision 0 is rejected when parsing).</summary>
    public int Revision { get; } = 1;

    /// <summary>The names of the types defined in <c>types</c> (presets not included).</summary>
    public IReadOnlyCollection<string> TypeNames => _types.Keys;

    /// <summary>Parses typed-data JSON text.</summary>
    /// <param name="json">A JSON object with <c>types</c>, <c>primaryType</c>, <c>domain</c> and <c>message</c>.</param>
    /// <returns>The parsed typed data; values are checked when hashed, not here.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
    /// <exception cref="TypedDataException">The JSON is malformed, has duplicate property names, is not revision 1
    /// typed data, or its <c>types</c> are malformed.</exception>
    public static TypedData Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonElement root;
        try
        {
            root = JsonElement.Parse(json, s_documentOptions);
        }
        catch (JsonException e)
        {
            throw new TypedDataException($"The typed data is not valid JSON: {e.Message}", e);
        }
        return FromRoot(root);
    }

    /// <summary>Parses typed-data JSON given as UTF-8 bytes.</summary>
    /// <param name="utf8Json">UTF-8 JSON text of the typed-data object.</param>
    /// <returns>The parsed typed data.</returns>
    /// <exception cref="TypedDataException">As for <see cref="Parse(string)"/>.</exception>
    public static TypedData Parse(ReadOnlySpan<byte> utf8Json)
    {
        JsonElement root;
        try
        {
            root = JsonElement.Parse(utf8Json, s_documentOptions);
        }
        catch (JsonException e)
        {
            throw new TypedDataException($"The typed data is not valid JSON: {e.Message}", e);
        }
        return FromRoot(root);
    }

    /// <summary>
    /// Reads typed data from an already parsed JSON element (it is cloned, so the source document may be disposed).
    /// If an object repeats a property name, the last one counts, as in JavaScript.
    /// </summary>
    /// <param name="typedData">The typed-data object.</param>
    /// <returns>The parsed typed data.</returns>
    /// <exception cref="TypedDataException">As for <see cref="Parse(string)"/>.</exception>
    public static TypedData Parse(JsonElement typedData) => typedData.ValueKind == JsonValueKind.Undefined
        ? throw new TypedDataException("Typed data must be a JSON object, not an undefined (default) JsonElement.")
        : FromRoot(typedData.Clone());

    /// <summary>
    /// The encoded type of <paramref name="typeName"/> (spec §3): <c>"T"("f1":"t1",…)</c> followed by the encodings of
    /// the types it depends on (struct fields, array elements, enum <c>contains</c>, tuple members and presets, but not
    /// Merkle leaf types), sorted by name in UTF-16 code-unit order.
    /// </summary>
    /// <param name="typeName">A type defined in <c>types</c>, or a preset.</param>
    /// <exception cref="TypedDataException">The type is unknown, or it (or a dependency) is recursive or malformed.</exception>
    public string EncodeType(string typeName) => GetEncodedType(RequireDefinition(typeName), null).Text;

    /// <summary>The type hash of <paramref name="typeName"/>: <c>starknet_keccak</c> of its <see cref="EncodeType"/>.</summary>
    /// <param name="typeName">A type defined in <c>types</c>, or a preset.</param>
    /// <returns>A felt in [0, 2^250).</returns>
    /// <exception cref="TypedDataException">As for <see cref="EncodeType"/>.</exception>
    public Felt TypeHash(string typeName) => GetEncodedType(RequireDefinition(typeName), null).Hash;

    /// <summary>
    /// The struct hash of <paramref name="value"/> read as a <paramref name="typeName"/>:
    /// <c>Hm([typeHash, enc(field_1), …])</c> in declared field order. Error paths start with <c>value</c>.
    /// </summary>
    /// <param name="typeName">A struct type defined in <c>types</c>, or a preset.</param>
    /// <param name="value">A JSON object with every field of the type (extra properties are ignored).</param>
    /// <exception cref="TypedDataException">The type is unknown, or a field is missing, of the wrong kind or out of range.</exception>
    public Felt StructHash(string typeName, JsonElement value) =>
        EncodeStruct(RequireDefinition(typeName), value, new EncodingPath("value"));

    /// <summary>The struct hash of <see cref="Domain"/> as a <c>StarknetDomain</c> (computed once).</summary>
    /// <exception cref="TypedDataException">A domain field is missing or invalid (the path starts with <c>domain</c>).</exception>
    public Felt DomainHash => GetDomainState().Hash;

    /// <summary>The struct hash of <see cref="Message"/> as a <see cref="PrimaryType"/> (computed once).</summary>
    /// <exception cref="TypedDataException">A message field is missing or invalid (the path starts with <c>message</c>).</exception>
    public Felt MessageStructHash
    {
        get
        {
            var cached = Volatile.Read(ref _messageStructHash);
            if (cached is null)
            {
                cached = new EncodedTypeCache("", EncodeStruct(_primary, Message, new EncodingPath("message")));
                Volatile.Write(ref _messageStructHash, cached);
            }
            return cached.Hash;
        }
    }

    /// <summary>
    /// The SNIP-12 message hash that the account signs (spec §3):
    /// <c>Hm(['StarkNet Message', DomainHash, accountAddress, MessageStructHash])</c>.
    /// </summary>
    /// <param name="accountAddress">The address of the signing account contract.</param>
    /// <exception cref="TypedDataException">The domain or the message cannot be encoded.</exception>
    public Felt MessageHash(Felt accountAddress)
    {
        var last = Volatile.Read(ref _lastMessageHash);
        if (last is not null && last.Account == accountAddress)
        {
            return last.Hash;
        }
        var messageStructHash = MessageStructHash;
        // The sponge after absorbing ['StarkNet Message', domainHash] is cached with the domain (a struct copy).
        var hasher = GetDomainState().AfterPrefix;
        hasher.Update(accountAddress);
        hasher.Update(messageStructHash);
        var hash = hasher.Finish();
        Volatile.Write(ref _lastMessageHash, new AccountHash(accountAddress, hash));
        return hash;
    }

    private TypeDefinition RequireDefinition(string typeName)
    {
        ArgumentNullException.ThrowIfNull(typeName);
        return FindDefinition(typeName)
            ?? throw new TypedDataException("types", $"unknown type '{typeName}': it is neither defined in types nor a preset (u256, TokenAmount, NftId)");
    }

    private TypeDefinition? FindDefinition(string name) =>
        _types.TryGetValue(name, out var definition) ? definition : PresetTypes.Find(name);

    private static TypedData FromRoot(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new TypedDataException($"Typed data must be a JSON object, not {JsInteger.Describe(root.ValueKind)}.");
        }
        var typesElement = RequireProperty(root, "types", JsonValueKind.Object);
        var primaryElement = RequireProperty(root, "primaryType", JsonValueKind.String);
        var domain = RequireProperty(root, "domain", JsonValueKind.Object);
        var message = RequireProperty(root, "message", JsonValueKind.Object);
        var primaryType = primaryElement.GetString()!;
        if (primaryType.Length == 0)
        {
            throw new TypedDataException("primaryType", "must not be empty");
        }
        CheckRevision(typesElement, domain);
        var types = ReadTypes(typesElement);
        var typedData = new TypedData(root, types, primaryType, domain, message);
        typedData.ResolveFields();
        return typedData;
    }

    private static JsonElement RequireProperty(JsonElement root, string name, JsonValueKind kind)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            throw new TypedDataException(name, "missing");
        }
        if (value.ValueKind != kind)
        {
            throw new TypedDataException(name, $"expected {JsInteger.Describe(kind)}, got {JsInteger.Describe(value.ValueKind)}");
        }
        return value;
    }

    // starknet.js: revision 1 when types has StarknetDomain and String(domain.revision) === "1";
    // revision 0 when types has StarkNetDomain and the revision is absent or "0".
    private static void CheckRevision(JsonElement types, JsonElement domain)
    {
        var hasRevision = domain.TryGetProperty("revision", out var revision);
        var isOne = hasRevision && revision.ValueKind switch
        {
            JsonValueKind.String => revision.ValueEquals("1"),
            JsonValueKind.Number => revision.TryGetDouble(out var d) && d == 1,
            _ => false,
        };
        if (types.TryGetProperty(DomainTypeName, out _) && isOne)
        {
            return;
        }
        var isZero = !hasRevision || (revision.ValueKind == JsonValueKind.String && revision.ValueEquals("0"));
        if (types.TryGetProperty("StarkNetDomain", out _) && isZero)
        {
            throw new TypedDataException("domain.revision",
                "revision 0 typed data (StarkNetDomain, Pedersen hashing) is not supported; only revision 1 is");
        }
        throw new TypedDataException("domain.revision",
            $"not SNIP-12 revision 1 typed data: types must define {DomainTypeName} and domain.revision must be \"1\" or 1");
    }

    private static Dictionary<string, TypeDefinition> ReadTypes(JsonElement typesElement)
    {
        var types = new Dictionary<string, TypeDefinition>(StringComparer.Ordinal);
        foreach (var property in typesElement.EnumerateObject())
        {
            var name = property.Name;
            var at = $"types.{name}";
            CheckTypeName(name, at);
            if (property.Value.ValueKind != JsonValueKind.Array)
            {
                throw new TypedDataException(at, $"a type definition must be an array of fields, got {JsInteger.Describe(property.Value.ValueKind)}");
            }
            var fields = new FieldDefinition[property.Value.GetArrayLength()];
            var index = 0;
            foreach (var entry in property.Value.EnumerateArray())
            {
                var fieldAt = $"{at}[{index}]";
                if (entry.ValueKind != JsonValueKind.Object)
                {
                    throw new TypedDataException(fieldAt, $"a field must be an object with name and type, got {JsInteger.Describe(entry.ValueKind)}");
                }
                var fieldName = RequireString(entry, "name", fieldAt);
                var fieldType = RequireString(entry, "type", fieldAt);
                string? contains = null;
                if (entry.TryGetProperty("contains", out var containsElement) && containsElement.ValueKind != JsonValueKind.Null)
                {
                    contains = containsElement.ValueKind == JsonValueKind.String
                        ? containsElement.GetString()
                        : throw new TypedDataException($"{fieldAt}.contains", $"expected a string, got {JsInteger.Describe(containsElement.ValueKind)}");
                }
                for (var j = 0; j < index; j++)
                {
                    if (string.Equals(fields[j].Name, fieldName, StringComparison.Ordinal))
                    {
                        throw new TypedDataException(fieldAt, $"duplicate field name '{fieldName}' (also {at}[{j}])");
                    }
                }
                fields[index] = new FieldDefinition(fieldName, fieldType, contains, fieldAt);
                index++;
            }
            types[name] = new TypeDefinition(name, fields, isPreset: false);
        }
        if (!types.ContainsKey(DomainTypeName))
        {
            throw new TypedDataException("types", $"{DomainTypeName} is not defined");
        }
        return types;
    }

    private static void CheckTypeName(string name, string at)
    {
        if (PresetTypes.Find(name) is not null)
        {
            throw new TypedDataException(at, $"'{name}' is a preset type (u256, TokenAmount, NftId) and must not be redefined");
        }
        if (TypeRef.BasicKind(name) is not null || name is "enum" or "merkletree")
        {
            throw new TypedDataException(at, $"'{name}' is a basic type and must not be redefined");
        }
        if (name.Length == 0 || name.EndsWith('*') || (name.StartsWith('(') && name.EndsWith(')')))
        {
            throw new TypedDataException(at, $"'{name}' is not a valid type name (empty, array or tuple syntax)");
        }
    }

    private static string RequireString(JsonElement entry, string property, string at)
    {
        if (!entry.TryGetProperty(property, out var value))
        {
            throw new TypedDataException(at, $"the field has no \"{property}\"");
        }
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new TypedDataException($"{at}.{property}", $"expected a string, got {JsInteger.Describe(value.ValueKind)}");
    }

    private void ResolveFields()
    {
        foreach (var definition in _types.Values)
        {
            foreach (var field in definition.Fields)
            {
                field.Resolved = Resolve(field.Type, field.Contains, fieldLevel: true, field.DeclaredAt);
            }
        }
    }

    // Mirrors starknet.js encodeValue's dispatch order: defined types, presets, arrays, then the keywords.
    private TypeRef Resolve(string type, string? contains, bool fieldLevel, string declaredAt)
    {
        if (_types.TryGetValue(type, out var definition))
        {
            return TypeRef.Struct(type, definition);
        }
        if (PresetTypes.Find(type) is { } preset)
        {
            return TypeRef.Struct(type, preset);
        }
        if (type.EndsWith('*'))
        {
            return TypeRef.Array(type, Resolve(type[..^1], null, fieldLevel: false, declaredAt));
        }
        if (type == "enum")
        {
            if (!fieldLevel)
            {
                return TypeRef.Invalid(type, $"'enum' is only valid as the type of a struct field, with \"contains\" naming the enum (declared at {declaredAt})");
            }
            if (contains is null)
            {
                return TypeRef.Invalid(type, $"the enum field declared at {declaredAt} has no \"contains\" naming its enum type");
            }
            return _types.TryGetValue(contains, out var enumDefinition)
                ? TypeRef.Enum(type, enumDefinition)
                : TypeRef.Invalid(type, $"the enum type '{contains}' (contains of {declaredAt}) is not defined in types");
        }
        if (type == "merkletree")
        {
            if (!fieldLevel)
            {
                return TypeRef.Invalid(type, $"'merkletree' is only valid as the type of a struct field, with \"contains\" naming the leaf type (declared at {declaredAt})");
            }
            if (contains is null)
            {
                return TypeRef.Invalid(type, $"the merkletree field declared at {declaredAt} has no \"contains\" naming its leaf type");
            }
            if (contains.EndsWith('*'))
            {
                return TypeRef.Invalid(type, $"the leaf type of a merkletree must not be an array, got '{contains}' (declared at {declaredAt})");
            }
            return TypeRef.Merkle(type, Resolve(contains, null, fieldLevel: false, declaredAt));
        }
        if (TypeRef.BasicKind(type) is { } kind)
        {
            return TypeRef.Basic(kind, type);
        }
        if (IsTupleSyntax(type))
        {
            var parts = type[1..^1].Split(',');
            var members = new TypeRef[parts.Length];
            for (var i = 0; i < parts.Length; i++)
            {
                members[i] = parts[i].Length == 0
                    ? TypeRef.Basic(TypeKind.EmptyTupleMember, "")
                    : Resolve(parts[i], null, fieldLevel: false, declaredAt);
            }
            return TypeRef.Tuple(type, members);
        }
        return TypeRef.Invalid(type, $"unknown type '{type}' (declared at {declaredAt})");
    }

    // starknet.js tests /^\(.*\)$/ (where '.' excludes line terminators).
    private static bool IsTupleSyntax(string type) =>
        type.Length >= 2 && type[0] == '(' && type[^1] == ')' && type.AsSpan(1, type.Length - 2).IndexOfAny("\n\r\u2028\u2029") < 0;

    private EncodedTypeCache GetEncodedType(TypeDefinition definition, EncodingPath? path)
    {
        var cached = definition.Encoded;
        if (cached is not null)
        {
            return cached;
        }
        var dependencies = new List<TypeDefinition>();
        var onStack = new List<TypeDefinition> { definition };
        CollectDependencies(definition, dependencies, onStack, path);
        dependencies.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));

        var builder = new StringBuilder();
        AppendEncodedType(builder, definition);
        foreach (var dependency in dependencies)
        {
            AppendEncodedType(builder, dependency);
        }
        var text = builder.ToString();
        cached = new EncodedTypeCache(text, Keccak.StarknetKeccak(text.AsSpan()));
        definition.Encoded = cached;
        return cached;
    }

    // starknet.js getDependencies (revision 1): every type reachable through field types, with one trailing '*'
    // removed, enum fields through "contains", and tuple members (each with one trailing '*' removed).
    // A cycle makes starknet.js recurse forever; here it is an error.
    private void CollectDependencies(TypeDefinition definition, List<TypeDefinition> found, List<TypeDefinition> onStack, EncodingPath? path)
    {
        foreach (var field in definition.Fields)
        {
            var type = field.Type;
            if (type.EndsWith('*'))
            {
                Visit(type[..^1], found, onStack, path);
            }
            else if (type == "enum")
            {
                if (field.Contains is not null)
                {
                    Visit(field.Contains, found, onStack, path);
                }
            }
            else if (IsTupleSyntax(type))
            {
                foreach (var part in type[1..^1].Split(','))
                {
                    Visit(part.EndsWith('*') ? part[..^1] : part, found, onStack, path);
                }
            }
            else
            {
                Visit(type, found, onStack, path);
            }
        }
    }

    private void Visit(string name, List<TypeDefinition> found, List<TypeDefinition> onStack, EncodingPath? path)
    {
        var definition = FindDefinition(name);
        if (definition is null)
        {
            return;
        }
        if (onStack.Contains(definition))
        {
            var chain = new StringBuilder();
            foreach (var t in onStack)
            {
                chain.Append(t.Name).Append(" -> ");
            }
            chain.Append(name);
            var problem = $"type '{name}' is recursive ({chain}); SNIP-12 type encoding cannot represent recursive types";
            throw new TypedDataException(path?.ToString() ?? $"types.{name}", problem);
        }
        if (found.Contains(definition))
        {
            return;
        }
        found.Add(definition);
        onStack.Add(definition);
        CollectDependencies(definition, found, onStack, path);
        onStack.RemoveAt(onStack.Count - 1);
    }

    private static void AppendEncodedType(StringBuilder builder, TypeDefinition definition)
    {
        builder.Append('"').Append(definition.Name).Append("\"(");
        for (var i = 0; i < definition.Fields.Length; i++)
        {
            var field = definition.Fields[i];
            if (i > 0)
            {
                builder.Append(',');
            }
            builder.Append('"').Append(field.Name).Append("\":");
            var target = field.Type == "enum"
                ? field.Contains ?? throw new TypedDataException(field.DeclaredAt, "an enum field needs \"contains\" naming its enum type")
                : field.Type;
            if (IsTupleSyntax(target))
            {
                builder.Append('(');
                var parts = target[1..^1].Split(',');
                for (var j = 0; j < parts.Length; j++)
                {
                    if (j > 0)
                    {
                        builder.Append(',');
                    }
                    if (parts[j].Length > 0)
                    {
                        builder.Append('"').Append(parts[j]).Append('"');
                    }
                }
                builder.Append(')');
            }
            else
            {
                builder.Append('"').Append(target).Append('"');
            }
        }
        builder.Append(')');
    }
}
