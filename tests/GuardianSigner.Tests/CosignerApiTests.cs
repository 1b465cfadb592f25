using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Broker.Contracts.Guardian.V1;
using GuardianSigner.Tests.Infrastructure;

namespace GuardianSigner.Tests;

/// <summary>
/// Refusals of the cosigner HTTP API: a bad body is a 400 naming the field; policy refusals are 403/404/409 JSON.
/// Built on sessions.json case 1's recorded bodies (INVOKE) and case 2's (outside execution), mutated.
/// </summary>
public sealed class CosignerApiTests : IDisposable
{
    private readonly string _statePath = GuardianHost.NewStatePath();
    private readonly List<GuardianHost> _hosts = [];

    public void Dispose()
    {
        foreach (var host in _hosts) host.Dispose();
        GuardianHost.DeleteState(_statePath);
    }

    private async Task<(HttpClient Client, GuardianHost Host)> RegisteredAsync(int index, IDictionary<string, string?>? policy = null)
    {
        var host = VectorSessions.StartHost(index, _statePath, policy);
        _hosts.Add(host);
        await host.Client.CosignAuthorizationAsync(VectorSessions.AuthorizationRequest(index));
        return (host.CreateClient(), host);
    }

    private static JsonNode Body(int index, bool outside = false)
    {
        var c = VectorSessions.Case(index);
        var request = outside ? c.GetProperty("outside_execution").GetProperty("cosigner_request") : c.GetProperty("cosigner_request");
        return JsonNode.Parse(request.GetProperty("body").GetRawText())!;
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string path, string body, HttpStatusCode expected, string? status = null, string? field = null)
    {
        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {json.GetRawText()}");
        if (expected != HttpStatusCode.OK)
        {
            Assert.False(string.IsNullOrEmpty(json.GetProperty("error").GetString()));
        }
        if (status is not null) Assert.Equal(status, json.GetProperty("status").GetString());
        if (field is not null) Assert.Equal(field, json.GetProperty("field").GetString());
        return json;
    }

    private static Task<JsonElement> SignSession(HttpClient client, JsonNode body, HttpStatusCode expected, string? status = null, string? field = null) =>
        PostAsync(client, "/cosigner/signSession", body.ToJsonString(), expected, status, field);

    [Fact]
    public async Task SignSession_NotJson_Is400()
    {
        var (client, _) = await RegisteredAsync(0);
        await PostAsync(client, "/cosigner/signSession", "{not json", HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "body");
    }

    [Fact]
    public async Task SignSession_MalformedFields_Are400NamingTheField()
    {
        var (client, _) = await RegisteredAsync(0);

        var noTransaction = Body(0);
        noTransaction.AsObject().Remove("transaction");
        await SignSession(client, noTransaction, HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "transaction");

        var badFelt = Body(0);
        badFelt["transaction"]!["calldata"]![2] = "12abc";
        await SignSession(client, badFelt, HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "transaction.calldata[2]");

        var truncated = Body(0);
        truncated["transaction"]!["calldata"]!.AsArray().RemoveAt(5);
        await SignSession(client, truncated, HttpStatusCode.BadRequest, "INVALID_ARGUMENT");

        var badHash = Body(0);
        badHash["session"]!["sessionHash"] = "0xxyz";
        await SignSession(client, badHash, HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "session.sessionHash");

        var badBound = Body(0);
        badBound["transaction"]!["resource_bounds"]!["l2_gas"]!["max_amount"] = "18446744073709551616"; // 2^64
        await SignSession(client, badBound, HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "transaction.resource_bounds.l2_gas.max_amount");

        var paymaster = Body(0);
        paymaster["transaction"]!["paymaster_data"] = new JsonArray("1");
        await SignSession(client, paymaster, HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "transaction.paymaster_data");

        var query = Body(0);
        query["transaction"]!["version"] = "0x100000000000000000000000000000003";
        await SignSession(client, query, HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "transaction.version");

        var signerType = Body(0);
        signerType["session"]!["sessionSignature"]!["type"] = "Secp256k1";
        await SignSession(client, signerType, HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "session.sessionSignature.type");

        var oversized = Body(0);
        oversized["transaction"]!["calldata"] = new JsonArray(Enumerable.Range(0, 9000).Select(i => (JsonNode?)JsonValue.Create("1")).ToArray());
        await SignSession(client, oversized, HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "transaction.calldata");
    }

    [Fact]
    public async Task SignSession_PolicyRefusals_UseTheirHttpStatus()
    {
        var (client, host) = await RegisteredAsync(0);

        var unknown = Body(0);
        unknown["session"]!["sessionHash"] = "0x1234";
        await SignSession(client, unknown, HttpStatusCode.NotFound, "SESSION_NOT_FOUND", "session.sessionHash");

        var badSignature = Body(0);
        badSignature["session"]!["sessionSignature"]!["signer"]!["r"] = "12345";
        await SignSession(client, badSignature, HttpStatusCode.Forbidden, "SESSION_SIGNATURE_INVALID");

        var otherKey = Body(0);
        otherKey["session"]!["sessionSignature"]!["signer"]!["publicKey"] = "0x1";
        await SignSession(client, otherKey, HttpStatusCode.Forbidden, "SESSION_KEY_MISMATCH");

        var tamperedAuthorization = Body(0);
        tamperedAuthorization["session"]!["sessionAuthorisation"]![7] = "0x1";
        await SignSession(client, tamperedAuthorization, HttpStatusCode.Forbidden, "AUTHORIZATION_INVALID", "session.sessionAuthorisation");

        var otherChain = Body(0);
        otherChain["transaction"]!["chain_id"] = "0x534e5f4d41494e";
        await SignSession(client, otherChain, HttpStatusCode.Conflict, "CHAIN_MISMATCH");

        await host.Client.RevokeSessionAsync(new GuardianRevokeSessionRequest { SessionHash = Body(0)["session"]!["sessionHash"]!.GetValue<string>() });
        await SignSession(client, Body(0), HttpStatusCode.Conflict, "SESSION_REVOKED");
    }

    [Fact]
    public async Task SignSession_FeesEnforced_VectorTransactionOverItsAllowance_Is403()
    {
        // Case 4 allows 0.64 STRK; its transaction may cost up to 43 STRK.
        var (client, _) = await RegisteredAsync(3, new Dictionary<string, string?>
        {
            ["Policy:Default:MaxSessionDuration"] = TimeSpan.MaxValue.ToString(),
        });
        var json = await SignSession(client, Body(3), HttpStatusCode.Forbidden, "FEE_LIMIT", "transaction.resource_bounds");
        Assert.StartsWith("fee limit", json.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignSessionEfo_TamperedTypedData_Is400_OrRefused()
    {
        var (client, _) = await RegisteredAsync(1);

        var version1 = Body(1, outside: true);
        version1["message"]!["message"]!["domain"]!["version"] = "1";
        await PostAsync(client, "/cosigner/signSessionEFO", version1.ToJsonString(), HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "message.message.domain");

        var noCalls = Body(1, outside: true);
        noCalls["message"]!["message"]!["message"]!.AsObject().Remove("Calls");
        await PostAsync(client, "/cosigner/signSessionEFO", noCalls.ToJsonString(), HttpStatusCode.BadRequest, "INVALID_ARGUMENT");

        var otherAccount = Body(1, outside: true);
        otherAccount["message"]!["accountAddress"] = "0x1234";
        await PostAsync(client, "/cosigner/signSessionEFO", otherAccount.ToJsonString(), HttpStatusCode.Conflict, "ACCOUNT_MISMATCH", "message.accountAddress");

        var otherCall = Body(1, outside: true);
        otherCall["message"]!["message"]!["message"]!["Calls"]![0]!["Calldata"]![0] = "0x2e8";
        // The session key signed other calldata: the signature no longer verifies.
        await PostAsync(client, "/cosigner/signSessionEFO", otherCall.ToJsonString(), HttpStatusCode.Forbidden, "SESSION_SIGNATURE_INVALID");
    }
}
