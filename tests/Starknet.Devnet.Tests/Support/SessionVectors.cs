using System.Text.Json;
using Sessions;
using Starknet.Rpc;
using Starknet.Tests.Infrastructure;
using Starknet.Transactions;

namespace Starknet.Devnet.Tests.Support;

/// <summary>Turns the cases of sessions.json into devnet state and transactions.</summary>
internal static class SessionVectors
{
    public const string File = "sessions.json";

    public static JsonElement Case(int index) => VectorFiles.Case(File, "cases", index);

    /// <summary>Cases simulated on chain (0.5.0 rules); the others carry the legacy cache flag 1.</summary>
    public static TheoryData<int> Simulated() => Where(c => c.GetProperty("onchain_check_simulation").TryGetProperty("block_timestamp_used", out _));

    public static TheoryData<int> Legacy() => Where(c => c.GetProperty("inputs").GetProperty("cache_authorisation_flag").GetBoolean());

    public static TheoryData<int> With(string property) => Where(c => c.TryGetProperty(property, out _));

    public static TheoryData<int, int> Mutations()
    {
        var data = new TheoryData<int, int>();
        var i = 0;
        foreach (var c in VectorFiles.Cases(File, "cases"))
        {
            for (var m = 0; m < c.GetProperty("negative_mutations").GetArrayLength(); m++)
            {
                data.Add(i, m);
            }
            i++;
        }
        return data;
    }

    public static Felt Account(JsonElement c) => c.GetProperty("inputs").Felt("account_address");

    public static Felt ChainId(JsonElement c) => c.GetProperty("inputs").Felt("chain_id");

    public static ulong ExpiresAt(JsonElement c) => c.GetProperty("inputs").GetProperty("expires_at").GetUInt64();

    /// <summary>The block timestamp the on-chain simulation used (inside the session's validity).</summary>
    public static ulong SimulationTimestamp(JsonElement c) =>
        JsonFelts.Read(c.GetProperty("onchain_check_simulation").GetProperty("block_timestamp_used")).ToUInt64();

    public static Call[] Calls(JsonElement c) => JsonFelts.Calls(c.GetProperty("transaction").GetProperty("calls"));

    public static Felt[] Signature(JsonElement c) => c.GetProperty("session_token").Felts("signature_array");

    /// <summary>The recorded INVOKE v3 transaction, every hashed field as in the vector.</summary>
    public static InvokeTransactionV3 Transaction(JsonElement c)
    {
        var t = c.GetProperty("transaction");
        return new InvokeTransactionV3
        {
            SenderAddress = t.Felt("sender_address"),
            Calldata = t.Felts("execute_calldata"),
            ChainId = t.Felt("chain_id"),
            Nonce = t.Felt("nonce"),
            Version = t.Felt("version"),
            ResourceBounds = JsonFelts.Bounds(t.GetProperty("resource_bounds")),
            Tip = t.Felt("tip").ToUInt64(),
            PaymasterData = t.Felts("paymaster_data"),
            AccountDeploymentData = t.Felts("account_deployment_data"),
            NonceDataAvailabilityMode = JsonFelts.Mode(t.GetProperty("nonce_data_availability_mode")),
            FeeDataAvailabilityMode = JsonFelts.Mode(t.GetProperty("fee_data_availability_mode")),
        };
    }

    public static Felt TransactionHash(JsonElement c) => c.GetProperty("transaction").Felt("transaction_hash");

    /// <summary>The relayer that submits the case's outside execution: its <c>caller</c>, or any address for ANY_CALLER.</summary>
    public static Felt Relayer(JsonElement c)
    {
        var caller = c.GetProperty("outside_execution").GetProperty("params").Felt("caller");
        return caller == OutsideExecution.AnyCaller ? TestChain.Relayer : caller;
    }

    /// <summary>
    /// The case's account (owner, guardian, the transaction's nonce, 1000 STRK) on the case's chain, a game contract at
    /// every address the case's calls target, and a relayer for its outside execution.
    /// </summary>
    public static DevnetGenesis Genesis(JsonElement c)
    {
        var inputs = c.GetProperty("inputs");
        var games = new HashSet<Felt>(Calls(c).Select(call => call.To));
        var relayers = new List<GenesisRelayerAccount>();
        if (c.TryGetProperty("outside_execution", out var o))
        {
            foreach (var call in o.GetProperty("outside_execution_typed_data").GetProperty("message").GetProperty("Calls").EnumerateArray())
            {
                games.Add(call.Felt("To"));
            }
            relayers.Add(new GenesisRelayerAccount { Address = Relayer(c), PublicKey = Ecdsa.GetPublicKey(TestChain.RelayerKey), Balance = 1000 * TestChain.Strk });
        }
        return new DevnetGenesis
        {
            ChainId = inputs.Felt("chain_id"),
            ArgentAccounts =
            [
                new GenesisArgentAccount
                {
                    Address = inputs.Felt("account_address"),
                    OwnerPublicKey = inputs.Felt("owner_public_key"),
                    GuardianPublicKey = inputs.Felt("guardian_public_key"),
                    Nonce = c.GetProperty("transaction").Felt("nonce").ToUInt64(),
                    Balance = 1000 * TestChain.Strk,
                },
            ],
            RelayerAccounts = relayers,
            GameContracts = [.. games],
        };
    }

    /// <summary>
    /// Puts the devnet in the case's state at <paramref name="timestamp"/>. Timestamps past the year 9999 (case 6 expires
    /// at 2^40) go through the state's clock shift, since a <see cref="DateTimeOffset"/> cannot hold them.
    /// </summary>
    public static void Load(TestNode node, JsonElement c, ulong timestamp)
    {
        const ulong maxClock = 253_402_300_799;
        var clock = Math.Min(timestamp, TestChain.StartTime);
        clock = timestamp <= maxClock ? timestamp : clock;
        node.Time.SetUnixSeconds(clock);
        node.Host.Reset(Genesis(c));
        node.State.ClockShiftSeconds = checked((long)(timestamp - clock));
        Assert.Equal(timestamp, node.State.CurrentTimestamp);
    }

    /// <summary>
    /// Re-signs a session token for another execution hash with the case's session and guardian keys, keeping the
    /// session, cache field, authorization and proofs (optionally replacing the cache field and authorization).
    /// </summary>
    public static Felt[] Resign(JsonElement c, Felt[] token, Felt executionHash, Felt? cacheField = null, IReadOnlyList<Felt>? authorization = null)
    {
        var inputs = c.GetProperty("inputs");
        var parsed = SessionToken.Parse(token);
        var sessionHash = parsed.Session.ComputeHash(inputs.Felt("chain_id"), inputs.Felt("account_address"));
        var cache = cacheField ?? parsed.CacheField;
        var m = SessionMessage.Hash(executionHash, sessionHash, cache);
        return new SessionToken(SessionTokenLayout.CacheOwnerGuid, parsed.Session, cache, authorization ?? parsed.Authorization,
            StarknetSignerSignature.Sign(inputs.Felt("session_private_key"), m),
            StarknetSignerSignature.Sign(inputs.Felt("guardian_private_key"), m),
            parsed.Proofs).ToFelts();
    }

    public static Felt SessionHash(JsonElement c, Felt[] token) =>
        SessionToken.Parse(token).Session.ComputeHash(ChainId(c), Account(c));

    private static TheoryData<int> Where(Func<JsonElement, bool> predicate)
    {
        var data = new TheoryData<int>();
        var i = 0;
        foreach (var c in VectorFiles.Cases(File, "cases"))
        {
            if (predicate(c))
            {
                data.Add(i);
            }
            i++;
        }
        return data;
    }
}
