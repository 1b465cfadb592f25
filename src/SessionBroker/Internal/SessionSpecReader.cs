using Broker.Contracts.Session.V1;
using Broker.Hosting.Grpc;
using Sessions;
using Starknet;

namespace SessionBroker.Internal;

/// <summary>A session spec that passed every check, with everything derived from it.</summary>
internal sealed record ValidatedSession(SessionRequest Request, string DappId);

/// <summary>
/// Checks a <see cref="SessionSpec"/> field by field and reports every bad field at once (INVALID_ARGUMENT with a
/// google.rpc.BadRequest), so a dapp fixes its request in one round.
/// </summary>
internal static class SessionSpecReader
{
    // Entry-point names are Cairo identifiers; a generous bound still stops megabyte "names".
    private const int MaxEntryPointLength = 256;

    public static ValidatedSession Read(SessionSpec? spec, string prefix, DateTimeOffset now, TimeSpan maxLifetime)
    {
        if (spec is null)
        {
            throw BrokerRpcException.InvalidArgument(prefix, "required");
        }
        var violations = new List<FieldViolation>();
        var chainId = NonZeroFelt(spec.ChainId, $"{prefix}.chain_id", violations);
        var account = NonZeroFelt(spec.AccountAddress, $"{prefix}.account_address", violations);
        var sessionKey = NonZeroFelt(spec.SessionPublicKey, $"{prefix}.session_public_key", violations);
        if (!sessionKey.IsZero && !IsCurveX(sessionKey))
        {
            violations.Add(new($"{prefix}.session_public_key", "not the x-coordinate of a STARK curve point, so no key can sign for it"));
        }

        var nowSeconds = now.ToUnixTimeSeconds();
        var latest = nowSeconds + (long)maxLifetime.TotalSeconds;
        if (spec.ExpiresAt <= (ulong)Math.Max(0, nowSeconds))
        {
            violations.Add(new($"{prefix}.expires_at", $"must be in the future (Unix seconds); now is {nowSeconds}"));
        }
        else if (spec.ExpiresAt > (ulong)latest)
        {
            violations.Add(new($"{prefix}.expires_at", $"at most {maxLifetime.TotalSeconds:0} seconds from now allowed (until {latest})"));
        }

        var methods = ReadMethods(spec, prefix, violations);

        var metadataField = $"{prefix}.metadata";
        if (spec.Metadata.Length > RequestLimits.MaxMetadataLength)
        {
            violations.Add(new(metadataField, $"at most {RequestLimits.MaxMetadataLength} characters allowed, got {spec.Metadata.Length}"));
        }
        else if (IndexOfNonPrintableAscii(spec.Metadata) is var bad and >= 0)
        {
            violations.Add(new(metadataField, $"must be printable ASCII (spec §2.2); character {bad} is U+{(int)spec.Metadata[bad]:X4}"));
        }

        var dappField = $"{prefix}.dapp_id";
        if (spec.DappId.Length > RequestLimits.MaxIdLength)
        {
            violations.Add(new(dappField, $"at most {RequestLimits.MaxIdLength} characters allowed, got {spec.DappId.Length}"));
        }
        else if (IndexOfNonPrintableAscii(spec.DappId) >= 0)
        {
            violations.Add(new(dappField, "must be printable ASCII"));
        }

        if (violations.Count > 0)
        {
            throw BrokerRpcException.InvalidArgument(violations);
        }
        var request = new SessionRequest(chainId, account, sessionKey, spec.ExpiresAt, methods, spec.Metadata);
        // Without a dapp id the metadata's projectID names the dapp, as the guardian's policy does.
        var dappId = spec.DappId.Length > 0 ? spec.DappId
            : request.TryGetTypedMetadata(out var metadata) && metadata.ProjectId.Length <= RequestLimits.MaxIdLength ? metadata.ProjectId
            : "";
        return new ValidatedSession(request, dappId);
    }

    /// <summary>True when <paramref name="x"/> is the x-coordinate of a curve point (any key or r must be).</summary>
    // The on-chain check runs its tests in order, so with r = s = 1 (in range, s non-zero) the first failure it can
    // report is the key's.
    public static bool IsCurveX(Felt x) =>
        Ecdsa.CheckOnChain(Felt.Zero, x, Felt.One, Felt.One) != OnChainSignatureStatus.PublicKeyNotOnCurve;

    private static List<AllowedMethod> ReadMethods(SessionSpec spec, string prefix, List<FieldViolation> violations)
    {
        var field = $"{prefix}.allowed_methods";
        var methods = new List<AllowedMethod>();
        if (spec.AllowedMethods.Count == 0)
        {
            violations.Add(new(field, "at least one allowed method required"));
            return methods;
        }
        if (spec.AllowedMethods.Count > RequestLimits.MaxAllowedMethods)
        {
            violations.Add(new(field, $"at most {RequestLimits.MaxAllowedMethods} items allowed, got {spec.AllowedMethods.Count}"));
            return methods;
        }
        var seen = new Dictionary<Felt, int>();
        for (var i = 0; i < spec.AllowedMethods.Count; i++)
        {
            var method = spec.AllowedMethods[i];
            var address = NonZeroFelt(method.ContractAddress, $"{field}[{i}].contract_address", violations);
            var entryField = $"{field}[{i}].entry_point";
            if (method.EntryPoint.Length > MaxEntryPointLength)
            {
                violations.Add(new(entryField, $"at most {MaxEntryPointLength} characters allowed, got {method.EntryPoint.Length}"));
                continue;
            }
            AllowedMethod allowed;
            try
            {
                allowed = new AllowedMethod(address, method.EntryPoint);
            }
            catch (ArgumentException e)
            {
                violations.Add(new(entryField, e.Message.Split(" (Parameter", 2)[0]));
                continue;
            }
            // Equal leaves make the proof ambiguous (spec §6), and a duplicate adds nothing.
            if (seen.TryGetValue(allowed.Leaf, out var first))
            {
                violations.Add(new($"{field}[{i}]", $"duplicates {field}[{first}]"));
                continue;
            }
            seen[allowed.Leaf] = i;
            methods.Add(allowed);
        }
        return methods;
    }

    public static Felt NonZeroFelt(string value, string field, List<FieldViolation> violations)
    {
        try
        {
            var felt = RequestFields.Felt(value, field);
            if (felt.IsZero)
            {
                violations.Add(new(field, "must not be 0x0"));
            }
            return felt;
        }
        catch (BrokerRpcException e)
        {
            violations.AddRange(e.FieldViolations);
            return Felt.Zero;
        }
    }

    private static int IndexOfNonPrintableAscii(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is < ' ' or > '~')
            {
                return i;
            }
        }
        return -1;
    }
}
