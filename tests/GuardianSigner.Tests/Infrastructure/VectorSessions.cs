using System.Text.Json;
using Broker.Contracts.Guardian.V1;
using Microsoft.Extensions.Time.Testing;
using Starknet.Tests.Infrastructure;

namespace GuardianSigner.Tests.Infrastructure;

/// <summary>
/// Sessions of sessions.json registered with a guardian that holds the case's guardian key, as they would have
/// been by SessionBroker: CosignAuthorization with the definition and the owner's signature from the vector.
/// </summary>
internal static class VectorSessions
{
    /// <summary>Before every vector session's expiry and inside every outside-execution window (2025-04-18).</summary>
    public static readonly DateTimeOffset Clock = DateTimeOffset.FromUnixTimeSeconds(1_745_000_000);

    /// <summary>
    /// The vectors' transactions exceed their own metadata fee allowances (the generator drew both at random), and
    /// some sessions last decades, so the vector guardian enforces no fee limit and no duration limit.
    /// </summary>
    public static readonly Dictionary<string, string?> LenientPolicy = new()
    {
        ["Policy:Default:EnforceTxFees"] = "false",
        ["Policy:Default:MaxSessionDuration"] = TimeSpan.MaxValue.ToString(), // case 6 expires in year 36812
        ["Policy:Default:TransactionsPerMinute"] = "0",
    };

    public static JsonElement Case(int index) => VectorFiles.Case("sessions.json", "cases", index);

    public static GuardianHost StartHost(int index, string statePath, IDictionary<string, string?>? policy = null) =>
        new(Case(index).GetProperty("inputs").GetProperty("guardian_private_key").GetString()!, new FakeTimeProvider(Clock), statePath, policy ?? LenientPolicy);

    public static CosignAuthorizationRequest AuthorizationRequest(int index)
    {
        var c = Case(index);
        var inputs = c.GetProperty("inputs");
        var definition = new SessionDefinition
        {
            ChainId = inputs.GetProperty("chain_id").GetString()!,
            AccountAddress = inputs.GetProperty("account_address").GetString()!,
            SessionPublicKey = inputs.GetProperty("session_public_key").GetString()!,
            ExpiresAt = inputs.GetProperty("expires_at").GetUInt64(),
            Metadata = c.GetProperty("session_request").GetProperty("metadata_string").GetString()!,
        };
        foreach (var method in inputs.GetProperty("allowed_methods").EnumerateArray())
        {
            definition.AllowedMethods.Add(new Broker.Contracts.Common.V1.AllowedMethod
            {
                ContractAddress = method.GetProperty("contract_address").GetString()!,
                EntryPoint = method.GetProperty("selector_name").GetString()!,
            });
        }
        var owner = c.GetProperty("authorization").GetProperty("owner_signature");
        return new CosignAuthorizationRequest
        {
            Session = definition,
            OwnerPublicKey = inputs.GetProperty("owner_public_key").GetString()!,
            OwnerSignature = new Broker.Contracts.Common.V1.StarkSignature { R = owner.GetProperty("r").GetString()!, S = owner.GetProperty("s").GetString()! },
        };
    }
}
