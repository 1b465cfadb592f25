using Starknet.Rpc;
using Starknet.Transactions;

namespace Starknet.Tests.Rpc;

/// <summary>
/// Request shapes not captured from starknet.js, checked against the spec's schemas (starknet-specs 0.9/0.10:
/// FUNCTION_CALL, BLOCK_ID, EVENT_FILTER + RESULT_PAGE_REQUEST, proof_facts).
/// </summary>
public sealed class StarknetRpcRequestTests
{
    [Fact]
    public async Task BlockNumberAsync_NoParams_OmitsParams()
    {
        var stub = new StubHttpHandler().Then(StubHttpHandler.Result("812345"));
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            Assert.Equal(812345UL, await client.BlockNumberAsync());

            RpcTestSupport.AssertJsonEquivalent(
                RpcTestSupport.Parse("{\"jsonrpc\":\"2.0\",\"method\":\"starknet_blockNumber\"}"), stub.Requests[0].Json, "id");
        }
    }

    [Fact]
    public async Task CallAsync_BlockHash_WritesFunctionCallAndBlockHash()
    {
        var stub = new StubHttpHandler().Then(StubHttpHandler.Result("[\"0x0\",\"0x1\"]"));
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            var call = FunctionCall.ToEntryPoint(Felt.Parse("0x49d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7"), "balanceOf", 0xabc);
            var result = await client.CallAsync(call, BlockId.FromHash(Felt.Parse("0x0123")));

            Assert.Equal([Felt.Zero, Felt.One], result);
            RpcTestSupport.AssertJsonEquivalent(RpcTestSupport.Parse("""
                {"jsonrpc":"2.0","method":"starknet_call","params":{
                  "request":{"contract_address":"0x49d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7",
                             "entry_point_selector":"SELECTOR","calldata":["0xabc"]},
                  "block_id":{"block_hash":"0x123"}}}
                """.Replace("SELECTOR", Selector.FromName("balanceOf").ToString(), StringComparison.Ordinal)), stub.Requests[0].Json, "id");
        }
    }

    [Fact]
    public async Task GetNonceAsync_BlockNumberAndL1Accepted_WritesBlockIds()
    {
        var stub = new StubHttpHandler().Then(StubHttpHandler.Result("\"0x0\""), StubHttpHandler.Result("\"0x0\""));
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            await client.GetNonceAsync(7, BlockId.FromNumber(123456));
            await client.GetNonceAsync(7, BlockTag.L1Accepted);

            RpcTestSupport.AssertJsonEquivalent(RpcTestSupport.Parse("{\"contract_address\":\"0x7\",\"block_id\":{\"block_number\":123456}}"),
                stub.Requests[0].Json.GetProperty("params"));
            RpcTestSupport.AssertJsonEquivalent(RpcTestSupport.Parse("{\"contract_address\":\"0x7\",\"block_id\":\"l1_accepted\"}"),
                stub.Requests[1].Json.GetProperty("params"));
        }
    }

    [Fact]
    public async Task GetEventsAsync_FullFilter_WritesFilterWithPageRequest()
    {
        var stub = new StubHttpHandler().Then(StubHttpHandler.Result("{\"events\":[]}"));
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            var page = await client.GetEventsAsync(new EventFilter
            {
                FromBlock = BlockId.FromNumber(100),
                ToBlock = BlockId.PreConfirmed,
                Address = 0x1234,
                Keys = [[Felt.Parse("0x3738f33693f5ab1f9bcc240ce0bb23fdb0cd879f9e76ae01cbbd6ef1b359105")], []],
                ChunkSize = 50,
                ContinuationToken = "101-3",
            });

            Assert.Empty(page.Events);
            Assert.Null(page.ContinuationToken);
            RpcTestSupport.AssertJsonEquivalent(RpcTestSupport.Parse("""
                {"jsonrpc":"2.0","method":"starknet_getEvents","params":{"filter":{
                  "from_block":{"block_number":100},"to_block":"pre_confirmed","address":"0x1234",
                  "keys":[["0x3738f33693f5ab1f9bcc240ce0bb23fdb0cd879f9e76ae01cbbd6ef1b359105"],[]],
                  "chunk_size":50,"continuation_token":"101-3"}}}
                """), stub.Requests[0].Json, "id");
        }
    }

    [Fact]
    public async Task GetEventsAsync_MinimalFilter_LeavesOptionalMembersOut()
    {
        var stub = new StubHttpHandler().Then(StubHttpHandler.Result("{\"events\":[]}"));
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            await client.GetEventsAsync(new EventFilter { ChunkSize = 1 });

            RpcTestSupport.AssertJsonEquivalent(RpcTestSupport.Parse("{\"filter\":{\"chunk_size\":1}}"), stub.Requests[0].Json.GetProperty("params"));
        }
    }

    [Fact]
    public async Task GetEventsAsync_ZeroChunkSize_ThrowsWithoutSending()
    {
        var stub = new StubHttpHandler();
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.GetEventsAsync(new EventFilter { ChunkSize = 0 }));
            Assert.Empty(stub.Requests);
        }
    }

    [Fact]
    public async Task AddInvokeTransactionAsync_ProofFactsAndL2Modes_WritesThem()
    {
        var stub = new StubHttpHandler().Then(StubHttpHandler.Result("{\"transaction_hash\":\"0x1\"}"), StubHttpHandler.Result("{\"transaction_hash\":\"0x1\"}"));
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            var tx = new InvokeTransactionV3
            {
                SenderAddress = 0x10,
                Calldata = [],
                ChainId = 1,
                Nonce = 0,
                ResourceBounds = new(new(0, 0), new(0x1000, UInt128.MaxValue), new(ulong.MaxValue, 1)),
                NonceDataAvailabilityMode = DataAvailabilityMode.L2,
                FeeDataAvailabilityMode = DataAvailabilityMode.L2,
                ProofFacts = [0xaa, 0xbb],
            };
            await client.AddInvokeTransactionAsync(new BroadcastedInvokeV3(tx, []));
            await client.AddInvokeTransactionAsync(new BroadcastedInvokeV3(tx with { ProofFacts = [] }, []));

            var written = stub.Requests[0].Json.GetProperty("params").GetProperty("invoke_transaction");
            RpcTestSupport.AssertJsonEquivalent(RpcTestSupport.Parse("""
                {"type":"INVOKE","sender_address":"0x10","calldata":[],"signature":[],"nonce":"0x0",
                 "resource_bounds":{"l1_gas":{"max_amount":"0x0","max_price_per_unit":"0x0"},
                                    "l2_gas":{"max_amount":"0x1000","max_price_per_unit":"0xffffffffffffffffffffffffffffffff"},
                                    "l1_data_gas":{"max_amount":"0xffffffffffffffff","max_price_per_unit":"0x1"}},
                 "tip":"0x0","paymaster_data":[],"nonce_data_availability_mode":"L2","fee_data_availability_mode":"L2",
                 "account_deployment_data":[],"version":"0x3","proof_facts":["0xaa","0xbb"]}
                """), written);
            Assert.False(stub.Requests[1].Json.GetProperty("params").GetProperty("invoke_transaction").TryGetProperty("proof_facts", out _));
        }
    }

    [Fact]
    public async Task AddInvokeTransactionAsync_QueryVersion_ThrowsWithoutSending()
    {
        var stub = new StubHttpHandler();
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            var tx = new InvokeTransactionV3 { SenderAddress = 1, Calldata = [], ChainId = 1, Nonce = 0, Version = TransactionVersion.V3Query };

            await Assert.ThrowsAsync<ArgumentException>(() => client.AddInvokeTransactionAsync(new BroadcastedInvokeV3(tx, [])));
            Assert.Empty(stub.Requests);
        }
    }

    [Fact]
    public async Task Requests_SeveralCalls_UseIncreasingIds()
    {
        var stub = new StubHttpHandler { Fallback = StubHttpHandler.Result("\"0x1\"") };
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            await client.ChainIdAsync();
            await client.ChainIdAsync();

            Assert.True(stub.Requests[1].Id > stub.Requests[0].Id);
        }
    }

    [Fact]
    public void BlockId_Default_IsLatest()
    {
        Assert.Equal(BlockId.Latest, default);
        Assert.Equal(BlockTag.Latest, default(BlockId).Tag);
        Assert.Equal("pre_confirmed", BlockId.PreConfirmed.ToString());
        Assert.Equal("{\"block_number\":5}", BlockId.FromNumber(5).ToString());
        Assert.Equal(5UL, BlockId.FromNumber(5).Number);
        Assert.Null(BlockId.FromNumber(5).Tag);
        Assert.Equal(Felt.One, BlockId.FromHash(Felt.One).Hash);
    }

    [Fact]
    public void Constructor_InvalidOptions_ListsEveryProblem()
    {
        using var http = new HttpClient(new StubHttpHandler());
        var options = new StarknetRpcOptions
        {
            Endpoint = new Uri("ftp://node.test/"),
            Timeout = TimeSpan.FromMilliseconds(1),
            MaxRetries = -1,
        };

        var ex = Assert.Throws<ArgumentException>(() => new StarknetRpcClient(http, options));

        Assert.Contains("Endpoint", ex.Message);
        Assert.Contains("Timeout", ex.Message);
        Assert.Contains("MaxRetries", ex.Message);
    }
}
