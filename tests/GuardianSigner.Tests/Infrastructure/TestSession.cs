using System.Numerics;
using AllowedMethod = Sessions.AllowedMethod;
using ResourceBounds = Starknet.Transactions.ResourceBounds;
using ResourceBoundsMapping = Starknet.Transactions.ResourceBoundsMapping;
using Broker.Contracts.Common.V1;
using Broker.Contracts.Guardian.V1;
using GuardianSigner.Cosigning;
using Sessions;
using Starknet;
using Starknet.Transactions;
using Call = Starknet.Transactions.Call;
using StarkSignature = Starknet.StarkSignature;

namespace GuardianSigner.Tests.Infrastructure;

/// <summary>
/// A session built with src/Sessions from fixed keys, and helpers that produce what a dapp would send: requests
/// signed with the session key over an m computed independently of the guardian.
/// </summary>
internal sealed class TestSession
{
    public static readonly Felt GuardianPrivateKey = Felt.Parse("0x3c1e9550e66958296d11b60f8e8e7a7ad990d07fa65d5f7652c4a6c87d4e3cc");
    public static readonly Felt OwnerPrivateKey = Felt.Parse("0x1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80");
    public static readonly Felt SessionPrivateKey = Felt.Parse("0x2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091");
    public static readonly Felt ChainId = CairoShortString.Encode("SN_SEPOLIA");
    public static readonly Felt Account = Felt.Parse("0x54f8b8254a6c7d78998e64bdbae51174f3cbc1a535c2a882f7ab353d314e6b4");
    public static readonly Felt Game = Felt.Parse("0x2ebf402f82a93f8dadc2d42ecc91461609dc76e190b50366a3e05645a51fbc");
    public static readonly Felt Strk = Felt.Parse("0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d");

    /// <summary>Each test transaction has this max fee: l2 1,000,000 × 1,000,000,000 = 10^15 FRI.</summary>
    public static readonly BigInteger MaxFeePerTransaction = BigInteger.Pow(10, 15);

    public TestSession(ulong expiresAt, string dappId = "game-1", BigInteger? allowance = null, Felt? sessionPrivateKey = null)
    {
        SessionKey = sessionPrivateKey ?? SessionPrivateKey;
        DappId = dappId;
        var metadata = new SessionMetadata(dappId, [new SessionTxFee(Strk, allowance ?? BigInteger.Pow(10, 18))]);
        Request = new SessionRequest(ChainId, Account, Ecdsa.GetPublicKey(SessionKey), expiresAt,
            [new AllowedMethod(Game, "move"), new AllowedMethod(Game, "attack")], metadata);
    }

    public Felt SessionKey { get; }

    public string DappId { get; }

    public SessionRequest Request { get; }

    public Felt SessionHash => Request.SessionHash;

    public static Felt GuardianPublicKey => Ecdsa.GetPublicKey(GuardianPrivateKey);

    public CosignAuthorizationRequest AuthorizationRequest()
    {
        var ownerSignature = Ecdsa.Sign(OwnerPrivateKey, SessionHash);
        var definition = new SessionDefinition
        {
            ChainId = ChainId.ToString(),
            AccountAddress = Account.ToString(),
            SessionPublicKey = Request.SessionPublicKey.ToString(),
            ExpiresAt = Request.ExpiresAt,
            Metadata = Request.Metadata,
            DappId = DappId,
        };
        definition.AllowedMethods.AddRange(Request.AllowedMethods.Select(m => new Broker.Contracts.Common.V1.AllowedMethod
        {
            ContractAddress = m.ContractAddress.ToString(),
            EntryPoint = m.EntryPoint,
        }));
        return new CosignAuthorizationRequest
        {
            Session = definition,
            OwnerPublicKey = Ecdsa.GetPublicKey(OwnerPrivateKey).ToString(),
            OwnerSignature = Proto(ownerSignature),
        };
    }

    /// <summary>An INVOKE v3 cosign request for <paramref name="calls"/> (entry point names), signed with the session key.</summary>
    public (CosignInvokeRequest Request, Felt ExecutionHash, Felt Message) Invoke(ulong nonce, params (string EntryPoint, ulong[] Calldata)[] calls) =>
        Invoke(nonce, SessionKey, calls);

    public (CosignInvokeRequest Request, Felt ExecutionHash, Felt Message) Invoke(ulong nonce, Felt signingKey, params (string EntryPoint, ulong[] Calldata)[] calls)
    {
        var starknetCalls = calls.Select(c => Call.ToEntryPoint(Game, c.EntryPoint, c.Calldata.Select(v => (Felt)v).ToArray())).ToArray();
        var bounds = new ResourceBoundsMapping(ResourceBounds.Zero, new ResourceBounds(1_000_000, 1_000_000_000), ResourceBounds.Zero);
        var hash = new InvokeTransactionV3
        {
            SenderAddress = Account,
            Calldata = ExecuteCalldata.Encode(starknetCalls),
            ChainId = ChainId,
            Nonce = nonce,
            ResourceBounds = bounds,
        }.ComputeHash();
        var m = SessionMessage.Hash(hash, SessionHash, Felt.Zero);
        var fields = new InvokeV3Fields
        {
            SenderAddress = Account.ToString(),
            Nonce = ((Felt)nonce).ToString(),
            ChainId = ChainId.ToString(),
            ResourceBounds = new Broker.Contracts.Common.V1.ResourceBoundsMapping
            {
                L1Gas = new Broker.Contracts.Common.V1.ResourceBounds { MaxAmount = 0, MaxPricePerUnit = "0" },
                L2Gas = new Broker.Contracts.Common.V1.ResourceBounds { MaxAmount = 1_000_000, MaxPricePerUnit = "1000000000" },
                L1DataGas = new Broker.Contracts.Common.V1.ResourceBounds { MaxAmount = 0, MaxPricePerUnit = "0" },
            },
        };
        fields.Calls.AddRange(calls.Select(ProtoCall));
        var request = new CosignInvokeRequest
        {
            SessionHash = SessionHash.ToString(),
            Transaction = fields,
            SessionSignature = Proto(Ecdsa.Sign(signingKey, m)),
            CacheOwnerGuid = "0x0",
        };
        return (request, hash, m);
    }

    /// <summary>A SNIP-9 v2 outside-execution cosign request, signed with the session key.</summary>
    public (CosignOutsideExecutionRequest Request, Felt ExecutionHash, Felt Message) Outside(ulong nonce, ulong executeAfter, ulong executeBefore, params (string EntryPoint, ulong[] Calldata)[] calls)
    {
        var starknetCalls = calls.Select(c => Call.ToEntryPoint(Game, c.EntryPoint, c.Calldata.Select(v => (Felt)v).ToArray())).ToArray();
        var outside = new OutsideExecution(OutsideExecution.AnyCaller, nonce, executeAfter, executeBefore, starknetCalls);
        var hash = outside.MessageHash(ChainId, Account);
        var m = SessionMessage.Hash(hash, SessionHash, Felt.Zero);
        var fields = new OutsideExecutionFields
        {
            Caller = OutsideExecution.AnyCaller.ToString(),
            Nonce = ((Felt)nonce).ToString(),
            ExecuteAfter = executeAfter,
            ExecuteBefore = executeBefore,
        };
        fields.Calls.AddRange(calls.Select(ProtoCall));
        var request = new CosignOutsideExecutionRequest
        {
            SessionHash = SessionHash.ToString(),
            OutsideExecution = fields,
            SessionSignature = Proto(Ecdsa.Sign(SessionKey, m)),
            MaxFee = "0",
        };
        return (request, hash, m);
    }

    public static Broker.Contracts.Common.V1.StarkSignature Proto(StarkSignature signature) =>
        new() { R = signature.R.ToString(), S = signature.S.ToString() };

    private static Broker.Contracts.Common.V1.Call ProtoCall((string EntryPoint, ulong[] Calldata) call)
    {
        var proto = new Broker.Contracts.Common.V1.Call { To = Game.ToString(), EntryPoint = call.EntryPoint };
        proto.Calldata.AddRange(call.Calldata.Select(v => ((Felt)v).ToString()));
        return proto;
    }
}
