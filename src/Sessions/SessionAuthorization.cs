using System.Diagnostics.CodeAnalysis;
using Sessions.Internal;
using Starknet;

namespace Sessions;

/// <summary>The two wire forms of a session authorization (spec §8).</summary>
public enum SessionAuthorizationFormat
{
    /// <summary><c>[count, SignerSignature_owner, SignerSignature_guardian]</c>, e.g.
    /// <c>[2, 0, owner_pub, r, s, 0, guardian_pub, r', s']</c>; carries the public keys.</summary>
    Regular = 0,

    /// <summary><c>[owner_r, owner_s, guardian_r, guardian_s]</c> (2 or 4 felts); the account supplies the keys, so it
    /// needs exactly one Starknet owner and one Starknet guardian.</summary>
    Concise = 1,
}

/// <summary>
/// A session authorization: the owner's and a guardian's signatures over the session hash (spec §8). Sessions need
/// the guardian signature; the owner-only forms are parsed because the contract parses them (and then fails).
/// </summary>
public sealed class SessionAuthorization
{
    private SessionAuthorization(SessionAuthorizationFormat format, Felt? ownerPublicKey, StarkSignature ownerSignature, Felt? guardianPublicKey, StarkSignature? guardianSignature)
    {
        Format = format;
        OwnerPublicKey = ownerPublicKey;
        OwnerSignature = ownerSignature;
        GuardianPublicKey = guardianPublicKey;
        GuardianSignature = guardianSignature;
    }

    /// <summary>The wire form.</summary>
    public SessionAuthorizationFormat Format { get; }

    /// <summary>The owner's stark key; null for the concise form (the account supplies it).</summary>
    public Felt? OwnerPublicKey { get; }

    /// <summary>The owner's signature over the session hash.</summary>
    public StarkSignature OwnerSignature { get; }

    /// <summary>The guardian's stark key; null for the concise form or when there is no guardian signature.</summary>
    public Felt? GuardianPublicKey { get; }

    /// <summary>The guardian's signature over the session hash, or null (owner-only forms).</summary>
    public StarkSignature? GuardianSignature { get; }

    /// <summary>The owner's signer GUID, when the key is known (regular form).</summary>
    public Felt? OwnerGuid => OwnerPublicKey is { } key ? SignerGuid.Starknet(key) : null;

    /// <summary>The guardian's signer GUID, when the key is known (regular form with a guardian).</summary>
    public Felt? GuardianGuid => GuardianPublicKey is { } key ? SignerGuid.Starknet(key) : null;

    /// <summary>The number of felts of <see cref="ToFelts"/>: 9 or 5 (regular), 4 or 2 (concise).</summary>
    public int Length => Format == SessionAuthorizationFormat.Regular
        ? 1 + (GuardianSignature is null ? 4 : 8)
        : GuardianSignature is null ? 2 : 4;

    /// <summary>The regular form <c>[2, 0, owner_pub, r, s, 0, guardian_pub, r', s']</c> (or <c>[1, …owner]</c>).</summary>
    /// <param name="owner">The owner's key and signature over the session hash.</param>
    /// <param name="guardian">The guardian's key and signature, or null for an owner-only authorization.</param>
    /// <exception cref="ArgumentException">A public key is zero (the contract's <c>NonZero</c> would reject it).</exception>
    public static SessionAuthorization Regular(StarknetSignerSignature owner, StarknetSignerSignature? guardian)
    {
        if (owner.PublicKey.IsZero || guardian is { PublicKey.IsZero: true })
        {
            throw new ArgumentException("Signer public keys must be non-zero.");
        }
        return new(SessionAuthorizationFormat.Regular, owner.PublicKey, owner.Signature, guardian?.PublicKey, guardian?.Signature);
    }

    /// <summary>The concise form <c>[owner_r, owner_s, guardian_r, guardian_s]</c> (or <c>[owner_r, owner_s]</c>).</summary>
    /// <param name="owner">The owner's signature over the session hash.</param>
    /// <param name="guardian">The guardian's signature, or null for an owner-only authorization.</param>
    public static SessionAuthorization Concise(StarkSignature owner, StarkSignature? guardian) =>
        new(SessionAuthorizationFormat.Concise, null, owner, null, guardian);

    /// <summary>Signs <paramref name="sessionHash"/> with the owner and guardian keys (what the wallet and Argent's
    /// guardian do) and returns the authorization in the given form.</summary>
    /// <param name="sessionHash">The session hash (spec §5).</param>
    /// <param name="ownerPrivateKey">The owner's private key.</param>
    /// <param name="guardianPrivateKey">The guardian's private key.</param>
    /// <param name="format">The wire form.</param>
    /// <exception cref="ArgumentOutOfRangeException">A key is outside [1, n) or the hash is not below 2^251.</exception>
    public static SessionAuthorization Sign(Felt sessionHash, Felt ownerPrivateKey, Felt guardianPrivateKey, SessionAuthorizationFormat format)
    {
        var owner = StarknetSignerSignature.Sign(ownerPrivateKey, sessionHash);
        var guardian = StarknetSignerSignature.Sign(guardianPrivateKey, sessionHash);
        return format == SessionAuthorizationFormat.Concise
            ? Concise(owner.Signature, guardian.Signature)
            : Regular(owner, guardian);
    }

    /// <summary>The wire form, as it goes into the token at offset 7 and into the cosigner request.</summary>
    public Felt[] ToFelts()
    {
        var felts = new Felt[Length];
        if (Format == SessionAuthorizationFormat.Concise)
        {
            felts[0] = OwnerSignature.R;
            felts[1] = OwnerSignature.S;
            if (GuardianSignature is { } g)
            {
                felts[2] = g.R;
                felts[3] = g.S;
            }
            return felts;
        }
        felts[0] = GuardianSignature is null ? 1UL : 2UL;
        new StarknetSignerSignature(OwnerPublicKey!.Value, OwnerSignature).WriteTo(felts.AsSpan(1));
        if (GuardianSignature is { } guardian)
        {
            new StarknetSignerSignature(GuardianPublicKey!.Value, guardian).WriteTo(felts.AsSpan(5));
        }
        return felts;
    }

    /// <summary>
    /// Parses an authorization as the account's <c>parse_account_signature</c> does: exactly 2 or 4 felts are the
    /// concise form, anything else the regular form (count 1 or 2, Starknet signer signatures, no trailing felts).
    /// </summary>
    /// <param name="felts">The authorization felts.</param>
    /// <exception cref="SessionFormatException">The felts are not an authorization; <see cref="SessionFormatException.ContractError"/>
    /// is <c>argent/invalid-signature-format</c> or <c>argent/invalid-signature-length</c>.</exception>
    public static SessionAuthorization Parse(ReadOnlySpan<Felt> felts) =>
        TryParseCore(felts, 0, out var authorization, out var error) ? authorization : throw error.ToException();

    /// <summary>Like <see cref="Parse"/>, but returns false and the error instead of throwing.</summary>
    /// <param name="felts">The authorization felts.</param>
    /// <param name="authorization">The parsed authorization, or null.</param>
    /// <param name="error">Why parsing failed, or null.</param>
    public static bool TryParse(ReadOnlySpan<Felt> felts, [NotNullWhen(true)] out SessionAuthorization? authorization, [NotNullWhen(false)] out SessionFormatException? error)
    {
        if (TryParseCore(felts, 0, out authorization, out var parseError))
        {
            error = null;
            return true;
        }
        error = parseError.ToException();
        return false;
    }

    internal static bool TryParseCore(ReadOnlySpan<Felt> felts, int baseOffset, [NotNullWhen(true)] out SessionAuthorization? authorization, [NotNullWhen(false)] out ParseError? error)
    {
        authorization = null;
        if (felts.Length is 2 or 4)
        {
            authorization = Concise(new StarkSignature(felts[0], felts[1]), felts.Length == 4 ? new StarkSignature(felts[2], felts[3]) : null);
            error = null;
            return true;
        }
        var reader = new FeltReader(felts, baseOffset, SessionErrors.InvalidSignatureFormat);
        if (!reader.TryRead("signature count", out var count, out error))
        {
            return false;
        }
        if (count != 1UL && count != 2UL)
        {
            error = new ParseError(baseOffset, "signature count", $"The signature count is {count}, not 1 or 2", SessionErrors.InvalidSignatureLength);
            return false;
        }
        if (!TryReadSignerSignature(ref reader, "owner_signature", SessionErrors.InvalidSignatureFormat, out var owner, out error))
        {
            return false;
        }
        StarknetSignerSignature? guardian = null;
        if (count == 2UL)
        {
            if (!TryReadSignerSignature(ref reader, "guardian_signature", SessionErrors.InvalidSignatureFormat, out var g, out error))
            {
                return false;
            }
            guardian = g;
        }
        if (reader.Remaining != 0)
        {
            error = new ParseError(reader.Offset, "end", $"{reader.Remaining} felt(s) follow the last signer signature", SessionErrors.InvalidSignatureLength);
            return false;
        }
        authorization = Regular(owner, guardian);
        return true;
    }

    /// <summary>
    /// A <c>SignerSignature</c> enum value: variant 0 (Starknet) is <c>[0, pubkey ≠ 0, r, s]</c>; variants 1–4 are other
    /// signer types (not modeled); larger variants do not deserialize.
    /// </summary>
    internal static bool TryReadSignerSignature(ref FeltReader reader, string field, string formatError, out StarknetSignerSignature signature, [NotNullWhen(false)] out ParseError? error)
    {
        signature = default;
        var variantOffset = reader.Offset;
        if (!reader.TryRead($"{field}.variant", out var variant, out error))
        {
            return false;
        }
        if (variant != (ulong)StarknetSignerSignature.StarknetVariant)
        {
            error = variant <= 4UL
                ? new ParseError(variantOffset, $"{field}.variant", $"{field} is signer variant {variant} (Secp256k1, Secp256r1, Eip191 or Webauthn); only Starknet signers (0) are supported", SessionErrors.UnsupportedSignerType)
                : new ParseError(variantOffset, $"{field}.variant", $"{field} has signer variant {variant}, which does not exist (0–4)", formatError);
            return false;
        }
        var keyOffset = reader.Offset;
        if (!reader.TryRead($"{field}.pubkey", out var publicKey, out error))
        {
            return false;
        }
        if (publicKey.IsZero)
        {
            error = new ParseError(keyOffset, $"{field}.pubkey", $"{field}.pubkey is 0, but a Starknet signer key is NonZero", formatError);
            return false;
        }
        if (!reader.TryRead($"{field}.r", out var r, out error) || !reader.TryRead($"{field}.s", out var s, out error))
        {
            return false;
        }
        signature = new StarknetSignerSignature(publicKey, new StarkSignature(r, s));
        return true;
    }
}
