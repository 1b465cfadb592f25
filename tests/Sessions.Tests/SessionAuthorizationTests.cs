using Sessions.Tests.Support;
using Starknet;
using Starknet.Tests.Infrastructure;

namespace Sessions.Tests;

/// <summary>Session authorization, both wire forms (spec §8).</summary>
[Trait("Category", "Vectors")]
public sealed class SessionAuthorizationTests
{
    public static TheoryData<int> Cases() => SessionCases.All();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sign_Case_ReproducesWalletSignaturesAndArray(int index)
    {
        var c = SessionCases.Case(index);
        var inputs = c.GetProperty("inputs");
        var expected = c.GetProperty("authorization");
        var sessionHash = SessionCases.Request(c).SessionHash;
        var format = SessionCases.IsConcise(c) ? SessionAuthorizationFormat.Concise : SessionAuthorizationFormat.Regular;

        var authorization = SessionAuthorization.Sign(sessionHash, inputs.Felt("owner_private_key"), inputs.Felt("guardian_private_key"), format);

        Assert.Equal(SessionCases.Signature(expected.GetProperty("owner_signature")), authorization.OwnerSignature);
        Assert.Equal(SessionCases.Signature(expected.GetProperty("guardian_signature")), authorization.GuardianSignature);
        Assert.Equal(expected.Felts("session_authorization_array"), authorization.ToFelts());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parse_Case_RoundTripsWithSignerGuids(int index)
    {
        var c = SessionCases.Case(index);
        var felts = c.GetProperty("authorization").Felts("session_authorization_array");
        var sr = c.GetProperty("session_request");

        var authorization = SessionAuthorization.Parse(felts);

        Assert.Equal(felts, authorization.ToFelts());
        Assert.Equal(felts.Length, authorization.Length);
        if (SessionCases.IsConcise(c))
        {
            Assert.Equal(SessionAuthorizationFormat.Concise, authorization.Format);
            Assert.Null(authorization.OwnerGuid);
            Assert.Null(authorization.GuardianGuid);
        }
        else
        {
            Assert.Equal(SessionAuthorizationFormat.Regular, authorization.Format);
            Assert.Equal(sr.Felt("owner_guid"), authorization.OwnerGuid);
            Assert.Equal(sr.Felt("guardian_guid"), authorization.GuardianGuid);
            Assert.Equal(c.GetProperty("inputs").Felt("owner_public_key"), authorization.OwnerPublicKey);
        }
        var sessionHash = SessionCases.Request(c).SessionHash;
        var inputs = c.GetProperty("inputs");
        Assert.True(Ecdsa.VerifyOnChain(sessionHash, inputs.Felt("owner_public_key"), authorization.OwnerSignature));
        Assert.True(Ecdsa.VerifyOnChain(sessionHash, inputs.Felt("guardian_public_key"), authorization.GuardianSignature!.Value));
    }
}

/// <summary>Malformed authorizations fail with the contract's error strings.</summary>
public sealed class SessionAuthorizationParseTests
{
    private static readonly Felt s_key = Ecdsa.GetPublicKey(5);

    [Theory]
    [InlineData(new ulong[] { }, SessionErrors.InvalidSignatureFormat, 0)]
    [InlineData(new ulong[] { 3, 0, 9, 1, 1 }, SessionErrors.InvalidSignatureLength, 0)]
    [InlineData(new ulong[] { 0 }, SessionErrors.InvalidSignatureLength, 0)]
    [InlineData(new ulong[] { 2, 0, 9, 1, 1 }, SessionErrors.InvalidSignatureFormat, 5)]
    [InlineData(new ulong[] { 1, 0, 9, 1, 1, 7 }, SessionErrors.InvalidSignatureLength, 5)]
    [InlineData(new ulong[] { 1, 0, 0, 1, 1 }, SessionErrors.InvalidSignatureFormat, 2)]
    [InlineData(new ulong[] { 1, 5, 9, 1, 1 }, SessionErrors.InvalidSignatureFormat, 1)]
    [InlineData(new ulong[] { 1, 1, 9, 1, 1 }, SessionErrors.UnsupportedSignerType, 1)]
    [InlineData(new ulong[] { 1, 0, 9 }, SessionErrors.InvalidSignatureFormat, 3)]
    public void Parse_Malformed_ThrowsWithOffsetAndContractError(ulong[] values, string contractError, int offset)
    {
        var felts = values.Select(v => new Felt(v)).ToArray();

        var e = Assert.Throws<SessionFormatException>(() => SessionAuthorization.Parse(felts));

        Assert.Equal(contractError, e.ContractError);
        Assert.Equal(offset, e.Offset);
        Assert.Contains($"offset {offset}", e.Message, StringComparison.Ordinal);
        Assert.False(SessionAuthorization.TryParse(felts, out _, out var error));
        Assert.Equal(contractError, error.ContractError);
    }

    [Fact]
    public void Parse_OwnerOnlyForms_HaveNoGuardian()
    {
        var regular = SessionAuthorization.Parse([1, 0, s_key, 3, 4]);
        Assert.Equal(SessionAuthorizationFormat.Regular, regular.Format);
        Assert.Null(regular.GuardianSignature);
        Assert.Equal(5, regular.Length);

        var concise = SessionAuthorization.Parse([3, 4]);
        Assert.Equal(SessionAuthorizationFormat.Concise, concise.Format);
        Assert.Null(concise.GuardianSignature);
        Assert.Equal(new Felt[] { 3, 4 }, concise.ToFelts());
    }

    [Fact]
    public void Regular_ZeroKey_Throws() =>
        Assert.Throws<ArgumentException>(() => SessionAuthorization.Regular(new StarknetSignerSignature(Felt.Zero, new(1, 1)), null));
}
