using System.Text.Json;
using Starknet.Rpc;
using Starknet.Tests.Infrastructure;
using Starknet.Transactions;

namespace Starknet.Tests.Rpc;

/// <summary>
/// The client's request envelopes against those captured from starknet.js 10.8.0 (<c>sessions.json →
/// relayer_rpc_examples</c> and <c>cases[*].relayer_rpc</c>, spec §15), compared structurally without the <c>id</c>.
/// </summary>
[Trait("Category", "Vectors")]
public sealed class StarknetRpcRequestVectorTests
{
    private const string ExampleHash = "0x20d407d4959a03bea4bd994c484b2cbe39e5ba462787a8d7ec919a0a1162f0a";

    public static TheoryData<int> SessionCases => VectorFiles.CaseIndexes("sessions.json", "cases");

    [Theory]
    [MemberData(nameof(SessionCases))]
    public async Task AddInvokeTransactionAsync_SessionCase_SendsStarknetJsEnvelope(int index)
    {
        var expected = VectorFiles.Case("sessions.json", "cases", index)
            .GetProperty("relayer_rpc").GetProperty("starknet_addInvokeTransaction_request");
        var invoke = RpcTestSupport.SessionCaseInvoke(index);
        var stub = new StubHttpHandler().Then(StubHttpHandler.Result($"{{\"transaction_hash\":\"{invoke.ComputeHash()}\"}}"));
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            var hash = await client.AddInvokeTransactionAsync(invoke);

            Assert.Equal(invoke.ComputeHash(), hash);
            var request = Assert.Single(stub.Requests);
            RpcTestSupport.AssertJsonEquivalent(expected, request.Json, "id");
            Assert.Equal(HttpMethod.Post, request.Method);
            Assert.Equal("application/json", request.ContentType);
            Assert.Equal(RpcTestSupport.Endpoint, request.Uri);
        }
    }

    [Fact]
    public async Task AddInvokeTransactionAsync_FirstSessionCase_KeepsStarknetJsMemberOrder()
    {
        var expected = VectorFiles.Case("sessions.json", "cases", 0)
            .GetProperty("relayer_rpc").GetProperty("starknet_addInvokeTransaction_request");
        var stub = new StubHttpHandler().Then(StubHttpHandler.Result("{\"transaction_hash\":\"0x1\"}"));
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            await client.AddInvokeTransactionAsync(RpcTestSupport.SessionCaseInvoke(0));

            Assert.Equal(RpcTestSupport.WithoutId(expected), RpcTestSupport.WithoutId(stub.Requests[0].Json));
        }
    }

    [Theory]
    [InlineData("starknet_estimateFee_with_validation", SimulationOptions.None)]
    [InlineData("starknet_estimateFee_library_default_skip_validate", SimulationOptions.SkipValidate)]
    public async Task EstimateFeeAsync_QueryVersionTransaction_SendsStarknetJsEnvelope(string example, SimulationOptions flags)
    {
        var expected = RpcTestSupport.RelayerExamples.GetProperty(example);
        var invoke = RpcTestSupport.SessionCaseInvoke(0);
        invoke = invoke with { Transaction = invoke.Transaction with { Version = TransactionVersion.V3Query } };
        var stub = new StubHttpHandler().Then(StubHttpHandler.Result(StarknetRpcResultTests.FeeEstimateJson));
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            var estimates = await client.EstimateFeeAsync([invoke], flags, BlockId.Latest);

            Assert.Single(estimates);
            RpcTestSupport.AssertJsonEquivalent(expected, Assert.Single(stub.Requests).Json, "id");
            Assert.Equal(RpcTestSupport.WithoutId(expected), RpcTestSupport.WithoutId(stub.Requests[0].Json));
        }
    }

    [Fact]
    public async Task OtherRequests_CapturedExamples_MatchEveryEnvelope()
    {
        var examples = RpcTestSupport.RelayerExamples.GetProperty("other_requests").EnumerateArray().ToArray();
        var stub = new StubHttpHandler { Fallback = Answer };
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            foreach (var example in examples)
            {
                await Send(client, example);
            }

            Assert.Equal(examples.Length, stub.Requests.Count);
            for (var i = 0; i < examples.Length; i++)
            {
                RpcTestSupport.AssertJsonEquivalent(examples[i], stub.Requests[i].Json, "id");
            }
        }
    }

    [Fact]
    public void OtherRequests_CapturedExamples_CoverTheExpectedMethods()
    {
        var methods = RpcTestSupport.RelayerExamples.GetProperty("other_requests").EnumerateArray()
            .Select(e => e.GetProperty("method").GetString()!).ToArray();

        Assert.Equal<string>(
            ["starknet_chainId", "starknet_specVersion", "starknet_getNonce", "starknet_getNonce", "starknet_getTransactionStatus", "starknet_getTransactionReceipt"],
            methods);
    }

    private static async Task Send(StarknetRpcClient client, JsonElement example)
    {
        var method = example.GetProperty("method").GetString();
        var p = example.TryGetProperty("params", out var value) ? value : default;
        switch (method)
        {
            case "starknet_chainId":
                await client.ChainIdAsync();
                break;
            case "starknet_specVersion":
                await client.SpecVersionAsync();
                break;
            case "starknet_getNonce":
                var blockId = p.GetProperty("block_id").GetString() switch
                {
                    "latest" => BlockId.Latest,
                    "pre_confirmed" => BlockId.PreConfirmed,
                    var other => throw new InvalidOperationException($"Unexpected block id {other}"),
                };
                await client.GetNonceAsync(p.Felt("contract_address"), blockId);
                break;
            case "starknet_getTransactionStatus":
                await client.GetTransactionStatusAsync(p.Felt("transaction_hash"));
                break;
            case "starknet_getTransactionReceipt":
                await client.GetTransactionReceiptAsync(p.Felt("transaction_hash"));
                break;
            default:
                throw new InvalidOperationException($"No client method for captured request {method}.");
        }
    }

    private static Task<HttpResponseMessage> Answer(RecordedRequest request, CancellationToken cancellationToken) => request.RpcMethod switch
    {
        "starknet_chainId" => StubHttpHandler.Result("\"0x534e5f5345504f4c4941\"")(request, cancellationToken),
        "starknet_specVersion" => StubHttpHandler.Result("\"0.10.0\"")(request, cancellationToken),
        "starknet_getNonce" => StubHttpHandler.Result("\"0xfc\"")(request, cancellationToken),
        "starknet_getTransactionStatus" => StubHttpHandler.Result("{\"finality_status\":\"RECEIVED\"}")(request, cancellationToken),
        "starknet_getTransactionReceipt" => StubHttpHandler.Result(StarknetRpcResultTests.ReceiptJson(ExampleHash))(request, cancellationToken),
        var other => throw new InvalidOperationException($"Unexpected method {other}"),
    };
}
