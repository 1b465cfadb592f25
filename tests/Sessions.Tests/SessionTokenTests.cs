using System.Text.Json;
using Sessions.Tests.Support;
using Starknet;
using Starknet.Tests.Infrastructure;

namespace Sessions.Tests;

/// <summary>Per-transaction message m and the session token (spec §9, §10).</summary>
[Trait("Category", "Vectors")]
public sealed class SessionTokenTests
{
    public static TheoryData<int> Cases() => SessionCases.All();

    public static TheoryData<int> CacheVariantCases() => SessionCases.With("account_v050_cache_owner_guid_variant");

    [Theory]
    [MemberData(nameof(Cases))]
    public void TransactionHashAndMessage_Case_MatchVector(int index)
    {
        var c = SessionCases.Case(index);
        var t = c.GetProperty("transaction");
        var st = c.GetProperty("session_token");
        var calls = SessionCases.Calls(c);
        Assert.Equal(t.Felts("execute_calldata"), Starknet.Transactions.ExecuteCalldata.Encode(calls));

        var tx = new Starknet.Transactions.InvokeTransactionV3
        {
            SenderAddress = t.Felt("sender_address"),
            Calldata = Starknet.Transactions.ExecuteCalldata.Encode(calls),
            ChainId = t.Felt("chain_id"),
            Nonce = t.Felt("nonce"),
            Version = t.Felt("version"),
            ResourceBounds = JsonFelts.Bounds(t.GetProperty("resource_bounds")),
            Tip = t.Felt("tip").ToUInt64(),
            PaymasterData = t.Felts("paymaster_data"),
            AccountDeploymentData = t.Felts("account_deployment_data"),
            NonceDataAvailabilityMode = JsonFelts.Mode(t.GetProperty("nonce_data_availability_mode")),
            FeeDataAvailabilityMode = JsonFelts.Mode(t.GetProperty("fee_data_availability_mode")),
        };
        Assert.Equal(t.Felt("transaction_hash"), tx.ComputeHash());

        var request = SessionCases.Request(c);
        var m = SessionMessage.Hash(tx.ComputeHash(), request.SessionHash, st.Felt("cache_field_value"));
        Assert.Equal(st.Felt("message_hash_signed_by_session_key_and_guardian"), m);
        Assert.Equal(m, Token(c).MessageHash(tx.ComputeHash(), request.SessionHash));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Signatures_Case_AreReproducedAndValidOnChain(int index)
    {
        var c = SessionCases.Case(index);
        var inputs = c.GetProperty("inputs");
        var st = c.GetProperty("session_token");
        var m = st.Felt("message_hash_signed_by_session_key_and_guardian");

        var session = StarknetSignerSignature.Sign(inputs.Felt("session_private_key"), m);
        var guardian = StarknetSignerSignature.Sign(inputs.Felt("guardian_private_key"), m);

        Assert.Equal(SessionCases.Signature(st.GetProperty("session_key_signature")), session.Signature);
        Assert.Equal(SessionCases.Signature(st.GetProperty("guardian_signature")), guardian.Signature);
        Assert.Equal(st.GetProperty("guardian_signature").Felt("signer_public_key"), guardian.PublicKey);
        Assert.True(Ecdsa.VerifyOnChain(m, session.PublicKey, session.Signature));
        Assert.True(Ecdsa.VerifyOnChain(m, guardian.PublicKey, guardian.Signature));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Build_Case_MatchesSignatureArray(int index)
    {
        var c = SessionCases.Case(index);
        var st = c.GetProperty("session_token");
        var token = Token(c);

        var felts = token.ToFelts();

        Assert.Equal(st.Felts("signature_array"), felts);
        Assert.Equal(Hex(st.GetProperty("signature_array")), felts.Select(f => f.ToString()));
        // x-sessions returns element 0 as hex and the rest as decimal strings.
        var library = st.GetProperty("signature_array_as_returned_by_library").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(library, felts.Select((f, i) => i == 0 ? f.ToString() : f.ToDecimalString()));
        Assert.Equal(felts.Length, token.Length);
        Assert.Equal(Hex(c.GetProperty("relayer_rpc").GetProperty("starknet_addInvokeTransaction_request").GetProperty("params").GetProperty("invoke_transaction").GetProperty("signature")), felts.Select(f => f.ToString()));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parse_Case_RoundTripsAndFollowsTheLayout(int index)
    {
        var c = SessionCases.Case(index);
        var st = c.GetProperty("session_token");
        var felts = st.Felts("signature_array");
        var layout = c.GetProperty("inputs").GetProperty("cache_authorisation_flag").GetBoolean() ? SessionTokenLayout.CacheFlag : SessionTokenLayout.CacheOwnerGuid;

        var token = SessionToken.Parse(felts, layout);

        Assert.Equal(felts, token.ToFelts());
        Assert.Equal(felts, SessionToken.Parse(token.ToFelts(), layout).ToFelts());
        Assert.Equal(SessionCases.Request(c).Session, token.Session);
        Assert.Equal(st.Felt("cache_field_value"), token.CacheField);
        Assert.Equal(c.GetProperty("authorization").Felts("session_authorization_array"), token.Authorization);
        Assert.Equal(st.GetProperty("proofs").EnumerateArray().Select(SessionCases.Felts).ToArray(), token.Proofs.Select(p => p.ToArray()).ToArray());

        foreach (var entry in st.GetProperty("signature_layout").EnumerateArray())
        {
            var offset = entry.GetProperty("offset").GetInt32();
            var field = entry.GetProperty("field").GetString()!;
            var expected = LayoutValue(token, field);
            if (expected is { } value)
            {
                Assert.True(value == felts[offset], $"{field} at offset {offset}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(CacheVariantCases))]
    public void CacheOwnerGuidVariant_Case_BuildsBothTokens(int index)
    {
        var c = SessionCases.Case(index);
        var v = c.GetProperty("account_v050_cache_owner_guid_variant");
        var inputs = c.GetProperty("inputs");
        var request = SessionCases.Request(c);
        var ownerGuid = v.Felt("cache_owner_guid");
        Assert.Equal(c.GetProperty("session_request").Felt("owner_guid"), ownerGuid);

        var m = SessionMessage.Hash(SessionCases.TransactionHash(c), request.SessionHash, ownerGuid);
        Assert.Equal(v.Felt("message_hash_signed_by_session_key_and_guardian"), m);
        var session = StarknetSignerSignature.Sign(inputs.Felt("session_private_key"), m);
        var guardian = StarknetSignerSignature.Sign(inputs.Felt("guardian_private_key"), m);
        Assert.Equal(SessionCases.Signature(v.GetProperty("session_key_signature")), session.Signature);
        Assert.Equal(SessionCases.Signature(v.GetProperty("guardian_signature")), guardian.Signature);

        var proofs = request.AllowedMethodsTree.GetProofs(SessionCases.Calls(c));
        var authorization = c.GetProperty("authorization").Felts("session_authorization_array");
        var first = SessionToken.WithCacheOwnerGuid(request.Session, ownerGuid, authorization, session, guardian, proofs);
        var later = SessionToken.WithCacheOwnerGuid(request.Session, ownerGuid, [], session, guardian, proofs);

        Assert.Equal(v.Felts("signature_array_first_use_with_authorization"), first.ToFelts());
        Assert.Equal(v.Felts("signature_array_later_use_empty_authorization"), later.ToFelts());
        Assert.Equal(m, first.MessageHash(SessionCases.TransactionHash(c), request.SessionHash));
        var parsed = SessionToken.Parse(later.ToFelts());
        Assert.Empty(parsed.Authorization);
        Assert.Null(parsed.ParseAuthorization());
        Assert.Equal(later.ToFelts(), parsed.ToFelts());
    }

    /// <summary>The token of a case, built from its parts the way a dapp does.</summary>
    internal static SessionToken Token(JsonElement c)
    {
        var inputs = c.GetProperty("inputs");
        var st = c.GetProperty("session_token");
        var request = SessionCases.Request(c);
        var session = new StarknetSignerSignature(inputs.Felt("session_public_key"), SessionCases.Signature(st.GetProperty("session_key_signature")));
        var guardian = new StarknetSignerSignature(st.GetProperty("guardian_signature").Felt("signer_public_key"), SessionCases.Signature(st.GetProperty("guardian_signature")));
        return SessionToken.WithCacheFlag(
            request.Session,
            inputs.GetProperty("cache_authorisation_flag").GetBoolean(),
            c.GetProperty("authorization").Felts("session_authorization_array"),
            session,
            guardian,
            request.AllowedMethodsTree.GetProofs(SessionCases.Calls(c)));
    }

    private static IEnumerable<string> Hex(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!);

    private static Felt? LayoutValue(SessionToken token, string field) => field switch
    {
        _ when field.StartsWith("magic", StringComparison.Ordinal) => SessionConstants.SessionMagic,
        _ when field.StartsWith("session.expires_at", StringComparison.Ordinal) => token.Session.ExpiresAt,
        "session.allowed_methods_root" => token.Session.AllowedMethodsRoot,
        "session.metadata_hash" => token.Session.MetadataHash,
        "session.session_key_guid" => token.Session.SessionKeyGuid,
        _ when field.StartsWith("cache_", StringComparison.Ordinal) => token.CacheField,
        "session_authorization length" => (ulong)token.Authorization.Count,
        _ when field.StartsWith("session_signature.variant", StringComparison.Ordinal) => Felt.Zero,
        "session_signature.pubkey" => token.SessionSignature.PublicKey,
        "session_signature.r" => token.SessionSignature.Signature.R,
        "session_signature.s" => token.SessionSignature.Signature.S,
        _ when field.StartsWith("guardian_signature.variant", StringComparison.Ordinal) => Felt.Zero,
        "guardian_signature.pubkey" => token.GuardianSignature.PublicKey,
        "guardian_signature.r" => token.GuardianSignature.Signature.R,
        "guardian_signature.s" => token.GuardianSignature.Signature.S,
        _ when field.StartsWith("proofs length", StringComparison.Ordinal) => (ulong)token.Proofs.Count,
        _ when field.StartsWith("proofs[", StringComparison.Ordinal) && field.EndsWith("] length", StringComparison.Ordinal) =>
            (ulong)token.Proofs[int.Parse(field.AsSpan(7, field.IndexOf(']', StringComparison.Ordinal) - 7), System.Globalization.CultureInfo.InvariantCulture)].Count,
        _ => null,
    };
}
