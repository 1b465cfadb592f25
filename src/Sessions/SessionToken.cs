using System.Diagnostics.CodeAnalysis;
using Sessions.Internal;
using Starknet;

namespace Sessions;

/// <summary>How offset 5 of a session token is read (spec §9, §10, §13.5).</summary>
public enum SessionTokenLayout
{
    /// <summary>Account 0.5.0: <c>cache_owner_guid</c>, 0 for no caching or the GUID of the owner that signed the
    /// authorization; <c>m</c> hashes it as is.</summary>
    CacheOwnerGuid = 0,

    /// <summary>Account ≤ 0.4.0 and @argent/x-sessions 9.0.4: the boolean <c>cache_authorization</c>, written 0 or 1;
    /// <c>m</c> hashes it as 0 or 1 (Cairo reads any non-zero felt as true).</summary>
    CacheFlag = 1,
}

/// <summary>
/// The session token: the transaction signature of a session transaction (spec §10, C05 <c>SessionToken</c> Serde):
/// <c>['session-token', session(4), cache_field, A, authorization(A), session_signature(4), guardian_signature(4),
/// C, (len_j, proof_j…) × C]</c>.
/// </summary>
public sealed class SessionToken
{
    /// <summary>The offset of <c>session.expires_at</c>, which <c>__execute__</c> reads again (spec §13.2).</summary>
    public const int ExpiresAtOffset = 1;

    /// <summary>The offset of the cache field.</summary>
    public const int CacheFieldOffset = 5;

    /// <summary>The offset of the authorization length <c>A</c>; the authorization starts right after it.</summary>
    public const int AuthorizationLengthOffset = 6;

    private readonly Felt[] _authorization;
    private readonly Felt[][] _proofs;

    /// <summary>Creates a token.</summary>
    /// <param name="layout">How <paramref name="cacheField"/> is meant (it is stored as given either way).</param>
    /// <param name="session">The on-chain session struct.</param>
    /// <param name="cacheField"><c>cache_owner_guid</c> (0.5.0) or the cache flag 0/1 (0.4.0, x-sessions).</param>
    /// <param name="authorization">The authorization felts (spec §8), possibly empty when cached (0.5.0).</param>
    /// <param name="sessionSignature">The session key's signature over <c>m</c>.</param>
    /// <param name="guardianSignature">The guardian's (cosigner's) signature over <c>m</c>.</param>
    /// <param name="proofs">One Merkle proof per call, in call order.</param>
    /// <exception cref="ArgumentNullException">A list is null.</exception>
    /// <exception cref="ArgumentException">A signer key is zero or a proof is null.</exception>
    public SessionToken(SessionTokenLayout layout, Session session, Felt cacheField, IReadOnlyList<Felt> authorization, StarknetSignerSignature sessionSignature, StarknetSignerSignature guardianSignature, IReadOnlyList<IReadOnlyList<Felt>> proofs)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        ArgumentNullException.ThrowIfNull(proofs);
        if (sessionSignature.PublicKey.IsZero || guardianSignature.PublicKey.IsZero)
        {
            throw new ArgumentException("Signer public keys must be non-zero (the contract's NonZero would reject the token).");
        }
        Layout = layout;
        Session = session;
        CacheField = cacheField;
        _authorization = [.. authorization];
        SessionSignature = sessionSignature;
        GuardianSignature = guardianSignature;
        _proofs = new Felt[proofs.Count][];
        for (var j = 0; j < _proofs.Length; j++)
        {
            _proofs[j] = [.. proofs[j] ?? throw new ArgumentException($"proofs[{j}] is null.", nameof(proofs))];
        }
    }

    // Takes ownership of already copied arrays (the parser).
    private SessionToken(SessionTokenLayout layout, Session session, Felt cacheField, Felt[] authorization, StarknetSignerSignature sessionSignature, StarknetSignerSignature guardianSignature, Felt[][] proofs)
    {
        Layout = layout;
        Session = session;
        CacheField = cacheField;
        _authorization = authorization;
        SessionSignature = sessionSignature;
        GuardianSignature = guardianSignature;
        _proofs = proofs;
    }

    /// <summary>A 0.5.0 token (<c>cache_owner_guid</c>; pass 0 for no caching).</summary>
    /// <inheritdoc cref="SessionToken(SessionTokenLayout, Session, Felt, IReadOnlyList{Felt}, StarknetSignerSignature, StarknetSignerSignature, IReadOnlyList{IReadOnlyList{Felt}})"/>
    public static SessionToken WithCacheOwnerGuid(Session session, Felt cacheOwnerGuid, IReadOnlyList<Felt> authorization, StarknetSignerSignature sessionSignature, StarknetSignerSignature guardianSignature, IReadOnlyList<IReadOnlyList<Felt>> proofs) =>
        new(SessionTokenLayout.CacheOwnerGuid, session, cacheOwnerGuid, authorization, sessionSignature, guardianSignature, proofs);

    /// <summary>A 0.4.0 / x-sessions token with the boolean cache flag (written 0 or 1).</summary>
    /// <param name="session">The on-chain session struct.</param>
    /// <param name="cacheAuthorization">The cache flag; x-sessions writes true for <c>useCacheAuthorisation</c>,
    /// which an account 0.5.0 rejects with <c>session/owner-key-mismatch</c> (spec §13.5).</param>
    /// <param name="authorization">The authorization felts.</param>
    /// <param name="sessionSignature">The session key's signature over <c>m</c>.</param>
    /// <param name="guardianSignature">The guardian's signature over <c>m</c>.</param>
    /// <param name="proofs">One Merkle proof per call, in call order.</param>
    public static SessionToken WithCacheFlag(Session session, bool cacheAuthorization, IReadOnlyList<Felt> authorization, StarknetSignerSignature sessionSignature, StarknetSignerSignature guardianSignature, IReadOnlyList<IReadOnlyList<Felt>> proofs) =>
        new(SessionTokenLayout.CacheFlag, session, cacheAuthorization ? Felt.One : Felt.Zero, authorization, sessionSignature, guardianSignature, proofs);

    /// <summary>How <see cref="CacheField"/> is meant.</summary>
    public SessionTokenLayout Layout { get; }

    /// <summary>The on-chain session struct (offsets 1–4).</summary>
    public Session Session { get; }

    /// <summary>Offset 5 as written: <c>cache_owner_guid</c> (0.5.0) or the cache flag (0.4.0).</summary>
    public Felt CacheField { get; }

    /// <summary>The 0.4.0 reading of the cache field: true when it is non-zero (Cairo's <c>bool</c> Serde).</summary>
    public bool CacheAuthorization => !CacheField.IsZero;

    /// <summary>
    /// The value <c>m</c> hashes as its third element (spec §9): the cache field itself for 0.5.0, 0 or 1 for 0.4.0.
    /// </summary>
    public Felt MessageCacheField => Layout == SessionTokenLayout.CacheFlag ? (CacheAuthorization ? Felt.One : Felt.Zero) : CacheField;

    /// <summary>The authorization felts (spec §8); empty when a cached authorization is reused (0.5.0).</summary>
    public IReadOnlyList<Felt> Authorization => _authorization;

    /// <summary>The session key's signature over <c>m</c>.</summary>
    public StarknetSignerSignature SessionSignature { get; }

    /// <summary>The guardian's (cosigner's) signature over <c>m</c>; its key must be the guardian of the authorization.</summary>
    public StarknetSignerSignature GuardianSignature { get; }

    /// <summary>The Merkle proofs, <c>Proofs[j]</c> for call <c>j</c>.</summary>
    public IReadOnlyList<IReadOnlyList<Felt>> Proofs => _proofs;

    /// <summary>The number of felts of the serialized token.</summary>
    public int Length
    {
        get
        {
            var length = 7 + _authorization.Length + 2 * StarknetSignerSignature.SerializedLength + 1;
            foreach (var proof in _proofs)
            {
                length += 1 + proof.Length;
            }
            return length;
        }
    }

    /// <summary>The authorization parsed (spec §8), or null when it is empty (cached).</summary>
    /// <exception cref="SessionFormatException">The authorization felts do not parse.</exception>
    public SessionAuthorization? ParseAuthorization() => _authorization.Length == 0 ? null : SessionAuthorization.Parse(_authorization);

    /// <summary>
    /// The per-transaction message both signatures cover (spec §9): <c>Hm([executionHash, sessionHash,
    /// <see cref="MessageCacheField"/>])</c>.
    /// </summary>
    /// <param name="executionHash">The INVOKE v3 transaction hash, or the SNIP-9 v2 message hash.</param>
    /// <param name="sessionHash">The session hash (spec §5).</param>
    public Felt MessageHash(Felt executionHash, Felt sessionHash) => SessionMessage.Hash(executionHash, sessionHash, MessageCacheField);

    /// <summary>The transaction signature array (spec §10).</summary>
    public Felt[] ToFelts()
    {
        var felts = new Felt[Length];
        WriteTo(felts);
        return felts;
    }

    /// <summary>Writes the transaction signature array into <paramref name="destination"/>.</summary>
    /// <param name="destination">At least <see cref="Length"/> felts.</param>
    /// <returns>The number of felts written.</returns>
    /// <exception cref="ArgumentException">The destination is too short.</exception>
    public int WriteTo(Span<Felt> destination)
    {
        var length = Length;
        if (destination.Length < length)
        {
            throw new ArgumentException($"The destination needs {length} felts.", nameof(destination));
        }
        var k = 0;
        destination[k++] = SessionConstants.SessionMagic;
        destination[k++] = Session.ExpiresAt;
        destination[k++] = Session.AllowedMethodsRoot;
        destination[k++] = Session.MetadataHash;
        destination[k++] = Session.SessionKeyGuid;
        destination[k++] = CacheField;
        destination[k++] = (ulong)_authorization.Length;
        _authorization.CopyTo(destination[k..]);
        k += _authorization.Length;
        SessionSignature.WriteTo(destination[k..]);
        k += StarknetSignerSignature.SerializedLength;
        GuardianSignature.WriteTo(destination[k..]);
        k += StarknetSignerSignature.SerializedLength;
        destination[k++] = (ulong)_proofs.Length;
        foreach (var proof in _proofs)
        {
            destination[k++] = (ulong)proof.Length;
            proof.CopyTo(destination[k..]);
            k += proof.Length;
        }
        return k;
    }

    /// <summary>True when element 0 is the session magic, i.e. the account treats the signature as a session
    /// (C05 <c>is_session</c>).</summary>
    /// <param name="signature">A transaction signature.</param>
    public static bool IsSessionToken(ReadOnlySpan<Felt> signature) => signature.Length > 0 && signature[0] == SessionConstants.SessionMagic;

    /// <summary>
    /// Parses a transaction signature as a session token exactly as the account deserializes it
    /// (<c>full_deserialize</c> of <c>SessionToken</c> after the magic). Claimed lengths are checked against what remains
    /// before anything is allocated.
    /// </summary>
    /// <param name="signature">The transaction signature, magic included.</param>
    /// <param name="layout">How offset 5 is meant; it does not change the wire format.</param>
    /// <exception cref="SessionFormatException">The array is not a token; the exception names the offset and field
    /// and the contract's error (<c>session/invalid-magic-value</c>, <c>session/invalid-calldata</c> or
    /// <c>Index out of bounds</c>).</exception>
    public static SessionToken Parse(ReadOnlySpan<Felt> signature, SessionTokenLayout layout = SessionTokenLayout.CacheOwnerGuid) =>
        TryParseCore(signature, layout, out var token, out var error) ? token : throw error.ToException();

    /// <summary>Like <see cref="Parse"/>, but returns false and the error instead of throwing.</summary>
    /// <param name="signature">The transaction signature, magic included.</param>
    /// <param name="layout">How offset 5 is meant.</param>
    /// <param name="token">The token, or null.</param>
    /// <param name="error">Why parsing failed, or null.</param>
    public static bool TryParse(ReadOnlySpan<Felt> signature, SessionTokenLayout layout, [NotNullWhen(true)] out SessionToken? token, [NotNullWhen(false)] out SessionFormatException? error)
    {
        if (TryParseCore(signature, layout, out token, out var parseError))
        {
            error = null;
            return true;
        }
        error = parseError.ToException();
        return false;
    }

    internal static bool TryParseCore(ReadOnlySpan<Felt> signature, SessionTokenLayout layout, [NotNullWhen(true)] out SessionToken? token, [NotNullWhen(false)] out ParseError? error)
    {
        token = null;
        if (signature.IsEmpty)
        {
            error = new ParseError(0, "magic", "The signature is empty", SessionErrors.InvalidMagicValue);
            return false;
        }
        if (signature[0] != SessionConstants.SessionMagic)
        {
            error = new ParseError(0, "magic", $"Element 0 is {signature[0]}, not 'session-token' ({SessionConstants.SessionMagic})", SessionErrors.InvalidMagicValue);
            return false;
        }
        var reader = new FeltReader(signature[1..], 1, SessionErrors.InvalidCalldata);
        if (!reader.TryReadUInt64("session.expires_at", out var expiresAt, out error)
            || !reader.TryRead("session.allowed_methods_root", out var root, out error)
            || !reader.TryRead("session.metadata_hash", out var metadataHash, out error)
            || !reader.TryRead("session.session_key_guid", out var keyGuid, out error)
            || !reader.TryRead(layout == SessionTokenLayout.CacheFlag ? "cache_authorization" : "cache_owner_guid", out var cacheField, out error)
            || !reader.TrySlice("session_authorization", SessionErrors.InvalidCalldata, SessionErrors.IndexOutOfBounds, out var authorization, out _, out error)
            || !SessionAuthorization.TryReadSignerSignature(ref reader, "session_signature", SessionErrors.InvalidCalldata, out var sessionSignature, out error)
            || !SessionAuthorization.TryReadSignerSignature(ref reader, "guardian_signature", SessionErrors.InvalidCalldata, out var guardianSignature, out error))
        {
            return false;
        }

        // Span<Span<felt252>> is deserialized element by element against a felt counter, so a huge count only fails
        // when the data runs out. Every proof takes at least its length felt, so Remaining bounds the real count.
        var countOffset = reader.Offset;
        if (!reader.TryRead("proofs length", out var countFelt, out error))
        {
            return false;
        }
        var claimed = FeltReader.TryGetUInt64(countFelt, out var count) ? count : ulong.MaxValue;
        var proofs = new List<Felt[]>((int)Math.Min(claimed, (ulong)reader.Remaining));
        for (ulong j = 0; j < claimed; j++)
        {
            if (reader.Remaining == 0)
            {
                error = new ParseError(reader.Offset, $"proofs[{j}] length", $"The token claims {countFelt} proofs (at offset {countOffset}) but ends after {j}", SessionErrors.InvalidCalldata);
                return false;
            }
            if (!reader.TrySlice($"proofs[{j}]", SessionErrors.InvalidCalldata, SessionErrors.IndexOutOfBounds, out var proof, out _, out error))
            {
                return false;
            }
            proofs.Add(proof.ToArray());
        }
        if (reader.Remaining != 0)
        {
            error = new ParseError(reader.Offset, "end", $"{reader.Remaining} trailing felt(s) after the last proof", SessionErrors.InvalidCalldata);
            return false;
        }
        token = new SessionToken(
            layout,
            new Session(expiresAt, root, metadataHash, keyGuid),
            cacheField,
            authorization.ToArray(),
            sessionSignature,
            guardianSignature,
            proofs.ToArray());
        return true;
    }
}
