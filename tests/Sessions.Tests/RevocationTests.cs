using Sessions.Tests.Support;
using Starknet;
using Starknet.Tests.Infrastructure;

namespace Sessions.Tests;

/// <summary>Revocation call, view calldata and the SessionRevoked event (spec §13.6).</summary>
[Trait("Category", "Vectors")]
public sealed class RevocationTests
{
    [Fact]
    public void Selectors_SessionsJson_MatchConstants()
    {
        var k = SessionCases.Constants;
        Assert.Equal(k.Felt("revoke_session_selector"), SessionRevocation.RevokeSessionSelector);
        Assert.Equal(k.Felt("is_session_revoked_selector"), SessionRevocation.IsSessionRevokedSelector);
        Assert.Equal(k.Felt("is_session_authorization_cached_selector"), SessionRevocation.IsSessionAuthorizationCachedSelector);
        Assert.Equal(k.Felt("execute_from_outside_v2_selector"), Starknet.Transactions.OutsideExecution.ExecuteFromOutsideV2Selector);
        Assert.Equal(k.Felt("ANY_CALLER"), Starknet.Transactions.OutsideExecution.AnyCaller);
    }

    [Fact]
    public void Calls_SessionHash_AreBuiltForTheAccount()
    {
        var c = SessionCases.Case(0);
        var request = SessionCases.Request(c);
        var sr = c.GetProperty("session_request");

        var revoke = SessionRevocation.RevokeSessionCall(request.AccountAddress, request.SessionHash);
        Assert.Equal(request.AccountAddress, revoke.To);
        Assert.Equal(SessionRevocation.RevokeSessionSelector, revoke.Selector);
        Assert.Equal(new[] { request.SessionHash }, revoke.Calldata);

        Assert.Equal(new[] { request.SessionHash }, SessionRevocation.IsSessionRevokedCalldata(request.SessionHash));
        Assert.Equal(new[] { request.SessionHash, sr.Felt("owner_guid"), sr.Felt("guardian_guid") },
            SessionRevocation.IsSessionAuthorizationCachedCalldata(request.SessionHash, sr.Felt("owner_guid"), sr.Felt("guardian_guid")));
    }
}

/// <summary>Revocation values that need no vectors.</summary>
public sealed class RevocationUnitTests
{
    [Fact]
    public void SessionRevokedEventKey_Spec_IsKeccakOfName() =>
        Assert.Equal(Felt.Parse("0x3738f33693f5ab1f9bcc240ce0bb23fdb0cd879f9e76ae01cbbd6ef1b359105"), SessionRevocation.SessionRevokedEventKey);

    [Fact]
    public void TryReadSessionRevokedEvent_KeysAndData_ReadsOnlyThatEvent()
    {
        Assert.True(SessionRevocation.TryReadSessionRevokedEvent([SessionRevocation.SessionRevokedEventKey], [42], out var hash));
        Assert.Equal(new Felt(42), hash);
        Assert.False(SessionRevocation.TryReadSessionRevokedEvent([Selector.FromName("TransactionExecuted"), 42], [], out _));
        Assert.False(SessionRevocation.TryReadSessionRevokedEvent([SessionRevocation.SessionRevokedEventKey], [1, 2], out _));
    }
}
