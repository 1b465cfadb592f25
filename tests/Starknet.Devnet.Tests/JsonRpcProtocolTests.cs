using System.Net;
using System.Text;
using System.Text.Json;
using Starknet.Devnet.Tests.Support;

namespace Starknet.Devnet.Tests;

/// <summary>The JSON-RPC 2.0 envelope of our devnet stand-in (not a real node), over raw HTTP: bad input gets a JSON-RPC error, never a 500.</summary>
public sealed class JsonRpcProtocolTests(DevnetFixture fixture) : IClassFixture<DevnetFixture>
{
    private readonly TestNode _node = fixture.Node;

    [Fact]
    public async Task Post_NotJson_AnswersParseError()
    {
        var (status, body) = await PostAsync("{\"jsonrpc\":\"2.0\",");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(-32700, body.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("id").ValueKind);
    }

    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"starknet_addInvokeTransaction\",\"params\":{\"invoke_transaction\":{\"type\":\"INVOKE\",\"sender_address\":\"0x1\",\"calldata\":[],\"signature\":[],\"nonce\":\"0x0\",\"resource_bounds\":{\"l1_gas\":{\"max_amount\":\"0x0\",\"max_price_per_unit\":\"0x0\"},\"l2_gas\":{\"max_amount\":\"12\",\"max_price_per_unit\":\"0x1\"},\"l1_data_gas\":{\"max_amount\":\"0x0\",\"max_price_per_unit\":\"0x0\"}},\"tip\":\"0x0\",\"paymaster_data\":[],\"account_deployment_data\":[],\"nonce_data_availability_mode\":\"L1\",\"fee_data_availability_mode\":\"L1\",\"version\":\"0x3\"}}}",
        "invoke_transaction.resource_bounds.l2_gas.max_amount")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"starknet_getNonce\",\"params\":{\"block_id\":\"latest\"}}", "contract_address")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"starknet_getNonce\",\"params\":{\"block_id\":\"newest\",\"contract_address\":\"0x1\"}}", "block_id")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"starknet_call\",\"params\":{\"request\":{\"contract_address\":\"0x1\",\"entry_point_selector\":\"0x2\",\"calldata\":[\"0x1\",7]},\"block_id\":\"latest\"}}", "request.calldata[1]")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"starknet_getEvents\",\"params\":{\"filter\":{\"chunk_size\":0}}}", "filter.chunk_size")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"starknet_estimateFee\",\"params\":{\"request\":[],\"simulation_flags\":[],\"block_id\":\"latest\"}}", "request")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"starknet_getTransactionStatus\",\"params\":[\"0x1\",\"0x2\"]}", "params")]
    public async Task Post_BadParams_AnswersInvalidParamsNamingTheField(string request, string field)
    {
        var (status, body) = await PostAsync(request);

        Assert.Equal(HttpStatusCode.OK, status);
        var error = body.GetProperty("error");
        Assert.Equal(-32602, error.GetProperty("code").GetInt32());
        Assert.StartsWith(field + ":", error.GetProperty("data").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, body.GetProperty("id").GetInt32());
    }

    [Theory]
    [InlineData("{\"id\":1,\"method\":\"starknet_chainId\"}", -32600)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1}", -32600)]
    [InlineData("[]", -32600)]
    [InlineData("42", -32600)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"starknet_getBlockWithTxs\"}", -32601)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"starknet_chainId\",\"params\":\"x\"}", -32602)]
    public async Task Post_BadEnvelope_AnswersTheJsonRpcError(string request, int code)
    {
        var (status, body) = await PostAsync(request);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(code, body.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Post_BatchWithPositionalParams_AnswersEachRequest()
    {
        var (_, body) = await PostAsync(
            $"[{{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"starknet_getNonce\",\"params\":[\"latest\",\"{TestChain.Relayer}\"]}}," +
            "{\"jsonrpc\":\"2.0\",\"method\":\"starknet_chainId\"}," +
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"starknet_specVersion\"}]");

        Assert.Equal(JsonValueKind.Array, body.ValueKind);
        Assert.Equal(2, body.GetArrayLength()); // the notification gets no answer
        Assert.Equal("a", body[0].GetProperty("id").GetString());
        Assert.Equal("0x0", body[0].GetProperty("result").GetString());
        Assert.Equal("0.10.0", body[1].GetProperty("result").GetString());
    }

    [Fact]
    public async Task Post_OnlyANotification_AnswersNoContent()
    {
        using var response = await _node.Http.PostAsync(_node.Host.RpcEndpoint,
            new StringContent("{\"jsonrpc\":\"2.0\",\"method\":\"starknet_chainId\"}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Post_BodyAboveTheLimit_Answers413WithAJsonRpcError()
    {
        var padding = new string(' ', _node.Host.Options.MaxRequestBodyBytes + 1);

        using var request = new HttpRequestMessage(HttpMethod.Post, _node.Host.RpcEndpoint)
        {
            Content = new StringContent("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"starknet_chainId\"}" + padding, Encoding.UTF8, "application/json"),
        };
        // Wait for the server's verdict before sending the body, so the answer can be read.
        request.Headers.ExpectContinue = true;

        using var response = await _node.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(-32600, body.RootElement.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Get_Root_SaysWhatTheNodeIs()
    {
        var text = await _node.Http.GetStringAsync(_node.Host.BaseAddress);

        Assert.Contains("development and test node, not a consensus client", text, StringComparison.Ordinal);
        Assert.Equal(IPAddress.Loopback.ToString(), _node.Host.BaseAddress.Host);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string json)
    {
        using var response = await _node.Http.PostAsync(_node.Host.RpcEndpoint, new StringContent(json, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(text);
        return (response.StatusCode, doc.RootElement.Clone());
    }
}
