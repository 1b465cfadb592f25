using System.Globalization;
using System.Numerics;
using Broker.Contracts.Session.V1;
using Sessions;
using Starknet;
using Starknet.Transactions;
using Proto = Broker.Contracts.Common.V1;

namespace Broker.Client.Internal;

/// <summary>Between the SDK's types and the wire messages. Answers that do not parse throw <see cref="BrokerProtocolException"/>.</summary>
internal static class ProtoMapping
{
    public static string Hex(Felt felt) => felt.ToString();

    public static Felt ReadFelt(string text, string field) => Felt.TryParse(text, out var felt)
        ? felt
        : throw new BrokerProtocolException($"The broker answered a malformed felt in {field}.");

    public static SessionSpec ToProto(SessionSpecification spec)
    {
        var proto = new SessionSpec
        {
            ChainId = Hex(spec.ChainId),
            AccountAddress = Hex(spec.AccountAddress),
            SessionPublicKey = Hex(spec.SessionPublicKey),
            ExpiresAt = spec.ExpiresAt,
            Metadata = spec.Metadata,
            DappId = spec.DappId,
        };
        foreach (var method in spec.AllowedMethods)
        {
            proto.AllowedMethods.Add(new Proto.AllowedMethod { ContractAddress = Hex(method.ContractAddress), EntryPoint = method.EntryPoint });
        }
        return proto;
    }

    public static SessionSpecification FromProto(SessionSpec? spec)
    {
        if (spec is null)
        {
            throw new BrokerProtocolException("The broker answered a session without its spec.");
        }
        var methods = new List<AllowedMethod>(spec.AllowedMethods.Count);
        foreach (var method in spec.AllowedMethods)
        {
            try
            {
                methods.Add(new AllowedMethod(ReadFelt(method.ContractAddress, "allowed_methods.contract_address"), method.EntryPoint));
            }
            catch (ArgumentException e)
            {
                throw new BrokerProtocolException("The broker answered a malformed allowed method.", e);
            }
        }
        return new SessionSpecification
        {
            ChainId = ReadFelt(spec.ChainId, "spec.chain_id"),
            AccountAddress = ReadFelt(spec.AccountAddress, "spec.account_address"),
            SessionPublicKey = ReadFelt(spec.SessionPublicKey, "spec.session_public_key"),
            ExpiresAt = spec.ExpiresAt,
            AllowedMethods = methods,
            Metadata = spec.Metadata,
            DappId = spec.DappId,
        };
    }

    public static SessionDetails FromProto(SessionInfo? info)
    {
        if (info is null)
        {
            throw new BrokerProtocolException("The broker answered without the session.");
        }
        var fees = new Dictionary<Felt, BigInteger>(info.FeesSpent.Count);
        foreach (var (token, amount) in info.FeesSpent)
        {
            if (!BigInteger.TryParse(amount, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                throw new BrokerProtocolException("The broker answered a malformed fee amount.");
            }
            fees[ReadFelt(token, "fees_spent")] = value;
        }
        return new SessionDetails
        {
            SessionHash = ReadFelt(info.SessionHash, "session_hash"),
            // Brokers from before authorization caching leave it empty.
            CacheOwnerGuid = info.CacheOwnerGuid.Length == 0 ? Felt.Zero : ReadFelt(info.CacheOwnerGuid, "cache_owner_guid"),
            Specification = FromProto(info.Spec),
            State = info.Status switch
            {
                SessionStatus.Active => SessionState.Active,
                SessionStatus.Expired => SessionState.Expired,
                SessionStatus.Revoked => SessionState.Revoked,
                _ => throw new BrokerProtocolException($"The broker answered an unknown session status {info.Status}."),
            },
            RegisteredAt = FromUnixSeconds(info.RegisteredAt),
            RevokedAt = info.RevokedAt == 0 ? null : FromUnixSeconds(info.RevokedAt),
            RevokedOnChain = info.RevokedOnChain,
            FeesSpent = fees,
            TransactionsCosigned = info.TransactionsCosigned,
        };
    }

    public static Call FromProto(Proto.Call? call)
    {
        if (call is null || string.IsNullOrEmpty(call.EntryPoint))
        {
            throw new BrokerProtocolException("The broker answered an empty call.");
        }
        var calldata = new Felt[call.Calldata.Count];
        for (var i = 0; i < calldata.Length; i++)
        {
            calldata[i] = ReadFelt(call.Calldata[i], "calldata");
        }
        return Call.ToEntryPoint(ReadFelt(call.To, "to"), call.EntryPoint, calldata);
    }

    public static Proto.Call ToProto(SessionCall call)
    {
        var proto = new Proto.Call { To = Hex(call.To), EntryPoint = call.EntryPoint };
        foreach (var felt in call.Calldata)
        {
            proto.Calldata.Add(Hex(felt));
        }
        return proto;
    }

    public static Proto.StarkSignature ToProto(StarkSignature signature) => new() { R = Hex(signature.R), S = Hex(signature.S) };

    public static StarkSignature FromProto(Proto.StarkSignature? signature, string field) => signature is null
        ? throw new BrokerProtocolException($"The answer has no {field}.")
        : new StarkSignature(ReadFelt(signature.R, field + ".r"), ReadFelt(signature.S, field + ".s"));

    public static Proto.ResourceBounds ToProto(ResourceBounds bounds) => new()
    {
        MaxAmount = bounds.MaxAmount,
        MaxPricePerUnit = bounds.MaxPricePerUnit.ToString(CultureInfo.InvariantCulture),
    };

    public static TransactionResult FromProto(Proto.TransactionInfo? info)
    {
        if (info is null)
        {
            throw new BrokerProtocolException("The broker answered without the transaction.");
        }
        BigInteger? fee = null;
        if (info.ActualFee.Length > 0)
        {
            fee = BigInteger.TryParse(info.ActualFee, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new BrokerProtocolException("The broker answered a malformed fee.");
        }
        return new TransactionResult
        {
            RequestId = info.RequestId,
            State = info.Status switch
            {
                Proto.TransactionStatus.Accepted => TransactionState.Accepted,
                Proto.TransactionStatus.Submitted => TransactionState.Submitted,
                Proto.TransactionStatus.PreConfirmed => TransactionState.PreConfirmed,
                Proto.TransactionStatus.AcceptedOnL2 => TransactionState.AcceptedOnL2,
                Proto.TransactionStatus.Reverted => TransactionState.Reverted,
                Proto.TransactionStatus.Rejected => TransactionState.Rejected,
                _ => throw new BrokerProtocolException($"The broker answered an unknown transaction status {info.Status}."),
            },
            Path = info.Kind == Proto.TransactionKind.Invoke ? TransactionPath.Invoke : TransactionPath.OutsideExecution,
            TransactionHash = info.TransactionHash.Length > 0 ? ReadFelt(info.TransactionHash, "transaction_hash") : null,
            Reason = info.Reason.Length > 0 ? info.Reason : null,
            ActualFee = fee,
            BlockNumber = info.BlockNumber == 0 ? null : info.BlockNumber,
            RelayerAddress = info.RelayerAddress.Length > 0 ? ReadFelt(info.RelayerAddress, "relayer_address") : null,
            BatchSize = (int)Math.Min(info.BatchSize, int.MaxValue),
            AcceptedAt = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Min(info.AcceptedAtUnixMs, (ulong)long.MaxValue)),
            FinalAt = info.FinalAtUnixMs == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Min(info.FinalAtUnixMs, (ulong)long.MaxValue)),
            PreviousTransactionHashes = [.. info.PreviousTransactionHashes.Select(h => ReadFelt(h, "previous_transaction_hashes"))],
        };
    }

    public static Proto.InvokeV3Fields ToProto(InvokeTransactionV3 transaction, IEnumerable<SessionCall> calls)
    {
        var fields = new Proto.InvokeV3Fields
        {
            SenderAddress = Hex(transaction.SenderAddress),
            Nonce = Hex(transaction.Nonce),
            ResourceBounds = new Proto.ResourceBoundsMapping
            {
                L1Gas = ToProto(transaction.ResourceBounds.L1Gas),
                L2Gas = ToProto(transaction.ResourceBounds.L2Gas),
                L1DataGas = ToProto(transaction.ResourceBounds.L1DataGas),
            },
            Tip = transaction.Tip,
            ChainId = Hex(transaction.ChainId),
        };
        fields.Calls.AddRange(calls.Select(ToProto));
        return fields;
    }

    public static ResourceBounds FromProto(Proto.ResourceBounds? bound)
    {
        if (bound is null)
        {
            return ResourceBounds.Zero;
        }
        return UInt128.TryParse(bound.MaxPricePerUnit.Length == 0 ? "0" : bound.MaxPricePerUnit, NumberStyles.None, CultureInfo.InvariantCulture, out var price)
            ? new ResourceBounds(bound.MaxAmount, price)
            : throw new BrokerProtocolException("The broker answered a malformed max_price_per_unit.");
    }

    private static DateTimeOffset FromUnixSeconds(ulong seconds) => seconds <= (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds()
        ? DateTimeOffset.FromUnixTimeSeconds((long)seconds)
        : throw new BrokerProtocolException("The broker answered a timestamp out of range.");
}
