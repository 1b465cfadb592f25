using Starknet.Rpc;

namespace Starknet.Tests.Rpc;

/// <summary>Every result shape of spec 0.9/0.10 (starknet-specs) parses into the client's types; bad shapes are rejected.</summary>
public sealed class StarknetRpcResultTests
{
    /// <summary>A FEE_ESTIMATE whose prices and fee use the full u128 range.</summary>
    public const string FeeEstimateJson = """
        [{"l1_gas_consumed":"0x0","l1_gas_price":"0x3e281c6c42a18","l2_gas_consumed":"0x13c8e7a","l2_gas_price":"0xffffffffffffffffffffffffffffffff",
          "l1_data_gas_consumed":"0x41c","l1_data_gas_price":"0xa7d6730a77","overall_fee":"0xfffffffffffffffffffffffffffffffe","unit":"FRI"}]
        """;

    private const string TransactionExecutedKey = "0x1dcde06aabdbca2f80aa51392b345d7549d7757aa855f7e37f5d335ac8243b1";

    public static string ReceiptJson(string hash) => $$"""
        {"type":"INVOKE","transaction_hash":"{{hash}}","actual_fee":{"amount":"0x2386f26fc10000","unit":"FRI"},
         "finality_status":"ACCEPTED_ON_L2","execution_status":"SUCCEEDED","messages_sent":[],
         "events":[{"from_address":"0x54f8b8254a6c7d78998e64bdbae51174f3cbc1a535c2a882f7ab353d314e6b4",
                    "keys":["{{TransactionExecutedKey}}","{{hash}}"],"data":["0x1","0x0"]},
                   {"from_address":"0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d",
                    "keys":["0x99cd8bde557814842a3121e8ddfd433a539b8c9f14bf31ebf108d12e6196e9"],"data":["0x54f8","0x1","0x2386f26fc10000","0x0"]}],
         "execution_resources":{"l1_gas":0,"l1_data_gas":288,"l2_gas":1187200},
         "block_hash":"0x7d1a3b1c9b0c3f0a","block_number":812345}
        """;

    [Fact]
    public async Task ChainIdAsync_Sepolia_ReturnsFelt()
    {
        var (client, http) = RpcTestSupport.Create(new StubHttpHandler().Then(StubHttpHandler.Result("\"0x534e5f5345504f4c4941\"")));
        using (http)
        {
            Assert.Equal(CairoShortString.Encode("SN_SEPOLIA"), await client.ChainIdAsync());
        }
    }

    [Fact]
    public async Task SpecVersionAsync_String_ReturnsIt()
    {
        var (client, http) = RpcTestSupport.Create(new StubHttpHandler().Then(StubHttpHandler.Result("\"0.10.0\"")));
        using (http)
        {
            Assert.Equal("0.10.0", await client.SpecVersionAsync());
        }
    }

    [Fact]
    public async Task GetNonceAsync_HexNonce_ReturnsFelt()
    {
        var (client, http) = RpcTestSupport.Create(new StubHttpHandler().Then(StubHttpHandler.Result("\"0xfc\"")));
        using (http)
        {
            Assert.Equal(new Felt(0xfc), await client.GetNonceAsync(1, BlockId.PreConfirmed));
        }
    }

    [Fact]
    public async Task EstimateFeeAsync_FullWidthAmounts_ReadsWithoutTruncation()
    {
        var (client, http) = RpcTestSupport.Create(new StubHttpHandler().Then(StubHttpHandler.Result(FeeEstimateJson)));
        using (http)
        {
            var estimate = await client.EstimateFeeAsync(RpcTestSupport.SampleInvoke(), SimulationOptions.SkipValidate, BlockId.PreConfirmed);

            Assert.Equal(0UL, estimate.L1GasConsumed);
            Assert.Equal((UInt128)0x3e281c6c42a18, estimate.L1GasPrice);
            Assert.Equal(0x13c8e7aUL, estimate.L2GasConsumed);
            Assert.Equal(UInt128.MaxValue, estimate.L2GasPrice);
            Assert.Equal(0x41cUL, estimate.L1DataGasConsumed);
            Assert.Equal((UInt128)0xa7d6730a77, estimate.L1DataGasPrice);
            Assert.Equal(UInt128.MaxValue - 1, estimate.OverallFee);
            Assert.Equal(PriceUnit.Fri, estimate.Unit);
        }
    }

    [Theory]
    [InlineData("\"overall_fee\":\"0x100000000000000000000000000000000\"")]
    [InlineData("\"overall_fee\":\"12\"")]
    [InlineData("\"overall_fee\":true")]
    public async Task EstimateFeeAsync_AmountOutOfRangeOrMalformed_ThrowsResponseException(string overallFee)
    {
        var json = FeeEstimateJson.Replace("\"overall_fee\":\"0xfffffffffffffffffffffffffffffffe\"", overallFee, StringComparison.Ordinal);
        var (client, http) = RpcTestSupport.Create(new StubHttpHandler().Then(StubHttpHandler.Result(json)));
        using (http)
        {
            var ex = await Assert.ThrowsAsync<StarknetRpcResponseException>(
                () => client.EstimateFeeAsync(RpcTestSupport.SampleInvoke(), SimulationOptions.None, BlockId.Latest));
            Assert.Equal("starknet_estimateFee", ex.Method);
        }
    }

    [Fact]
    public async Task EstimateFeeAsync_FewerEstimatesThanTransactions_ThrowsResponseException()
    {
        var (client, http) = RpcTestSupport.Create(new StubHttpHandler().Then(StubHttpHandler.Result(FeeEstimateJson)));
        using (http)
        {
            var invoke = RpcTestSupport.SampleInvoke();
            await Assert.ThrowsAsync<StarknetRpcResponseException>(
                () => client.EstimateFeeAsync([invoke, invoke], SimulationOptions.None, BlockId.Latest));
        }
    }

    [Theory]
    [InlineData("{\"finality_status\":\"RECEIVED\"}", TransactionFinalityStatus.Received, null, null)]
    [InlineData("{\"finality_status\":\"CANDIDATE\"}", TransactionFinalityStatus.Candidate, null, null)]
    [InlineData("{\"finality_status\":\"PRE_CONFIRMED\",\"execution_status\":\"SUCCEEDED\"}", TransactionFinalityStatus.PreConfirmed, TransactionExecutionStatus.Succeeded, null)]
    [InlineData("{\"finality_status\":\"ACCEPTED_ON_L2\",\"execution_status\":\"SUCCEEDED\"}", TransactionFinalityStatus.AcceptedOnL2, TransactionExecutionStatus.Succeeded, null)]
    [InlineData("{\"finality_status\":\"ACCEPTED_ON_L1\",\"execution_status\":\"REVERTED\",\"failure_reason\":\"game/not-your-turn\"}", TransactionFinalityStatus.AcceptedOnL1, TransactionExecutionStatus.Reverted, "game/not-your-turn")]
    [InlineData("{\"finality_status\":\"REJECTED\",\"failure_reason\":\"session/expired\"}", TransactionFinalityStatus.Rejected, null, "session/expired")]
    public async Task GetTransactionStatusAsync_EachStatus_Parses(string json, TransactionFinalityStatus finality, TransactionExecutionStatus? execution, string? reason)
    {
        var (client, http) = RpcTestSupport.Create(new StubHttpHandler().Then(StubHttpHandler.Result(json)));
        using (http)
        {
            var status = await client.GetTransactionStatusAsync(1);

            Assert.Equal(new TransactionStatusResult(finality, execution, reason), status);
        }
    }

    [Fact]
    public async Task GetTransactionStatusAsync_UnknownStatus_ThrowsResponseException()
    {
        var (client, http) = RpcTestSupport.Create(new StubHttpHandler().Then(StubHttpHandler.Result("{\"finality_status\":\"PENDING\"}")));
        using (http)
        {
            await Assert.ThrowsAsync<StarknetRpcResponseException>(() => client.GetTransactionStatusAsync(1));
        }
    }

    [Fact]
    public async Task GetTransactionReceiptAsync_SucceededInvoke_ParsesEveryField()
    {
        const string hash = "0x20d407d4959a03bea4bd994c484b2cbe39e5ba462787a8d7ec919a0a1162f0a";
        var (client, http) = RpcTestSupport.Create(new StubHttpHandler().Then(StubHttpHandler.Result(ReceiptJson(hash))));
        using (http)
        {
            var receipt = await client.GetTransactionReceiptAsync(Felt.Parse(hash));

            Assert.Equal(TransactionType.Invoke, receipt.Type);
            Assert.Equal(Felt.Parse(hash), receipt.TransactionHash);
            Assert.Equal(new FeePayment(Felt.Parse("0x2386f26fc10000"), PriceUnit.Fri), receipt.ActualFee);
            Assert.Equal(TransactionFinalityStatus.AcceptedOnL2, receipt.FinalityStatus);
            Assert.Equal(TransactionExecutionStatus.Succeeded, receipt.ExecutionStatus);
            Assert.Null(receipt.RevertReason);
            Assert.Empty(receipt.MessagesSent);
            Assert.Equal(2, receipt.Events.Count);
            Assert.Equal([Felt.Parse(TransactionExecutedKey), Felt.Parse(hash)], receipt.Events[0].Keys);
            Assert.Equal([Felt.One, Felt.Zero], receipt.Events[0].Data);
            Assert.Equal(Felt.Parse("0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d"), receipt.Events[1].FromAddress);
            Assert.Equal(new ExecutionResources(0, 288, 1187200), receipt.ExecutionResources);
            Assert.Equal(Felt.Parse("0x7d1a3b1c9b0c3f0a"), receipt.BlockHash);
            Assert.Equal(812345UL, receipt.BlockNumber);
        }
    }

    [Fact]
    public async Task GetTransactionReceiptAsync_RevertedPreConfirmed_HasReasonAndNoBlockHash()
    {
        const string json = """
            {"type":"INVOKE","transaction_hash":"0xabc","actual_fee":{"amount":"0x10","unit":"FRI"},
             "finality_status":"PRE_CONFIRMED","execution_status":"REVERTED","revert_reason":"Error in the called contract: game/unknown-item",
             "messages_sent":[{"from_address":"0x1","to_address":"0x2","payload":["0x3"]}],"events":[],
             "execution_resources":{"l1_gas":1,"l1_data_gas":2,"l2_gas":3},"block_number":812346}
            """;
        var (client, http) = RpcTestSupport.Create(new StubHttpHandler().Then(StubHttpHandler.Result(json)));
        using (http)
        {
            var receipt = await client.GetTransactionReceiptAsync(0xabc);

            Assert.Equal(TransactionExecutionStatus.Reverted, receipt.ExecutionStatus);
            Assert.Equal("Error in the called contract: game/unknown-item", receipt.RevertReason);
            Assert.Equal(TransactionFinalityStatus.PreConfirmed, receipt.FinalityStatus);
            Assert.Null(receipt.BlockHash);
            Assert.Equal(812346UL, receipt.BlockNumber);
            var message = Assert.Single(receipt.MessagesSent);
            Assert.Equal(Felt.One, message.FromAddress);
            Assert.Equal(new Felt(2), message.ToAddress);
            Assert.Equal([new Felt(3)], message.Payload);
        }
    }

    [Fact]
    public async Task GetEventsAsync_PageWithToken_ParsesEventsAndToken()
    {
        const string json = """
            {"events":[
               {"from_address":"0x54f8","keys":["0x3738f33693f5ab1f9bcc240ce0bb23fdb0cd879f9e76ae01cbbd6ef1b359105"],"data":["0x77"],
                "block_hash":"0x99","block_number":100,"transaction_hash":"0xaa","transaction_index":4,"event_index":0},
               {"from_address":"0x54f8","keys":[],"data":[],"transaction_hash":"0xbb"}],
             "continuation_token":"101-0"}
            """;
        var (client, http) = RpcTestSupport.Create(new StubHttpHandler().Then(StubHttpHandler.Result(json)));
        using (http)
        {
            var page = await client.GetEventsAsync(new EventFilter { ChunkSize = 2 });

            Assert.Equal("101-0", page.ContinuationToken);
            Assert.Equal(2, page.Events.Count);
            var first = page.Events[0];
            Assert.Equal(new Felt(0x54f8), first.FromAddress);
            Assert.Equal([new Felt(0x77)], first.Data);
            Assert.Equal(new Felt(0x99), first.BlockHash);
            Assert.Equal(100UL, first.BlockNumber);
            Assert.Equal(new Felt(0xaa), first.TransactionHash);
            Assert.Equal(4UL, first.TransactionIndex);
            Assert.Equal(0UL, first.EventIndex);
            var pending = page.Events[1];
            Assert.Null(pending.BlockHash);
            Assert.Null(pending.BlockNumber);
            Assert.Null(pending.TransactionIndex);
        }
    }

    [Fact]
    public async Task CallAsync_ResultNotAnArray_ThrowsResponseException()
    {
        var (client, http) = RpcTestSupport.Create(new StubHttpHandler().Then(StubHttpHandler.Result("{\"x\":1}")));
        using (http)
        {
            await Assert.ThrowsAsync<StarknetRpcResponseException>(() => client.CallAsync(new FunctionCall(1, 2, []), BlockId.Latest));
        }
    }

    [Theory]
    [InlineData("<html>bad gateway</html>")]
    [InlineData("[1,2]")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":999,\"result\":\"0x1\"}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":\"nope\"}")]
    public async Task ChainIdAsync_MalformedEnvelope_ThrowsResponseException(string body)
    {
        var stub = new StubHttpHandler().Then(StubHttpHandler.Raw(body));
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            await Assert.ThrowsAsync<StarknetRpcResponseException>(() => client.ChainIdAsync());
            Assert.Single(stub.Requests);
        }
    }
}
