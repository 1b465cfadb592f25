using Broker.Contracts.Session.V1;
using Sessions;
using Starknet;
using Proto = Broker.Contracts.Common.V1;

namespace SessionBroker.Tests.Infrastructure;

/// <summary>Session specs and owner signatures for the tests.</summary>
internal static class TestSessions
{
    public static SessionSpec Spec(Felt sessionPublicKey, ulong expiresAt, string dappId = "my-game", Felt? account = null, Felt? chainId = null)
    {
        var metadata = new SessionMetadata(dappId, [new SessionTxFee(TestKeys.StrkToken, 1_000_000_000_000_000_000)]);
        var spec = new SessionSpec
        {
            ChainId = (chainId ?? TestKeys.ChainId).ToString(),
            AccountAddress = (account ?? TestKeys.Account).ToString(),
            SessionPublicKey = sessionPublicKey.ToString(),
            ExpiresAt = expiresAt,
            Metadata = metadata.ToJson(),
            DappId = dappId,
        };
        spec.AllowedMethods.Add(new Proto.AllowedMethod { ContractAddress = TestKeys.GameContract.ToString(), EntryPoint = "move" });
        spec.AllowedMethods.Add(new Proto.AllowedMethod { ContractAddress = TestKeys.GameContract.ToString(), EntryPoint = "attack" });
        return spec;
    }

    public static SessionRequest Request(SessionSpec spec) => new(
        Felt.Parse(spec.ChainId), Felt.Parse(spec.AccountAddress), Felt.Parse(spec.SessionPublicKey), spec.ExpiresAt,
        [.. spec.AllowedMethods.Select(m => new AllowedMethod(Felt.Parse(m.ContractAddress), m.EntryPoint))], spec.Metadata);

    public static RegisterSessionRequest Register(SessionSpec spec, Felt ownerPrivateKey)
    {
        var signature = Ecdsa.Sign(ownerPrivateKey, Request(spec).SessionHash);
        return new RegisterSessionRequest
        {
            Session = spec,
            OwnerPublicKey = Ecdsa.GetPublicKey(ownerPrivateKey).ToString(),
            OwnerSignature = new Proto.StarkSignature { R = signature.R.ToString(), S = signature.S.ToString() },
        };
    }
}
