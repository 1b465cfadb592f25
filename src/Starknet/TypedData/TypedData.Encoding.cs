using System.Buffers;
using System.Text.Json;

namespace Starknet;

public sealed partial class TypedData
{
    // Merkle trees with at most this many leaves keep them on the stack (32 bytes each).
    private const int StackLeafLimit = 64;

    private Felt EncodeStruct(TypeDefinition definition, JsonElement value, EncodingPath path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            path.Fail($"expected an object of type '{definition.Name}', got {JsInteger.Describe(value.ValueKind)}");
        }
        var hasher = new PoseidonHasher();
        hasher.Update(GetEncodedType(definition, path).Hash);
        foreach (var field in definition.Fields)
        {
            hasher.Update(EncodeField(definition, field, value, path));
        }
        return hasher.Finish();
    }

    /// <summary>Encodes one field of the struct object <paramref name="value"/>.</summary>
    private Felt EncodeField(TypeDefinition definition, FieldDefinition field, JsonElement value, EncodingPath path)
    {
        path.Push(field.Name);
        // starknet.js: "missing data" when undefined, or null for anything but an enum.
        if (!value.TryGetProperty(field.Name, out var fieldValue)
            || (fieldValue.ValueKind == JsonValueKind.Null && field.Resolved.Kind != TypeKind.Enum))
        {
            path.Fail($"missing field '{field.Name}' of type '{field.Type}' (required by '{definition.Name}')");
        }
        var encoded = Encode(field.Resolved, fieldValue, path);
        path.Pop();
        return encoded;
    }

    private Felt Encode(TypeRef type, JsonElement value, EncodingPath path)
    {
        switch (type.Kind)
        {
            case TypeKind.Felt:
            case TypeKind.ShortString:
                return EncodeFeltOrShortString(type, value, path);
            case TypeKind.ContractAddress:
            case TypeKind.ClassHash:
            {
                var number = RequireInteger(type, value, path);
                if (!number.IsFelt)
                {
                    path.Fail($"{Show(value)} is out of range for {type.Name}: it must be in [0, p) with p = 2^251 + 17·2^192 + 1");
                }
                return number.ToFelt();
            }
            case TypeKind.U128:
            case TypeKind.Timestamp:
            {
                var number = RequireInteger(type, value, path);
                if (!number.IsU128)
                {
                    path.Fail($"{Show(value)} is out of range for {type.Name}: it must be in [0, 2^128)");
                }
                return number.ToFelt();
            }
            case TypeKind.I128:
            {
                var number = RequireInteger(type, value, path);
                if (!number.IsI128)
                {
                    path.Fail($"{Show(value)} is out of range for i128: it must be in [-2^127, 2^127)");
                }
                return number.ToFeltFromI128();
            }
            case TypeKind.Bool:
                return value.ValueKind switch
                {
                    JsonValueKind.True => Felt.One,
                    JsonValueKind.False => Felt.Zero,
                    _ => FailWith(path, $"expected true or false for bool, got {Show(value)} (starknet.js accepts only JSON booleans)"),
                };
            case TypeKind.Selector:
                return EncodeSelector(value, path);
            case TypeKind.String:
            {
                if (value.ValueKind != JsonValueKind.String)
                {
                    path.Fail($"expected a string for string, got {JsInteger.Describe(value.ValueKind)}");
                }
                var text = value.GetString()!;
                CheckJsSafeAscii(text, "string", path);
                return ByteArray.PoseidonHashAscii(text);
            }
            case TypeKind.Struct:
                return EncodeStruct(type.Definition!, value, path);
            case TypeKind.Array:
                return EncodeArray(type.Element!, value, path);
            case TypeKind.Enum:
                return EncodeEnum(type.Definition!, value, path);
            case TypeKind.MerkleTree:
                return EncodeMerkleTree(type.Element!, value, path);
            case TypeKind.Tuple:
                return FailWith(path, $"the tuple type '{type.Name}' is only valid as an enum variant");
            case TypeKind.EmptyTupleMember:
                return Felt.Zero;
            default:
                return FailWith(path, type.Error ?? $"unsupported type '{type.Name}'");
        }
    }

    private static Felt EncodeFeltOrShortString(TypeRef type, JsonElement value, EncodingPath path)
    {
        // starknet.js getHex: BigInt(value) if that works, otherwise a string is a short string.
        JsInteger number;
        if (value.ValueKind == JsonValueKind.String)
        {
            var text = value.GetString()!;
            if (!JsInteger.TryParseString(text, out number))
            {
                if (text.Length > CairoShortString.MaxLength)
                {
                    path.Fail($"'{CairoShortString.Shorten(text)}' is neither a number nor a short string: it has {text.Length} characters and a short string at most {CairoShortString.MaxLength} ({type.Name})");
                }
                CheckJsSafeAscii(text, type.Name, path);
                return CairoShortString.EncodeAsciiUnchecked(text);
            }
        }
        else
        {
            number = RequireInteger(type, value, path);
        }
        if (!number.IsFelt)
        {
            path.Fail($"{Show(value)} is out of range for {type.Name}: it must be in [0, p) with p = 2^251 + 17·2^192 + 1");
        }
        return number.ToFelt();
    }

    private static Felt EncodeSelector(JsonElement value, EncodingPath path)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            path.Fail($"expected an entry-point name or a 0x-prefixed hex selector, got {JsInteger.Describe(value.ValueKind)}");
        }
        var text = value.GetString()!;
        // starknet.js prepareSelector: /^0[xX][0-9a-fA-F]*$/ is used as a value, anything else is a name.
        if (IsHexLiteral(text))
        {
            if (!JsInteger.TryParseString(text, out var number))
            {
                path.Fail($"'{text}' has no hex digits after 0x");
            }
            if (!number.IsFelt)
            {
                path.Fail($"{Show(value)} is out of range for selector: it must be in [0, p)");
            }
            return number.ToFelt();
        }
        return Keccak.StarknetKeccak(text.AsSpan());
    }

    private Felt EncodeArray(TypeRef element, JsonElement value, EncodingPath path)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            path.Fail($"expected an array of {element.Name}, got {JsInteger.Describe(value.ValueKind)}");
        }
        var hasher = new PoseidonHasher();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            path.Push(index++);
            hasher.Update(Encode(element, item, path));
            path.Pop();
        }
        return hasher.Finish();
    }

    // Revision 1 enum (spec §3): Hm([variant_index, enc(member_1), …]) with the index of the variant in the enum
    // definition. An empty tuple member, as in "()", is encoded as 0 (starknet.js BigInt("")).
    private Felt EncodeEnum(TypeDefinition enumDefinition, JsonElement value, EncodingPath path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            path.Fail($"expected an object with one variant of enum '{enumDefinition.Name}', got {JsInteger.Describe(value.ValueKind)}");
        }
        string? variantName = null;
        JsonElement variantData = default;
        foreach (var property in value.EnumerateObject())
        {
            if (variantName is not null)
            {
                path.Fail($"an enum value must have exactly one property (the variant), found '{variantName}' and '{property.Name}'");
            }
            variantName = property.Name;
            variantData = property.Value;
        }
        if (variantName is null)
        {
            path.Fail($"an enum value must have exactly one property (the variant of '{enumDefinition.Name}'), found none");
        }
        var variantIndex = enumDefinition.IndexOf(variantName);
        path.Push(variantName);
        if (variantIndex < 0)
        {
            path.Fail($"'{variantName}' is not a variant of enum '{enumDefinition.Name}' (variants: {VariantList(enumDefinition)})");
        }
        var variant = enumDefinition.Fields[variantIndex];
        var variantType = variant.Resolved;
        if (variantType.Kind != TypeKind.Tuple)
        {
            path.Fail($"the variant type '{variant.Type}' (declared at {variant.DeclaredAt}) must be a parenthesized tuple such as () or (u128,felt)");
        }
        var members = variantType.Members!;
        var hasher = new PoseidonHasher();
        hasher.Update(new Felt((ulong)variantIndex));
        var needsData = false;
        foreach (var member in members)
        {
            needsData |= member.Kind != TypeKind.EmptyTupleMember;
        }
        if (!needsData)
        {
            // starknet.js ignores the data of a variant without members.
            foreach (var member in members)
            {
                hasher.Update(Felt.Zero);
            }
        }
        else
        {
            if (variantData.ValueKind != JsonValueKind.Array)
            {
                path.Fail($"expected an array with the {members.Length} values of {variant.Type}, got {JsInteger.Describe(variantData.ValueKind)}");
            }
            var length = variantData.GetArrayLength();
            if (length > members.Length)
            {
                path.Fail($"expected at most {members.Length} values for {variant.Type}, got {length}");
            }
            for (var i = 0; i < members.Length; i++)
            {
                if (members[i].Kind == TypeKind.EmptyTupleMember)
                {
                    hasher.Update(Felt.Zero);
                    continue;
                }
                path.Push(i);
                if (i >= length)
                {
                    path.Fail($"missing value of type '{members[i].Name}' for {variant.Type}");
                }
                hasher.Update(Encode(members[i], variantData[i], path));
                path.Pop();
            }
        }
        path.Pop();
        return hasher.Finish();
    }

    private Felt EncodeMerkleTree(TypeRef leafType, JsonElement value, EncodingPath path)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            path.Fail($"expected an array of {leafType.Name} (the Merkle tree leaves), got {JsInteger.Describe(value.ValueKind)}");
        }
        var count = value.GetArrayLength();
        if (count == 0)
        {
            path.Fail("a merkletree needs at least one leaf (starknet.js never terminates on an empty one)");
        }
        Felt[]? rented = null;
        var leaves = count <= StackLeafLimit
            ? stackalloc Felt[count]
            : (rented = ArrayPool<Felt>.Shared.Rent(count)).AsSpan(0, count);
        try
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                path.Push(index);
                leaves[index++] = Encode(leafType, item, path);
                path.Pop();
            }
            return MerkleTree.ComputeRoot(leaves);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<Felt>.Shared.Return(rented);
            }
        }
    }

    private static JsInteger RequireInteger(TypeRef type, JsonElement value, EncodingPath path)
    {
        var number = JsInteger.FromJson(value, out var problem);
        if (number is null)
        {
            path.Fail($"{Show(value)} is not a valid {type.Name}: {problem}");
        }
        return number.Value;
    }

    // starknet.js encodes short strings char by char without zero padding and skips line terminators, so characters
    // below 0x10 give a different value than Cairo's; refuse them rather than hash something a wallet would not.
    private static void CheckJsSafeAscii(string text, string typeName, EncodingPath path)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c > 0x7F)
            {
                path.Fail($"{typeName} values must be ASCII; U+{(int)c:X4} at index {i} is not");
            }
            if (c < 0x10)
            {
                path.Fail($"{typeName} values must not contain characters below 0x10 (U+{(int)c:X4} at index {i}): starknet.js encodes them differently from Cairo");
            }
        }
    }

    private static bool IsHexLiteral(string text)
    {
        if (text.Length < 2 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X'))
        {
            return false;
        }
        for (var i = 2; i < text.Length; i++)
        {
            if (!char.IsAsciiHexDigit(text[i]))
            {
                return false;
            }
        }
        return true;
    }

    private static string VariantList(TypeDefinition enumDefinition)
    {
        var names = new string[enumDefinition.Fields.Length];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = enumDefinition.Fields[i].Name;
        }
        return string.Join(", ", names);
    }

    private static string Show(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"'{CairoShortString.Shorten(value.GetString())}'",
        JsonValueKind.Number => CairoShortString.Shorten(value.GetRawText()),
        _ => JsInteger.Describe(value.ValueKind),
    };

    private static Felt FailWith(EncodingPath path, string problem)
    {
        path.Fail(problem);
        return default;
    }
}
