using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GuardianSigner.Tests.Infrastructure;
using Starknet;
using Starknet.Tests.Infrastructure;

namespace GuardianSigner.Tests;

/// <summary>
/// The Argent-compatible cosigner HTTP API against the exact bodies @argent/x-sessions 9.0.4 sent
/// (sessions.json → cases[*].cosigner_request and outside_execution.cosigner_request): with the case's guardian key,
/// the signature returned equals the vector's guardian signature. Each case first registers its session over gRPC,
/// which must reproduce the vector's guardian signature over the session hash too.
/// </summary>
[Trait("Category", "Vectors")]
public sealed class CosignerApiVectorTests
{
    public static TheoryData<int> Cases => VectorFiles.CaseIndexes("sessions.json", "cases");

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task CosignerApi_RecordedBodies_ReturnTheVectorGuardianSignature(int index)
    {
        var statePath = GuardianHost.NewStatePath();
        try
        {
            using var host = VectorSessions.StartHost(index, statePath);
            var c = VectorSessions.Case(index);

            var authorization = await host.Client.CosignAuthorizationAsync(VectorSessions.AuthorizationRequest(index));
            var expectedAuthorization = c.GetProperty("authorization").GetProperty("guardian_signature");
            Assert.Equal(c.GetProperty("session_request").GetProperty("session_message_hash").GetString(), authorization.SessionHash);
            Assert.Equal(JsonFelts.Read(expectedAuthorization.GetProperty("r")), Felt.Parse(authorization.GuardianSignature.R));
            Assert.Equal(JsonFelts.Read(expectedAuthorization.GetProperty("s")), Felt.Parse(authorization.GuardianSignature.S));

            using var client = host.CreateClient();
            await AssertCosigns(client, c.GetProperty("cosigner_request"));
            if (c.TryGetProperty("outside_execution", out var outside))
            {
                await AssertCosigns(client, outside.GetProperty("cosigner_request"));
            }
        }
        finally
        {
            GuardianHost.DeleteState(statePath);
        }
    }

    private static async Task AssertCosigns(HttpClient client, JsonElement recorded)
    {
        Assert.Equal("POST", recorded.GetProperty("method").GetString());
        using var response = await client.PostAsync(recorded.GetProperty("url_path").GetString(),
            new StringContent(recorded.GetProperty("body").GetRawText(), System.Text.Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.GetRawText());

        var expected = recorded.GetProperty("mock_response_body").GetProperty("signature");
        var actual = body.GetProperty("signature");
        Assert.Equal(expected.GetProperty("publicKey").GetString(), actual.GetProperty("publicKey").GetString());
        Assert.Equal(JsonFelts.Read(expected.GetProperty("r")), Felt.Parse(actual.GetProperty("r").GetString()!));
        Assert.Equal(JsonFelts.Read(expected.GetProperty("s")), Felt.Parse(actual.GetProperty("s").GetString()!));
        Assert.StartsWith("0x", actual.GetProperty("r").GetString(), StringComparison.Ordinal);
    }
}
