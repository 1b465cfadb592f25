using Broker.Client;
using Sessions;
using Starknet;

namespace TxRelayer.Tests.Infrastructure;

/// <summary>A game server's session: a fresh key, registered through the broker with the genesis owner's signature
/// standing in for the user's wallet.</summary>
internal sealed record TestSession(SessionKey Key, RegisteredSession Session)
{
    public static async Task<TestSession> RegisterAsync(Stack stack, TimeSpan? lifetime = null, bool cacheAuthorization = false)
    {
        var key = SessionKey.Generate();
        var specification = SessionSpecification.Create(
            stack.Devnet.State.ChainId,
            stack.Account.Address,
            key,
            lifetime ?? TimeSpan.FromHours(1),
            [new AllowedMethod(stack.GameContract, "move"), new AllowedMethod(stack.GameContract, "attack")],
            new SessionMetadata(Stack.ProjectId, [new SessionTxFee(stack.Devnet.State.FeeTokenAddress, UInt128.Parse("1000000000000000000000", System.Globalization.CultureInfo.InvariantCulture))]));
        var prepared = await stack.Broker.PrepareAsync(specification);
        var ownerSignature = Ecdsa.Sign(stack.Account.OwnerPrivateKey!.Value, prepared.SessionHash);
        var session = await stack.Broker.RegisterAsync(prepared, stack.Account.OwnerPublicKey, ownerSignature, cacheAuthorization);
        return new TestSession(key, session);
    }

    /// <summary>A move as an outside execution with a fresh SNIP-9 nonce, valid for ten minutes.</summary>
    public static SessionOutsideExecution Move(Stack stack, params Felt[] arguments) =>
        new([new SessionCall(stack.GameContract, "move", arguments)], Felt.FromBigInteger(new System.Numerics.BigInteger(Guid.NewGuid().ToByteArray(), isUnsigned: true)),
            Stack.Now - 60, Stack.Now + 600);
}
