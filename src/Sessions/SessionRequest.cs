using System.Diagnostics.CodeAnalysis;
using Sessions.Internal;
using Starknet;

namespace Sessions;

/// <summary>
/// A session request (spec §4): what a dapp asks the wallet to sign. From it come the SNIP-12 typed data the owner and
/// guardian sign, the on-chain <see cref="Sessions.Session"/> struct and the session hash.
/// </summary>
/// <remarks>
/// All derived values are computed once, in the constructor, directly with Poseidon (no JSON): the session key GUID,
/// the metadata hash, the allowed-methods tree and the session hash. <see cref="ToTypedDataJson"/> produces the JSON
/// whose SNIP-12 message hash is the same session hash.
/// </remarks>
public sealed class SessionRequest
{
    /// <summary>Creates a session request.</summary>
    /// <param name="chainId">The chain the session is for (e.g. <c>'SN_SEPOLIA'</c> = <c>0x534e5f5345504f4c4941</c>).</param>
    /// <param name="accountAddress">The Argent account the session belongs to.</param>
    /// <param name="sessionPublicKey">The session key's stark key (x-coordinate), non-zero.</param>
    /// <param name="expiresAt">Expiry as Unix time in <b>seconds</b> (u64), not milliseconds (spec §4, XS quirks).</param>
    /// <param name="allowedMethods">One or more allowed methods, in order (the order fixes the Merkle leaves).</param>
    /// <param name="metadata">The exact metadata string to sign, printable ASCII (typically
    /// <see cref="SessionMetadata.ToJson"/>; any other text is accepted). It is hashed as given, never re-serialized.</param>
    /// <exception cref="ArgumentNullException"><paramref name="allowedMethods"/> or <paramref name="metadata"/> is null.</exception>
    /// <exception cref="ArgumentException">The session key is zero, there is no allowed method, or the metadata is not
    /// printable ASCII (starknet.js mis-encodes other characters, spec §2.2).</exception>
    public SessionRequest(Felt chainId, Felt accountAddress, Felt sessionPublicKey, ulong expiresAt, IReadOnlyList<AllowedMethod> allowedMethods, string metadata)
    {
        ArgumentNullException.ThrowIfNull(allowedMethods);
        ArgumentNullException.ThrowIfNull(metadata);
        if (sessionPublicKey.IsZero)
        {
            throw new ArgumentException("The session public key must be non-zero.", nameof(sessionPublicKey));
        }
        var bad = JsonText.IndexOfNonPrintableAscii(metadata);
        if (bad >= 0)
        {
            throw new ArgumentException($"The metadata must be printable ASCII; it has U+{(int)metadata[bad]:X4} at index {bad}.", nameof(metadata));
        }
        ChainId = chainId;
        AccountAddress = accountAddress;
        SessionPublicKey = sessionPublicKey;
        ExpiresAt = expiresAt;
        Metadata = metadata;
        AllowedMethodsTree = new AllowedMethodsTree(allowedMethods);
        SessionKeyGuid = SignerGuid.Starknet(sessionPublicKey);
        MetadataHash = ComputeMetadataHash(metadata);
        Session = new Session(expiresAt, AllowedMethodsTree.Root, MetadataHash, SessionKeyGuid);
        SessionHash = Session.ComputeHash(chainId, accountAddress);
    }

    /// <summary>Creates a session request whose metadata is <paramref name="metadata"/>.<see cref="SessionMetadata.ToJson"/>.</summary>
    /// <inheritdoc cref="SessionRequest(Felt, Felt, Felt, ulong, IReadOnlyList{AllowedMethod}, string)"/>
    public SessionRequest(Felt chainId, Felt accountAddress, Felt sessionPublicKey, ulong expiresAt, IReadOnlyList<AllowedMethod> allowedMethods, SessionMetadata metadata)
        : this(chainId, accountAddress, sessionPublicKey, expiresAt, allowedMethods, (metadata ?? throw new ArgumentNullException(nameof(metadata))).ToJson())
    {
    }

    /// <summary>The chain id.</summary>
    public Felt ChainId { get; }

    /// <summary>The account address.</summary>
    public Felt AccountAddress { get; }

    /// <summary>The session key's stark key.</summary>
    public Felt SessionPublicKey { get; }

    /// <summary>Expiry, Unix seconds.</summary>
    public ulong ExpiresAt { get; }

    /// <summary>The allowed methods, in order.</summary>
    public IReadOnlyList<AllowedMethod> AllowedMethods => AllowedMethodsTree.Methods;

    /// <summary>The allowed-methods Merkle tree (spec §6): root and proofs.</summary>
    public AllowedMethodsTree AllowedMethodsTree { get; }

    /// <summary>The exact metadata string that is signed.</summary>
    public string Metadata { get; }

    /// <summary><c>H2('Starknet Signer', SessionPublicKey)</c>, the typed data's <c>"Session Key"</c> (spec §7).</summary>
    public Felt SessionKeyGuid { get; }

    /// <summary><c>Hm(ByteArray(Metadata))</c> (spec §7).</summary>
    public Felt MetadataHash { get; }

    /// <summary>The on-chain session struct.</summary>
    public Session Session { get; }

    /// <summary>The session hash (spec §5), the SNIP-12 message hash of <see cref="ToTypedDataJson"/> for the account.</summary>
    public Felt SessionHash { get; }

    /// <summary>The metadata read as <see cref="SessionMetadata"/>, when it has that shape.</summary>
    /// <param name="metadata">The typed reading, or null.</param>
    public bool TryGetTypedMetadata([NotNullWhen(true)] out SessionMetadata? metadata) => SessionMetadata.TryParse(Metadata, out metadata);

    /// <summary>
    /// The SNIP-12 revision 1 typed data a wallet signs, as compact JSON in x-sessions' shape and order:
    /// <c>types</c> (<c>StarknetDomain</c>, <c>Allowed Method</c>, <c>Session</c>), <c>primaryType</c>, <c>domain</c>
    /// (<c>name</c>, <c>version: "0x31"</c>, <c>chainId</c> as hex, <c>revision: "1"</c>) and <c>message</c>
    /// (<c>Expires At</c>, <c>Allowed Methods</c> with entry-point names, <c>Metadata</c>, <c>Session Key</c> = the GUID).
    /// </summary>
    /// <remarks><c>Expires At</c> is a JSON number as in x-sessions; above 2^53, where JavaScript numbers lose
    /// precision, it is written as a decimal string so that the typed data still hashes to the on-chain value.</remarks>
    public string ToTypedDataJson() => JsonText.Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("types");
        w.WriteStarknetDomainType();
        w.WriteStartArray(SessionConstants.AllowedMethodTypeName);
        w.WriteField("Contract Address", "ContractAddress");
        w.WriteField("selector", "selector");
        w.WriteEndArray();
        w.WriteStartArray(SessionConstants.SessionTypeName);
        w.WriteField("Expires At", "timestamp");
        w.WriteField("Allowed Methods", "merkletree", SessionConstants.AllowedMethodTypeName);
        w.WriteField("Metadata", "string");
        w.WriteField("Session Key", "felt");
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteString("primaryType", SessionConstants.SessionTypeName);
        w.WriteStartObject("domain");
        w.WriteString("name", SessionConstants.DomainNameText);
        w.WriteFelt("version", SessionConstants.DomainVersion);
        w.WriteFelt("chainId", ChainId);
        w.WriteString("revision", "1");
        w.WriteEndObject();
        w.WriteStartObject("message");
        w.WriteInteger("Expires At", ExpiresAt);
        w.WriteStartArray("Allowed Methods");
        foreach (var method in AllowedMethods)
        {
            w.WriteStartObject();
            w.WriteFelt("Contract Address", method.ContractAddress);
            w.WriteString("selector", method.EntryPoint);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString(MetadataFieldName, Metadata);
        w.WriteFelt("Session Key", SessionKeyGuid);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary>
    /// <c>metadata_hash = Hm(ByteArray(metadata))</c> (spec §7), the SNIP-12 <c>string</c> encoding of the exact text.
    /// </summary>
    /// <param name="metadata">The metadata string, ASCII.</param>
    /// <exception cref="ArgumentNullException"><paramref name="metadata"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="metadata"/> is not ASCII.</exception>
    public static Felt ComputeMetadataHash(string metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (metadata.Length > StackLimit)
        {
            return Poseidon.HashMany(ByteArray.Serialize(metadata));
        }
        // Short text (the usual case) is serialized on the stack: no allocation on the session-hash path.
        Span<byte> bytes = stackalloc byte[metadata.Length];
        for (var i = 0; i < metadata.Length; i++)
        {
            bytes[i] = metadata[i] <= 0x7f
                ? (byte)metadata[i]
                : throw new ArgumentException($"The metadata must be ASCII; it has U+{(int)metadata[i]:X4} at index {i}.", nameof(metadata));
        }
        Span<Felt> felts = stackalloc Felt[ByteArray.GetSerializedLength(metadata.Length)];
        var written = ByteArray.Serialize(bytes, felts);
        return Poseidon.HashMany(felts[..written]);
    }

    // The typed-data field name (a constant, so analyzers do not mistake it for this class's property name).
    private const string MetadataFieldName = "Metadata";

    // 2 KiB of text: 2 KiB of bytes plus 69 felts (2.2 KiB) of stack at most.
    private const int StackLimit = 2048;
}
