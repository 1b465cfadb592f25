using System.Text.Json;
using Sessions.Tests.Support;
using Starknet;
using Starknet.Tests.Infrastructure;
using Starknet.Transactions;

namespace Sessions.Tests;

/// <summary>The account's on-chain session checks (spec §13.1) against every positive case and negative mutation.</summary>
[Trait("Category", "Vectors")]
public sealed class SessionValidatorTests
{
    public static TheoryData<int> Simulated() => SessionCases.Simulated();

    public static TheoryData<int, int> Mutations() => SessionCases.Mutations();

    public static TheoryData<int> Legacy() => SessionCases.LegacyCacheFlag();

    public static TheoryData<int> CacheVariantCases() => SessionCases.With("account_v050_cache_owner_guid_variant");

    [Theory]
    [MemberData(nameof(Simulated))]
    public void Validate_PositiveCase_Passes(int index)
    {
        var c = SessionCases.Case(index);
        var expected = c.GetProperty("onchain_check_simulation").GetProperty("result");
        Assert.True(expected.GetProperty("ok").GetBoolean());

        var result = Run(c, c.GetProperty("session_token").Felts("signature_array"), FakeAccount.ForCase(c));

        Assert.True(result.IsValid, result.Error);
        Assert.False(result.IsEstimate);
        Assert.Null(result.CacheWrite);
        Assert.Equal(expected.Felt("session_hash"), result.SessionHash);
        Assert.Equal(expected.Felt("message_signed_by_session_key_and_guardian"), result.MessageHash);
    }

    [Theory]
    [MemberData(nameof(Simulated))]
    public void Validate_ExpiryEqualsBlockTimestamp_StillPasses(int index)
    {
        var c = SessionCases.Case(index);
        var account = FakeAccount.ForCase(c);
        account.BlockTimestamp = c.GetProperty("inputs").GetProperty("expires_at").GetUInt64();

        Assert.True(Run(c, c.GetProperty("session_token").Felts("signature_array"), account).IsValid);
    }

    [Theory]
    [MemberData(nameof(Mutations))]
    public void Validate_NegativeMutation_YieldsExpectedError(int index, int mutation)
    {
        var c = SessionCases.Case(index);
        var m = c.GetProperty("negative_mutations")[mutation];
        var account = FakeAccount.ForCase(c);
        var calls = SessionCases.Calls(c);
        var description = m.GetProperty("description").GetString()!;

        if (m.TryGetProperty("block_timestamp", out var timestamp))
        {
            account.BlockTimestamp = JsonFelts.Read(timestamp).ToUInt64();
        }
        if (m.TryGetProperty("calls_override", out var overrides))
        {
            var replaced = overrides.EnumerateArray().Select(o => new Call(o.Felt("to"), o.Felt("selector"), [])).ToArray();
            calls = [.. replaced, .. calls.Skip(replaced.Length)];
        }
        if (description == "session revoked")
        {
            account.Revoked.Add(SessionCases.Request(c).SessionHash);
        }
        else if (description.StartsWith("guardian of the token is not a guardian of the account", StringComparison.Ordinal))
        {
            account.Guardians.Clear();
            account.Guardians.Add(AccountSigner.Starknet(Ecdsa.GetPublicKey(0x6a7d)));
        }
        else if (!m.TryGetProperty("block_timestamp", out _) && !m.TryGetProperty("calls_override", out _))
        {
            // Every other mutation only changes the signature array; an unknown account-side mutation must not pass silently.
            Assert.NotEqual(c.GetProperty("session_token").Felts("signature_array"), m.Felts("signature_array"));
        }

        var result = SessionValidator.Validate(calls, SessionCases.TransactionHash(c), m.Felts("signature_array"), account);

        Assert.Equal(m.GetProperty("expected_onchain_result").GetString(), result.Error);
    }

    [Theory]
    [MemberData(nameof(Legacy))]
    public void Validate_LegacyCacheFlagOnAccount050_IsOwnerKeyMismatch(int index)
    {
        var c = SessionCases.Case(index);
        var result = Run(c, c.GetProperty("session_token").Felts("signature_array"), FakeAccount.ForCase(c));
        Assert.Equal(SessionErrors.OwnerKeyMismatch, result.Error);
    }

    [Theory]
    [MemberData(nameof(CacheVariantCases))]
    public void Validate_CacheOwnerGuidVariant_CachesThenAcceptsEmptyAuthorization(int index)
    {
        var c = SessionCases.Case(index);
        var v = c.GetProperty("account_v050_cache_owner_guid_variant");
        var first = v.Felts("signature_array_first_use_with_authorization");
        var later = v.Felts("signature_array_later_use_empty_authorization");
        var sr = c.GetProperty("session_request");
        var account = FakeAccount.ForCase(c);

        // Nothing cached yet: the empty authorization is parsed as a (too short) regular signature.
        Assert.Equal(SessionErrors.InvalidSignatureFormat, Run(c, later, account).Error);

        var result = Run(c, first, account);
        Assert.True(result.IsValid, result.Error);
        Assert.Equal(v.Felt("message_hash_signed_by_session_key_and_guardian"), result.MessageHash);
        var write = Assert.NotNull(result.CacheWrite);
        Assert.Equal(sr.Felt("owner_guid"), write.OwnerGuid);
        Assert.Equal(sr.Felt("guardian_guid"), write.GuardianGuid);
        Assert.Equal(result.SessionHash, write.SessionHash);
        Assert.Equal((uint)c.GetProperty("authorization").GetProperty("session_authorization_array").GetArrayLength(), write.AuthorizationLength);
        account.Apply(result);

        var cached = Run(c, later, account);
        Assert.True(cached.IsValid, cached.Error);
        Assert.Null(cached.CacheWrite);
        Assert.True(Run(c, first, account).IsValid);

        // The cache stops working when a signer is removed.
        var noOwner = FakeAccount.ForCase(c);
        noOwner.Apply(result);
        noOwner.Owners[0] = AccountSigner.Starknet(Ecdsa.GetPublicKey(0x1234));
        Assert.Equal(SessionErrors.CacheInvalidOwner, Run(c, later, noOwner).Error);
        var noGuardian = FakeAccount.ForCase(c);
        noGuardian.Apply(result);
        noGuardian.Guardians[0] = AccountSigner.Starknet(Ecdsa.GetPublicKey(0x1234));
        Assert.Equal(SessionErrors.CacheInvalidGuardian, Run(c, later, noGuardian).Error);

        // A longer authorization than the cached one is refused.
        var shortCache = FakeAccount.ForCase(c);
        shortCache.Cache[(write.OwnerGuid, write.GuardianGuid, write.SessionHash)] = write.AuthorizationLength - 1;
        Assert.Equal(SessionErrors.CacheInvalidAuthLen, Run(c, first, shortCache).Error);
    }

    [Fact]
    public void Validate_EstimateMode_SkipsSignatureEquationsButNotRangeAsserts()
    {
        var c = SessionCases.Case(0);
        var felts = c.GetProperty("session_token").Felts("signature_array");
        var account = FakeAccount.ForCase(c);
        account.TransactionVersion = TransactionVersion.V3Query;
        felts[18] += 1; // session r
        felts[23] += 1; // guardian s
        felts[10] += 1; // owner r in the authorization

        var estimate = Run(c, felts, account);
        Assert.True(estimate.IsValid, estimate.Error);
        Assert.True(estimate.IsEstimate);

        // A non-zero caller or the real version is not estimate mode.
        account.CallerAddress = 1;
        Assert.Equal(SessionErrors.InvalidOwnerSignature, Run(c, felts, account).Error);
        account.CallerAddress = 0;
        account.TransactionVersion = TransactionVersion.V3;
        Assert.Equal(SessionErrors.InvalidOwnerSignature, Run(c, felts, account).Error);

        account.TransactionVersion = TransactionVersion.V3Query;
        var n = Felt.FromBigInteger(Ecdsa.CurveOrder);
        var bad = (Felt[])felts.Clone();
        bad[18] = n;
        Assert.Equal(SessionErrors.InvalidRValue, Run(c, bad, account).Error);
        bad = (Felt[])felts.Clone();
        bad[19] = n + 5;
        Assert.Equal(SessionErrors.InvalidSValue, Run(c, bad, account).Error);
        bad = (Felt[])felts.Clone();
        bad[11] = n; // owner s
        Assert.Equal(SessionErrors.InvalidSValue, Run(c, bad, account).Error);
        // Identity checks still apply.
        bad = (Felt[])felts.Clone();
        bad[17] = Ecdsa.GetPublicKey(99);
        Assert.Equal(SessionErrors.SessionKeyMismatch, Run(c, bad, account).Error);
    }

    [Fact]
    public void Validate_RangeAssert_ComesBeforeTheSignatureResult()
    {
        var c = SessionCases.Case(0);
        var felts = c.GetProperty("session_token").Felts("signature_array");
        felts[22] = Felt.FromBigInteger(Ecdsa.CurveOrder); // guardian r = n
        Assert.Equal(SessionErrors.InvalidRValue, Run(c, felts, FakeAccount.ForCase(c)).Error);
    }

    [Fact]
    public void Validate_CallToTheAccount_IsRejectedFirst()
    {
        var c = SessionCases.Case(0);
        var account = FakeAccount.ForCase(c);
        var calls = new[] { SessionRevocation.RevokeSessionCall(account.Address, 1) };

        var result = SessionValidator.Validate(calls, SessionCases.TransactionHash(c), [1, 2, 3], account);

        Assert.Equal(SessionErrors.NoMulticallToSelf, result.Error);
    }

    [Fact]
    public void Validate_NotASessionToken_IsInvalidMagic()
    {
        var c = SessionCases.Case(0);
        var account = FakeAccount.ForCase(c);
        Assert.Equal(SessionErrors.InvalidMagicValue, Run(c, [], account).Error);
        Assert.Equal(SessionErrors.InvalidMagicValue, Run(c, [1, 2, 3], account).Error);
        Assert.Equal(SessionErrors.InvalidCalldata, Run(c, [SessionConstants.SessionMagic], account).Error);
    }

    [Fact]
    public void Validate_ProofCountDiffersFromCalls_IsUnaligned()
    {
        var c = SessionCases.Case(0);
        var token = SessionTokenTests.Token(c);
        var noProofs = new SessionToken(SessionTokenLayout.CacheOwnerGuid, token.Session, token.CacheField, token.Authorization, token.SessionSignature, token.GuardianSignature, []);

        Assert.Equal(SessionErrors.UnalignedProofs, Run(c, noProofs.ToFelts(), FakeAccount.ForCase(c)).Error);
    }

    [Fact]
    public void Validate_OwnerOnlyAuthorization_IsMissingGuardianOrUnwrapFailure()
    {
        var c = SessionCases.Case(0);
        var inputs = c.GetProperty("inputs");
        var request = SessionCases.Request(c);
        var token = SessionTokenTests.Token(c);
        var ownerOnly = SessionAuthorization.Regular(StarknetSignerSignature.Sign(inputs.Felt("owner_private_key"), request.SessionHash), null);
        var felts = new SessionToken(SessionTokenLayout.CacheOwnerGuid, token.Session, 0, ownerOnly.ToFelts(), token.SessionSignature, token.GuardianSignature, token.Proofs).ToFelts();

        var account = FakeAccount.ForCase(c);
        Assert.Equal(SessionErrors.MissingGuardianSignature, Run(c, felts, account).Error);
        account.Guardians.Clear();
        Assert.Equal(SessionErrors.OptionUnwrapFailed, Run(c, felts, account).Error);
    }

    [Fact]
    public void Validate_TokenGuardianIsAnotherGuardian_IsGuardianKeyMismatch()
    {
        var c = SessionCases.Case(0);
        var request = SessionCases.Request(c);
        var token = SessionTokenTests.Token(c);
        var otherGuardianKey = Felt.Parse("0x1b2c3d");
        var m = token.MessageHash(SessionCases.TransactionHash(c), request.SessionHash);
        var other = StarknetSignerSignature.Sign(otherGuardianKey, m);
        var felts = new SessionToken(SessionTokenLayout.CacheOwnerGuid, token.Session, 0, token.Authorization, token.SessionSignature, other, token.Proofs).ToFelts();
        var account = FakeAccount.ForCase(c);
        account.Guardians.Add(AccountSigner.Starknet(other.PublicKey));

        Assert.Equal(SessionErrors.GuardianKeyMismatch, Run(c, felts, account).Error);
    }

    [Theory]
    [MemberData(nameof(Simulated))]
    public void Validate_ConciseAuthorization_NeedsSingleStarknetSigners(int index)
    {
        var c = SessionCases.Case(index);
        if (!SessionCases.IsConcise(c))
        {
            return;
        }
        var felts = c.GetProperty("session_token").Felts("signature_array");

        var twoOwners = FakeAccount.ForCase(c);
        twoOwners.Owners.Add(AccountSigner.Starknet(Ecdsa.GetPublicKey(3)));
        Assert.Equal(SessionErrors.NoSingleStarkOwner, Run(c, felts, twoOwners).Error);

        var webauthnOwner = FakeAccount.ForCase(c);
        webauthnOwner.Owners[0] = new AccountSigner(SignerType.Webauthn, 12345);
        Assert.Equal(SessionErrors.NoSingleStarkOwner, Run(c, felts, webauthnOwner).Error);

        var twoGuardians = FakeAccount.ForCase(c);
        twoGuardians.Guardians.Add(AccountSigner.Starknet(Ecdsa.GetPublicKey(3)));
        Assert.Equal(SessionErrors.NoSingleGuardian, Run(c, felts, twoGuardians).Error);

        var ethGuardian = FakeAccount.ForCase(c);
        ethGuardian.Guardians[0] = new AccountSigner(SignerType.Secp256k1, 0xabcdef);
        Assert.Equal(SessionErrors.NotStarknetGuardian, Run(c, felts, ethGuardian).Error);
    }

    [Theory]
    [MemberData(nameof(Simulated))]
    public void Validate_ExtraOwnersAndGuardians_RegularFormStillPasses(int index)
    {
        var c = SessionCases.Case(index);
        if (SessionCases.IsConcise(c))
        {
            return;
        }
        var account = FakeAccount.ForCase(c);
        account.Owners.Insert(0, new AccountSigner(SignerType.Webauthn, 777));
        account.Guardians.Insert(0, AccountSigner.Starknet(Ecdsa.GetPublicKey(3)));

        Assert.True(Run(c, c.GetProperty("session_token").Felts("signature_array"), account).IsValid);
    }

    [Fact]
    public void CheckExecuteExpiry_ExactTimestamp_AllowsEqualityOnly()
    {
        var c = SessionCases.Case(0);
        var felts = c.GetProperty("session_token").Felts("signature_array");
        var expiresAt = c.GetProperty("inputs").GetProperty("expires_at").GetUInt64();

        Assert.Null(SessionValidator.CheckExecuteExpiry(felts, expiresAt));
        Assert.Equal(SessionErrors.Expired, SessionValidator.CheckExecuteExpiry(felts, expiresAt + 1));
        Assert.Null(SessionValidator.CheckExecuteExpiry([1, 2], ulong.MaxValue));
        Assert.Throws<ArgumentException>(() => SessionValidator.CheckExecuteExpiry([SessionConstants.SessionMagic], 0));
    }

    internal static SessionValidationResult Run(JsonElement c, Felt[] signature, FakeAccount account) =>
        SessionValidator.Validate(SessionCases.Calls(c), SessionCases.TransactionHash(c), signature, account);
}
