namespace Starknet;

/// <summary>What a SNIP-12 type string resolves to (spec §3).</summary>
internal enum TypeKind
{
    Felt,
    ShortString,
    ContractAddress,
    ClassHash,
    U128,
    Timestamp,
    I128,
    Bool,
    Selector,
    String,
    Struct,
    Array,
    Enum,
    MerkleTree,

    /// <summary>An enum variant's <c>(t1,t2,…)</c>; only valid as a variant.</summary>
    Tuple,

    /// <summary>An empty member of a tuple (as in <c>()</c>); starknet.js encodes it as 0.</summary>
    EmptyTupleMember,

    /// <summary>A type that cannot be encoded; <see cref="TypeRef.Error"/> says why. Reported when a value uses it.</summary>
    Invalid,
}

/// <summary>A resolved type reference: a field type, an array element, a Merkle leaf type or a tuple member.</summary>
internal sealed class TypeRef
{
    private TypeRef(TypeKind kind, string name)
    {
        Kind = kind;
        Name = name;
    }

    public TypeKind Kind { get; }

    /// <summary>The type string as written.</summary>
    public string Name { get; }

    /// <summary>The struct (for <see cref="TypeKind.Struct"/>) or the enum definition (for <see cref="TypeKind.Enum"/>).</summary>
    public TypeDefinition? Definition { get; private init; }

    /// <summary>The element type of an array, or the leaf type of a Merkle tree.</summary>
    public TypeRef? Element { get; private init; }

    /// <summary>The members of a tuple.</summary>
    public TypeRef[]? Members { get; private init; }

    /// <summary>Why the type is invalid.</summary>
    public string? Error { get; private init; }

    public static TypeRef Basic(TypeKind kind, string name) => new(kind, name);

    public static TypeRef Struct(string name, TypeDefinition definition) => new(TypeKind.Struct, name) { Definition = definition };

    public static TypeRef Enum(string name, TypeDefinition definition) => new(TypeKind.Enum, name) { Definition = definition };

    public static TypeRef Array(string name, TypeRef element) => new(TypeKind.Array, name) { Element = element };

    public static TypeRef Merkle(string name, TypeRef leaf) => new(TypeKind.MerkleTree, name) { Element = leaf };

    public static TypeRef Tuple(string name, TypeRef[] members) => new(TypeKind.Tuple, name) { Members = members };

    public static TypeRef Invalid(string name, string error) => new(TypeKind.Invalid, name) { Error = error };

    /// <summary>The basic types of revision 1 (spec §3), which user types may not redefine.</summary>
    public static TypeKind? BasicKind(string name) => name switch
    {
        "felt" => TypeKind.Felt,
        "shortstring" => TypeKind.ShortString,
        "ContractAddress" => TypeKind.ContractAddress,
        "ClassHash" => TypeKind.ClassHash,
        "u128" => TypeKind.U128,
        "timestamp" => TypeKind.Timestamp,
        "i128" => TypeKind.I128,
        "bool" => TypeKind.Bool,
        "selector" => TypeKind.Selector,
        "string" => TypeKind.String,
        _ => null,
    };
}

/// <summary>One entry of a type definition: <c>{ "name": …, "type": …, "contains": … }</c>.</summary>
internal sealed class FieldDefinition(string name, string type, string? contains, string declaredAt)
{
    public string Name { get; } = name;

    public string Type { get; } = type;

    public string? Contains { get; } = contains;

    /// <summary>Where the field is declared, e.g. <c>types.Session[1]</c>.</summary>
    public string DeclaredAt { get; } = declaredAt;

    /// <summary>The resolved type; set once while the typed data is parsed.</summary>
    public TypeRef Resolved { get; set; } = null!;
}

/// <summary>A struct or enum definition from <c>types</c>, or one of the preset types.</summary>
internal sealed class TypeDefinition(string name, FieldDefinition[] fields, bool isPreset)
{
    private EncodedTypeCache? _encoded;

    public string Name { get; } = name;

    /// <summary>Fields in declaration order (for an enum: the variants, whose index is their position).</summary>
    public FieldDefinition[] Fields { get; } = fields;

    public bool IsPreset { get; } = isPreset;

    /// <summary>Encoded type and type hash, once computed. Written by reference so concurrent readers never tear.</summary>
    public EncodedTypeCache? Encoded
    {
        get => Volatile.Read(ref _encoded);
        set => Volatile.Write(ref _encoded, value);
    }

    /// <summary>Index of the field or variant called <paramref name="name"/>, or −1.</summary>
    public int IndexOf(string name)
    {
        for (var i = 0; i < Fields.Length; i++)
        {
            if (string.Equals(Fields[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }
}

/// <summary>The encoded type string of a definition and its <c>starknet_keccak</c>.</summary>
internal sealed class EncodedTypeCache(string text, Felt hash)
{
    public string Text { get; } = text;

    public Felt Hash { get; } = hash;
}

/// <summary>
/// The preset types of revision 1 (spec §3): <c>u256</c>, <c>TokenAmount</c> and <c>NftId</c>. They only refer to
/// basic types and to each other, so their encodings are the same in every typed data and are cached here once.
/// </summary>
internal static class PresetTypes
{
    public static readonly TypeDefinition U256 = Create("u256", ("low", "u128"), ("high", "u128"));

    public static readonly TypeDefinition TokenAmount = Create("TokenAmount", ("token_address", "ContractAddress"), ("amount", "u256"));

    public static readonly TypeDefinition NftId = Create("NftId", ("collection_address", "ContractAddress"), ("token_id", "u256"));

    public static TypeDefinition? Find(string name) => name switch
    {
        "u256" => U256,
        "TokenAmount" => TokenAmount,
        "NftId" => NftId,
        _ => null,
    };

    private static TypeDefinition Create(string name, params (string Name, string Type)[] fields)
    {
        var definitions = new FieldDefinition[fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            definitions[i] = new FieldDefinition(fields[i].Name, fields[i].Type, null, $"preset {name}[{i}]");
            var kind = TypeRef.BasicKind(fields[i].Type);
            // u256 is the only non-basic field type of a preset, and it is created first.
            definitions[i].Resolved = kind is { } basic
                ? TypeRef.Basic(basic, fields[i].Type)
                : TypeRef.Struct(fields[i].Type, U256);
        }
        return new TypeDefinition(name, definitions, isPreset: true);
    }
}
