namespace Starknet.Rpc;

/// <summary>A block tag: a reference to a block that moves as the chain grows.</summary>
public enum BlockTag
{
    /// <summary><c>latest</c>: the newest block finalized by L2 consensus.</summary>
    Latest = 0,

    /// <summary><c>pre_confirmed</c>: the block being built at height <c>latest + 1</c>; use it to see pending nonces.</summary>
    PreConfirmed = 1,

    /// <summary><c>l1_accepted</c>: the newest block whose state update was accepted and finalized on L1.</summary>
    L1Accepted = 2,
}

/// <summary>
/// The spec's <c>BLOCK_ID</c>: a <see cref="BlockTag"/>, a block number (<c>{"block_number": n}</c>) or a block hash
/// (<c>{"block_hash": "0x…"}</c>). The default value is <see cref="Latest"/>.
/// </summary>
public readonly record struct BlockId
{
    private enum IdKind : byte
    {
        Latest = BlockTag.Latest,
        PreConfirmed = BlockTag.PreConfirmed,
        L1Accepted = BlockTag.L1Accepted,
        Number,
        Hash,
    }

    private readonly IdKind _kind;
    private readonly ulong _number;
    private readonly Felt _hash;

    private BlockId(IdKind kind, ulong number, Felt hash)
    {
        _kind = kind;
        _number = number;
        _hash = hash;
    }

    /// <summary>The <c>latest</c> tag.</summary>
    public static BlockId Latest => new(IdKind.Latest, 0, default);

    /// <summary>The <c>pre_confirmed</c> tag.</summary>
    public static BlockId PreConfirmed => new(IdKind.PreConfirmed, 0, default);

    /// <summary>The <c>l1_accepted</c> tag.</summary>
    public static BlockId L1Accepted => new(IdKind.L1Accepted, 0, default);

    /// <summary>The block at height <paramref name="number"/>.</summary>
    public static BlockId FromNumber(ulong number) => new(IdKind.Number, number, default);

    /// <summary>The block with hash <paramref name="hash"/>.</summary>
    public static BlockId FromHash(Felt hash) => new(IdKind.Hash, 0, hash);

    /// <summary>The block named by <paramref name="tag"/>.</summary>
    public static BlockId FromTag(BlockTag tag) => tag switch
    {
        BlockTag.Latest or BlockTag.PreConfirmed or BlockTag.L1Accepted => new((IdKind)tag, 0, default),
        _ => throw new ArgumentOutOfRangeException(nameof(tag), tag, "Unknown block tag."),
    };

    /// <summary>Converts a tag to a block id.</summary>
    public static implicit operator BlockId(BlockTag tag) => FromTag(tag);

    /// <summary>The tag, or null when the id is a number or a hash.</summary>
    public BlockTag? Tag => _kind <= IdKind.L1Accepted ? (BlockTag)_kind : null;

    /// <summary>The block number, or null when the id is a tag or a hash.</summary>
    public ulong? Number => _kind == IdKind.Number ? _number : null;

    /// <summary>The block hash, or null when the id is a tag or a number.</summary>
    public Felt? Hash => _kind == IdKind.Hash ? _hash : null;

    /// <summary>The JSON form: <c>latest</c>, <c>{"block_number":12}</c> or <c>{"block_hash":"0x…"}</c>.</summary>
    public override string ToString() => _kind switch
    {
        IdKind.Number => $"{{\"block_number\":{_number}}}",
        IdKind.Hash => $"{{\"block_hash\":\"{_hash}\"}}",
        _ => TagName((BlockTag)_kind),
    };

    internal static string TagName(BlockTag tag) => tag switch
    {
        BlockTag.Latest => "latest",
        BlockTag.PreConfirmed => "pre_confirmed",
        BlockTag.L1Accepted => "l1_accepted",
        _ => throw new ArgumentOutOfRangeException(nameof(tag), tag, "Unknown block tag."),
    };
}
