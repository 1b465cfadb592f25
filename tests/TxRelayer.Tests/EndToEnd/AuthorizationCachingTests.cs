using Broker.Client;
using Sessions;
using Starknet;
using Starknet.Rpc;
using Starknet.Transactions;
using TxRelayer.Tests.Infrastructure;

namespace TxRelayer.Tests.EndToEnd;

/// <summary>
/// Session authorization caching (account 0.5.0, spec §13.5) through the real hosts, against the devnet stand-in's
/// Argent account: a session registered with caching signs m with the owner's GUID; its first transaction carries the
/// authorization and the account caches it; later tokens leave it out, which the account accepts and charges less for
/// (9 fewer signature felts, two fewer signature checks).
/// </summary>
[Collection(InstantStackDefinition.Name)]
public sealed class AuthorizationCachingTests(InstantStackFixture fixture)
{
    private Stack S => fixture.Stack;

    [Fact]
    public async Task Register_CacheOwnerGuid_OwnersGuidWhenAskedForElseZero()
    {
        var cached = await TestSession.RegisterAsync(S, cacheAuthorization: true);
        var plain = await TestSession.RegisterAsync(S);

        Assert.Equal(SignerGuid.Starknet(S.Account.OwnerPublicKey), cached.Session.CacheOwnerGuid);
        Assert.Equal(Felt.Zero, plain.Session.CacheOwnerGuid);
        Assert.Equal(cached.Session.CacheOwnerGuid, (await S.Broker.GetAsync(cached.Session.SessionHash)).CacheOwnerGuid);
        Assert.False(await IsCachedAsync(cached.Session));

        // Registering the same session again keeps the choice made first.
        var again = await S.Broker.RegisterAsync(plain.Session.Details.Specification, S.Account.OwnerPublicKey,
            Ecdsa.Sign(S.Account.OwnerPrivateKey!.Value, plain.Session.SessionHash), cacheAuthorization: true);
        Assert.Equal(Felt.Zero, again.CacheOwnerGuid);
    }

    [Fact]
    public async Task ExecuteAndWait_Caching_FirstCachesTheAuthorizationThenLaterMovesCostLess()
    {
        var cached = await TestSession.RegisterAsync(S, cacheAuthorization: true);
        var plain = await TestSession.RegisterAsync(S);

        var first = await AcceptedAloneAsync(() => S.Broker.ExecuteAndWaitAsync(cached.Session, cached.Key, TestSession.Move(S, 1, 1), "cache-1-" + Guid.NewGuid()));
        Assert.True(await IsCachedAsync(cached.Session), "the first transaction cached the authorization");
        // The broker saw the first one ACCEPTED_ON_L2, so the next token leaves the authorization out.
        var second = await AcceptedAloneAsync(() => S.Broker.ExecuteAndWaitAsync(cached.Session, cached.Key, TestSession.Move(S, 2, 2), "cache-2-" + Guid.NewGuid()));
        var uncached = await AcceptedAloneAsync(() => S.Broker.ExecuteAndWaitAsync(plain.Session, plain.Key, TestSession.Move(S, 3, 3), "plain-" + Guid.NewGuid()));

        var ownerGuid = SignerGuid.Starknet(S.Account.OwnerPublicKey);
        AssertToken(OutsideExecutionToken(first), ownerGuid, authorizationLength: 9);
        AssertToken(OutsideExecutionToken(second), ownerGuid, authorizationLength: 0);
        AssertToken(OutsideExecutionToken(uncached), Felt.Zero, authorizationLength: 9);
        Assert.True(second.ActualFee < uncached.ActualFee, $"cached {second.ActualFee} vs full {uncached.ActualFee}");
        Assert.True(second.ActualFee < first.ActualFee, $"cached {second.ActualFee} vs first {first.ActualFee}");
        Assert.Contains(S.Devnet.State.GetGameActions(S.GameContract), a => a.TransactionHash == second.TransactionHash && a.Arguments.SequenceEqual([(Felt)2, (Felt)2]));
    }

    [Fact]
    public async Task Execute_CachingWithoutWaiting_BrokerLearnsFromTheAccountAndLeavesTheAuthorizationOut()
    {
        var cached = await TestSession.RegisterAsync(S, cacheAuthorization: true);
        var plain = await TestSession.RegisterAsync(S);
        var uncached = await AcceptedAloneAsync(() => S.Broker.ExecuteAndWaitAsync(plain.Session, plain.Key, TestSession.Move(S, 4, 4), "plain-" + Guid.NewGuid()));

        // Without wait_for_final the broker does not see the outcome; it asks the account's view in the background
        // (every 100 ms in this stack) and leaves the authorization out once the view says it is cached.
        var lengths = new List<int>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline && (lengths.Count == 0 || lengths[^1] != 0))
        {
            var submitted = await S.Broker.ExecuteAsync(cached.Session, cached.Key, TestSession.Move(S, 5, 5), "cache-nowait-" + Guid.NewGuid());
            var final = await S.Broker.WaitForFinalAsync(submitted.RequestId);
            Assert.True(final.State == TransactionState.AcceptedOnL2, $"{final.State} {final.Reason}");
            var token = OutsideExecutionToken(final);
            Assert.Equal(cached.Session.CacheOwnerGuid, token.CacheField);
            lengths.Add(token.Authorization.Count);
            if (token.Authorization.Count == 0 && final.BatchSize == 1)
            {
                Assert.True(final.ActualFee < uncached.ActualFee, $"cached {final.ActualFee} vs full {uncached.ActualFee}");
            }
            await Task.Delay(150);
        }
        // The first carried the authorization (nothing was cached yet); the last left it out.
        Assert.True(lengths.Count >= 2 && lengths[0] == 9 && lengths[^1] == 0, $"authorization lengths {string.Join(", ", lengths)}");
        Assert.True(await IsCachedAsync(cached.Session));
    }

    [Fact]
    public async Task SubmitInvoke_Caching_AccountPaidMovesAcceptedAndTheLaterOneCostsLess()
    {
        var cached = await TestSession.RegisterAsync(S, cacheAuthorization: true);

        var prepared = await S.Broker.PrepareInvokeAsync(cached.Session, [new SessionCall(S.GameContract, "attack", [1])]);
        Assert.Equal(SessionMessage.Hash(prepared.TransactionHash, cached.Session.SessionHash, cached.Session.CacheOwnerGuid), prepared.MessageHash);
        var first = await AcceptedAloneAsync(() => S.Broker.SubmitInvokeAndWaitAsync(cached.Session, cached.Key, prepared, "inv-cache-1-" + Guid.NewGuid()));
        Assert.True(await IsCachedAsync(cached.Session));

        var again = await S.Broker.PrepareInvokeAsync(cached.Session, [new SessionCall(S.GameContract, "attack", [2])]);
        var second = await AcceptedAloneAsync(() => S.Broker.SubmitInvokeAndWaitAsync(cached.Session, cached.Key, again, "inv-cache-2-" + Guid.NewGuid()));

        AssertToken(InvokeToken(first), cached.Session.CacheOwnerGuid, authorizationLength: 9);
        AssertToken(InvokeToken(second), cached.Session.CacheOwnerGuid, authorizationLength: 0);
        Assert.True(second.ActualFee < first.ActualFee, $"cached {second.ActualFee} vs first {first.ActualFee}");
        Assert.True(second.ActualFee <= again.MaxFee, "the estimate (made with the authorization in) still covers the cached token");
    }

    private static async Task<TransactionResult> AcceptedAloneAsync(Func<Task<TransactionResult>> execute)
    {
        var result = await execute();
        Assert.True(result.State == TransactionState.AcceptedOnL2, $"{result.State} {result.Reason}\n{TestLog.Dump()}");
        Assert.NotNull(result.ActualFee);
        return result;
    }

    private static void AssertToken(SessionToken token, Felt cacheField, int authorizationLength)
    {
        Assert.Equal(cacheField, token.CacheField);
        Assert.Equal(authorizationLength, token.Authorization.Count);
    }

    /// <summary>The session token of an account-paid transaction: its signature.</summary>
    private SessionToken InvokeToken(TransactionResult result) =>
        ParseToken(S.Devnet.State.GetTransactionInput(result.TransactionHash!.Value)!.Value.Signature);

    /// <summary>
    /// The session token inside the relayer's transaction: the signature argument of its (single)
    /// <c>execute_from_outside_v2</c> call, <c>[caller, nonce, after, before, n, (to, selector, len, data…)…, sig_len, sig…]</c>.
    /// </summary>
    private SessionToken OutsideExecutionToken(TransactionResult result)
    {
        var calldata = S.Devnet.State.GetTransactionInput(result.TransactionHash!.Value)!.Value.Calldata;
        Assert.Equal(Felt.One, calldata[0]);
        Assert.Equal(OutsideExecution.ExecuteFromOutsideV2Selector, calldata[2]);
        var data = calldata.Skip(4).ToArray();
        var at = 4;
        var calls = (int)data[at++].ToUInt64();
        for (var i = 0; i < calls; i++)
        {
            at += 2;
            at += 1 + (int)data[at].ToUInt64();
        }
        var length = (int)data[at++].ToUInt64();
        Assert.Equal(data.Length, at + length);
        return ParseToken(data[at..]);
    }

    private static SessionToken ParseToken(IReadOnlyList<Felt> signature)
    {
        Assert.True(SessionToken.TryParse([.. signature], SessionTokenLayout.CacheOwnerGuid, out var token, out var error), error?.Message);
        return token;
    }

    private async Task<bool> IsCachedAsync(RegisteredSession session)
    {
        var result = await S.Rpc.CallAsync(new FunctionCall(S.Account.Address, SessionRevocation.IsSessionAuthorizationCachedSelector,
            SessionRevocation.IsSessionAuthorizationCachedCalldata(session.SessionHash, SignerGuid.Starknet(S.Account.OwnerPublicKey), SignerGuid.Starknet(session.GuardianPublicKey))),
            BlockId.Latest);
        return Assert.Single(result) == Felt.One;
    }
}
