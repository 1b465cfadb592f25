using System.Text.Json;
using Broker.Hosting.Grpc;
using GuardianSigner.Cosigning;
using Sessions;
using Starknet;
using Starknet.Transactions;

namespace GuardianSigner.Http;

/// <summary>
/// Parses the bodies x-sessions 9.0.4 sends to <c>/cosigner/signSession</c> and <c>/cosigner/signSessionEFO</c>
/// (spec §14) into <see cref="CosignTransaction"/>s. Every hash is rebuilt from the body's fields.
/// </summary>
internal static class CosignerRequests
{
    private static readonly CosignFieldNames s_invokeFields = new(
        SessionHash: "session.sessionHash", ChainId: "transaction.chain_id", Account: "transaction.sender_address",
        Calls: "transaction.calldata.calls", SessionSignature: "session.sessionSignature.signer",
        SessionPublicKey: "session.sessionSignature.signer.publicKey", Authorization: "session.sessionAuthorisation",
        CacheField: "session.cacheAuthorisation", ExecuteBefore: "transaction", Fee: "transaction.resource_bounds");

    private static readonly CosignFieldNames s_outsideFields = new(
        SessionHash: "session.sessionHash", ChainId: "message.message.domain.chainId", Account: "message.accountAddress",
        Calls: "message.message.message.Calls", SessionSignature: "session.sessionSignature.signer",
        SessionPublicKey: "session.sessionSignature.signer.publicKey", Authorization: "session.sessionAuthorisation",
        CacheField: "session.cacheAuthorisation", ExecuteBefore: "message.message.message.Execute Before", Fee: "message");

    /// <summary>The signSession body: session + INVOKE v3 transaction.</summary>
    public static CosignTransaction SignSession(JsonElement body)
    {
        var session = ReadSession(body);
        var t = JsonFields.Object(body, "transaction", "transaction");

        var version = JsonFields.Felt(t, "version", "transaction.version");
        if (TransactionVersion.IsQuery(version))
        {
            throw BrokerRpcException.InvalidArgument("transaction.version",
                "query-version transactions are for fee estimation and are never cosigned (estimation needs no guardian signature)");
        }
        if (version != TransactionVersion.V3) throw BrokerRpcException.InvalidArgument("transaction.version", "only version 3 is supported");

        var paymasterData = JsonFields.Felts(JsonFields.Array(t, "paymaster_data", "transaction.paymaster_data", RequestLimits.MaxTotalCalldata, required: false), "transaction.paymaster_data");
        if (paymasterData.Length != 0)
        {
            throw BrokerRpcException.InvalidArgument("transaction.paymaster_data", "must be empty: Argent accounts refuse paymaster data (argent/unsupported-paymaster)");
        }
        var calldata = JsonFields.Felts(JsonFields.Array(t, "calldata", "transaction.calldata", RequestLimits.MaxTotalCalldata), "transaction.calldata");
        var calls = DecodeExecuteCalldata(calldata, "transaction.calldata");
        var bounds = ReadResourceBounds(JsonFields.Object(t, "resource_bounds", "transaction.resource_bounds"), "transaction.resource_bounds");
        var tip = t.TryGetProperty("tip", out var tipValue) && tipValue.ValueKind != JsonValueKind.Null
            ? (ulong)JsonFields.Integer(tipValue, "transaction.tip", 64)
            : 0UL;
        var invoke = new InvokeTransactionV3
        {
            SenderAddress = JsonFields.Felt(t, "sender_address", "transaction.sender_address"),
            Calldata = calldata,
            ChainId = JsonFields.Felt(t, "chain_id", "transaction.chain_id"),
            Nonce = JsonFields.Felt(t, "nonce", "transaction.nonce"),
            Version = version,
            ResourceBounds = bounds,
            Tip = tip,
            PaymasterData = paymasterData,
            AccountDeploymentData = JsonFields.Felts(
                JsonFields.Array(t, "account_deployment_data", "transaction.account_deployment_data", RequestLimits.MaxTotalCalldata, required: false),
                "transaction.account_deployment_data"),
            NonceDataAvailabilityMode = ReadDaMode(t, "nonce_data_availability_mode"),
            FeeDataAvailabilityMode = ReadDaMode(t, "fee_data_availability_mode"),
        };
        var hash = invoke.ComputeHash();
        return new CosignTransaction
        {
            SessionHash = session.SessionHash,
            Kind = "invoke",
            Calls = calls,
            ChainId = invoke.ChainId,
            AccountAddress = invoke.SenderAddress,
            ExecutionHash = (_, _) => hash,
            MaxFee = MaxFee.Of(bounds, tip),
            FeeToken = FeeTokens.Strk,
            CacheField = session.CacheField,
            SessionSignature = session.Signature,
            SessionPublicKey = session.PublicKey,
            Authorization = session.Authorization,
            Fields = s_invokeFields,
        };
    }

    /// <summary>The signSessionEFO body: session + SNIP-9 v2 outside-execution typed data.</summary>
    public static CosignTransaction SignSessionEfo(JsonElement body)
    {
        var session = ReadSession(body);
        var message = JsonFields.Object(body, "message", "message");
        var type = JsonFields.String(message, "type", "message.type");
        if (type != "eip712") throw BrokerRpcException.InvalidArgument("message.type", "must be \"eip712\"");
        if (message.TryGetProperty("chain", out var chain) && chain.ValueKind == JsonValueKind.String && chain.GetString() != "starknet")
        {
            throw BrokerRpcException.InvalidArgument("message.chain", "must be \"starknet\"");
        }
        var account = JsonFields.Felt(message, "accountAddress", "message.accountAddress");
        var typedJson = JsonFields.Object(message, "message", "message.message");

        TypedData typed;
        Felt typedHash;
        try
        {
            typed = TypedData.Parse(typedJson);
            typedHash = typed.MessageHash(account);
        }
        catch (Exception ex) when (ex is TypedDataException or JsonException or FormatException or ArgumentException or InvalidOperationException)
        {
            throw BrokerRpcException.InvalidArgument("message.message", $"not valid SNIP-12 typed data: {ex.Message}");
        }
        if (typed.PrimaryType != OutsideExecutionTypedData.PrimaryType || typed.TypeHash(OutsideExecutionTypedData.PrimaryType) != OutsideExecution.OutsideExecutionTypeHash)
        {
            throw BrokerRpcException.InvalidArgument("message.message.types", "must be the SNIP-9 v2 OutsideExecution and Call types");
        }

        var domain = JsonFields.Object(typedJson, "domain", "message.message.domain");
        var chainId = JsonFields.TypedFelt(JsonFields.Value(domain, "chainId", "message.message.domain.chainId"), "message.message.domain.chainId");
        var m = JsonFields.Object(typedJson, "message", "message.message.message");
        const string P = "message.message.message";
        var callsJson = JsonFields.Array(m, "Calls", $"{P}.Calls", RequestLimits.MaxCalls);
        var calls = new List<Call>(callsJson.GetArrayLength());
        var total = 0;
        foreach (var callJson in callsJson.EnumerateArray())
        {
            var path = $"{P}.Calls[{calls.Count}]";
            if (callJson.ValueKind != JsonValueKind.Object) throw BrokerRpcException.InvalidArgument(path, "must be a JSON object");
            var calldata = JsonFields.Array(callJson, "Calldata", $"{path}.Calldata", RequestLimits.MaxCalldataPerCall);
            total += 3 + calldata.GetArrayLength();
            if (total > RequestLimits.MaxTotalCalldata) throw BrokerRpcException.InvalidArgument($"{P}.Calls", $"at most {RequestLimits.MaxTotalCalldata} calldata felts in all");
            calls.Add(new Call(
                JsonFields.TypedFelt(JsonFields.Value(callJson, "To", $"{path}.To"), $"{path}.To"),
                ReadSelector(JsonFields.Value(callJson, "Selector", $"{path}.Selector"), $"{path}.Selector"),
                calldata.EnumerateArray().Select((v, k) => JsonFields.TypedFelt(v, $"{path}.Calldata[{k}]")).ToArray()));
        }
        var executeAfter = JsonFields.Integer(m, "Execute After", $"{P}.Execute After", 128);
        var executeBefore = JsonFields.Integer(m, "Execute Before", $"{P}.Execute Before", 128);
        var outside = new OutsideExecution(
            JsonFields.TypedFelt(JsonFields.Value(m, "Caller", $"{P}.Caller"), $"{P}.Caller"),
            JsonFields.TypedFelt(JsonFields.Value(m, "Nonce", $"{P}.Nonce"), $"{P}.Nonce"),
            (UInt128)executeAfter,
            (UInt128)executeBefore,
            calls);
        // The contract hashes the struct with its own domain (name, version 2, revision 1); typed data with any
        // other domain or field encoding would sign a different hash than the one the account checks.
        var hash = outside.MessageHash(chainId, account);
        if (hash != typedHash)
        {
            throw BrokerRpcException.InvalidArgument("message.message.domain",
                "the typed data does not hash like a SNIP-9 v2 outside execution (expected domain Account.execute_from_outside, version 2, revision 1)");
        }
        return new CosignTransaction
        {
            SessionHash = session.SessionHash,
            Kind = "outside-execution",
            Calls = calls,
            ChainId = chainId,
            AccountAddress = account,
            ExecutionHash = (_, _) => hash,
            ExecuteBefore = (UInt128)executeBefore,
            FeeToken = FeeTokens.Strk,
            CacheField = session.CacheField,
            SessionSignature = session.Signature,
            SessionPublicKey = session.PublicKey,
            Authorization = session.Authorization,
            Fields = s_outsideFields,
        };
    }

    private static SessionPart ReadSession(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object) throw BrokerRpcException.InvalidArgument("body", "must be a JSON object");
        var s = JsonFields.Object(body, "session", "session");
        var sessionHash = JsonFields.Felt(s, "sessionHash", "session.sessionHash");
        var authorizationFelts = JsonFields.Felts(
            JsonFields.Array(s, "sessionAuthorisation", "session.sessionAuthorisation", RequestLimits.MaxAuthorizationLength),
            "session.sessionAuthorisation");
        if (!SessionAuthorization.TryParse(authorizationFelts, out var authorization, out var error))
        {
            throw BrokerRpcException.InvalidArgument("session.sessionAuthorisation", $"not a session authorization: {error.Message}");
        }
        var cache = JsonFields.Boolean(s, "cacheAuthorisation", "session.cacheAuthorisation", false);
        var signature = JsonFields.Object(s, "sessionSignature", "session.sessionSignature");
        if (signature.TryGetProperty("type", out var type) && (type.ValueKind != JsonValueKind.String || type.GetString() != "StarknetKey"))
        {
            throw BrokerRpcException.InvalidArgument("session.sessionSignature.type", "only \"StarknetKey\" session signatures are supported");
        }
        var signer = JsonFields.Object(signature, "signer", "session.sessionSignature.signer");
        return new SessionPart(
            sessionHash,
            authorization,
            // x-sessions 9.0.4 hashes its cache flag as 0/1 (the account <= 0.4.0 layout, spec §9).
            cache ? Felt.One : Felt.Zero,
            JsonFields.Felt(signer, "publicKey", "session.sessionSignature.signer.publicKey"),
            new StarkSignature(
                JsonFields.Felt(signer, "r", "session.sessionSignature.signer.r"),
                JsonFields.Felt(signer, "s", "session.sessionSignature.signer.s")));
    }

    /// <summary>Decodes <c>[n_calls, (to, selector, calldata_len, calldata…) × n_calls]</c>, exactly.</summary>
    private static Call[] DecodeExecuteCalldata(Felt[] calldata, string path)
    {
        if (calldata.Length == 0) throw BrokerRpcException.InvalidArgument(path, "empty: expected [n_calls, (to, selector, calldata_len, calldata...)...]");
        var count = Small(calldata[0], RequestLimits.MaxCalls, $"{path}[0]");
        if (count == 0) throw BrokerRpcException.InvalidArgument($"{path}[0]", "at least one call required");
        var calls = new Call[count];
        var k = 1;
        for (var j = 0; j < count; j++)
        {
            if (k + 3 > calldata.Length) throw BrokerRpcException.InvalidArgument(path, $"ends inside call {j}");
            var length = Small(calldata[k + 2], RequestLimits.MaxCalldataPerCall, $"{path}[{k + 2}]");
            if (k + 3 + length > calldata.Length) throw BrokerRpcException.InvalidArgument($"{path}[{k + 2}]", $"call {j}'s calldata length runs past the end");
            calls[j] = new Call(calldata[k], calldata[k + 1], calldata.AsSpan(k + 3, length).ToArray());
            k += 3 + length;
        }
        if (k != calldata.Length) throw BrokerRpcException.InvalidArgument(path, $"{calldata.Length - k} felts follow the last call");
        return calls;
    }

    private static int Small(Felt value, int max, string path)
    {
        value.ToCanonicalLimbs(out var l0, out var l1, out var l2, out var l3);
        if ((l1 | l2 | l3) != 0 || l0 > (ulong)max) throw BrokerRpcException.InvalidArgument(path, $"must be at most {max}");
        return (int)l0;
    }

    private static ResourceBoundsMapping ReadResourceBounds(JsonElement bounds, string path) => new(
        ReadBound(bounds, "l1_gas", path),
        ReadBound(bounds, "l2_gas", path),
        ReadBound(bounds, "l1_data_gas", path));

    private static ResourceBounds ReadBound(JsonElement bounds, string name, string path)
    {
        // x-sessions writes "0" for an absent l1_data_gas; a missing bound counts as zero.
        if (!bounds.TryGetProperty(name, out var bound) || bound.ValueKind == JsonValueKind.Null) return ResourceBounds.Zero;
        var p = $"{path}.{name}";
        if (bound.ValueKind != JsonValueKind.Object) throw BrokerRpcException.InvalidArgument(p, "must be a JSON object");
        return new ResourceBounds(
            (ulong)JsonFields.Integer(bound, "max_amount", $"{p}.max_amount", 64),
            (UInt128)JsonFields.Integer(bound, "max_price_per_unit", $"{p}.max_price_per_unit", 128));
    }

    private static DataAvailabilityMode ReadDaMode(JsonElement t, string name)
    {
        if (!t.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return DataAvailabilityMode.L1;
        return value.ValueKind switch
        {
            JsonValueKind.String when value.GetString() is "L1" or "0" or "0x0" => DataAvailabilityMode.L1,
            JsonValueKind.String when value.GetString() is "L2" or "1" or "0x1" => DataAvailabilityMode.L2,
            JsonValueKind.Number when value.GetRawText() == "0" => DataAvailabilityMode.L1,
            JsonValueKind.Number when value.GetRawText() == "1" => DataAvailabilityMode.L2,
            _ => throw BrokerRpcException.InvalidArgument($"transaction.{name}", "must be \"L1\" or \"L2\""),
        };
    }

    /// <summary>A SNIP-12 <c>selector</c>: a hex value as it is, otherwise starknet_keccak of the name.</summary>
    private static Felt ReadSelector(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            var text = value.GetString()!;
            if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) return RequestFields.Felt(text, path);
            Grpc.ProtoParsing.CheckEntryPoint(text, path);
            return Selector.FromName(text);
        }
        throw BrokerRpcException.InvalidArgument(path, "must be a hex selector or an entry point name");
    }

    private sealed record SessionPart(Felt SessionHash, SessionAuthorization Authorization, Felt CacheField, Felt PublicKey, StarkSignature Signature);
}
