using System.Text.Json;
using Starknet.Transactions;

namespace Starknet.Devnet.Rpc;

/// <summary>One JSON-RPC method: its parameter names in the spec's order (for positional params) and its handler.</summary>
internal sealed record RpcMethod(string[] Parameters, Action<DevnetState, RpcParams, Utf8JsonWriter> Handler);

/// <summary>The Starknet JSON-RPC 0.10 methods the devnet serves.</summary>
internal static class RpcMethods
{
    /// <summary>The spec version <c>starknet_specVersion</c> answers.</summary>
    public const string SpecVersion = "0.10.0";

    public static IReadOnlyDictionary<string, RpcMethod> All { get; } = new Dictionary<string, RpcMethod>(StringComparer.Ordinal)
    {
        ["starknet_specVersion"] = new([], static (_, _, w) => w.WriteStringValue(SpecVersion)),
        ["starknet_chainId"] = new([], static (state, _, w) => RpcWrite.Felt(w, state.ChainId)),
        ["starknet_blockNumber"] = new([], static (state, _, w) => w.WriteNumberValue(state.BlockNumberRpc())),
        ["starknet_getNonce"] = new(["block_id", "contract_address"], static (state, p, w) =>
        {
            var blockId = RpcRead.BlockId(p.Required("block_id"), "block_id");
            var address = RpcRead.Felt(p.Required("contract_address"), "contract_address");
            RpcWrite.Felt(w, state.GetNonceRpc(address, blockId));
        }),
        ["starknet_call"] = new(["request", "block_id"], static (state, p, w) =>
        {
            var call = RpcRead.FunctionCall(p.Required("request"), "request");
            var blockId = RpcRead.BlockId(p.Required("block_id"), "block_id");
            RpcWrite.Felts(w, state.CallRpc(call, blockId));
        }),
        ["starknet_estimateFee"] = new(["request", "simulation_flags", "block_id"], static (state, p, w) =>
        {
            var request = p.Required("request");
            if (request.ValueKind != JsonValueKind.Array)
            {
                throw RpcErrorException.InvalidParams("request", "expected an array of transactions");
            }
            var transactions = new List<InvokeTransactionV3>();
            var signatures = new List<Felt[]>();
            var i = 0;
            foreach (var item in request.EnumerateArray())
            {
                var (tx, signature) = RpcRead.Invoke(item, $"request[{i++}]");
                transactions.Add(tx);
                signatures.Add(signature);
            }
            if (transactions.Count == 0)
            {
                throw RpcErrorException.InvalidParams("request", "at least one transaction is needed");
            }
            var skipValidate = false;
            var flags = p.Required("simulation_flags");
            if (flags.ValueKind != JsonValueKind.Array)
            {
                throw RpcErrorException.InvalidParams("simulation_flags", "expected an array");
            }
            foreach (var flag in flags.EnumerateArray())
            {
                skipValidate |= flag.ValueKind == JsonValueKind.String && flag.GetString() == "SKIP_VALIDATE"
                    ? true
                    : throw RpcErrorException.InvalidParams("simulation_flags", $"unknown flag {flag.GetRawText()} (SKIP_VALIDATE)");
            }
            var blockId = RpcRead.BlockId(p.Required("block_id"), "block_id");
            var estimates = state.EstimateFeeRpc(transactions, signatures, skipValidate, blockId);
            w.WriteStartArray();
            foreach (var estimate in estimates)
            {
                RpcWrite.FeeEstimate(w, estimate);
            }
            w.WriteEndArray();
        }),
        ["starknet_addInvokeTransaction"] = new(["invoke_transaction"], static (state, p, w) =>
        {
            var (tx, signature) = RpcRead.Invoke(p.Required("invoke_transaction"), "invoke_transaction");
            var hash = state.AddInvokeTransactionRpc(tx, signature);
            w.WriteStartObject();
            RpcWrite.Felt(w, "transaction_hash", hash);
            w.WriteEndObject();
        }),
        ["starknet_getTransactionStatus"] = new(["transaction_hash"], static (state, p, w) =>
            RpcWrite.Status(w, state.GetTransactionStatusRpc(RpcRead.TransactionHash(p)))),
        ["starknet_getTransactionReceipt"] = new(["transaction_hash"], static (state, p, w) =>
            RpcWrite.Receipt(w, state.GetTransactionReceiptRpc(RpcRead.TransactionHash(p)))),
        ["starknet_getEvents"] = new(["filter"], static (state, p, w) =>
            RpcWrite.EventsPage(w, state.GetEventsRpc(RpcRead.EventFilter(p.Required("filter"), "filter")))),
    };
}
