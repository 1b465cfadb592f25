using System.Text.Json;
using Starknet.Tests.Infrastructure;
using Starknet.Transactions;

namespace Starknet.Tests;

/// <summary>INVOKE v3 hashes against txhash.json and sessions.json (starknet.js 10.8 / 8.5.2; spec §11).</summary>
[Trait("Category", "Vectors")]
public sealed class TransactionHashTests
{
    public static TheoryData<int> TxCases => VectorFiles.CaseIndexes("txhash.json", "cases");
    public static TheoryData<int> SessionCases => VectorFiles.CaseIndexes("sessions.json", "cases");

    private static InvokeTransactionV3 FromJson(JsonElement i) => new()
    {
        SenderAddress = i.Felt("sender_address"),
        Calldata = i.Felts(i.TryGetProperty("calldata", out _) ? "calldata" : "execute_calldata"),
        ChainId = i.Felt("chain_id"),
        Nonce = i.Felt("nonce"),
        Version = i.Felt("version"),
        ResourceBounds = JsonFelts.Bounds(i.GetProperty("resource_bounds")),
        Tip = i.Felt("tip").ToUInt64(),
        PaymasterData = i.Felts("paymaster_data"),
        AccountDeploymentData = i.Felts("account_deployment_data"),
        NonceDataAvailabilityMode = JsonFelts.Mode(i.GetProperty("nonce_data_availability_mode")),
        FeeDataAvailabilityMode = JsonFelts.Mode(i.GetProperty("fee_data_availability_mode")),
        ProofFacts = i.TryGetProperty("proof_facts", out var pf) ? pf.EnumerateArray().Select(JsonFelts.Read).ToArray() : null,
    };

    [Theory]
    [MemberData(nameof(TxCases))]
    public void InvokeV3_TxHashVector_MatchesEveryIntermediate(int index)
    {
        var c = VectorFiles.Case("txhash.json", "cases", index);
        var inputs = c.GetProperty("inputs");
        var mid = c.GetProperty("intermediate");
        var tx = FromJson(inputs);

        Assert.Equal(mid.Felt("l1_gas_bound_word"), TransactionHash.BoundWord(TransactionHash.L1GasName, tx.ResourceBounds.L1Gas));
        Assert.Equal(mid.Felt("l2_gas_bound_word"), TransactionHash.BoundWord(TransactionHash.L2GasName, tx.ResourceBounds.L2Gas));
        Assert.Equal(mid.Felt("l1_data_gas_bound_word"), TransactionHash.BoundWord(TransactionHash.L1DataName, tx.ResourceBounds.L1DataGas));
        Assert.Equal(mid.Felt("fee_field_hash"), TransactionHash.FeeFieldHash(tx.Tip, tx.ResourceBounds));
        Assert.Equal(mid.Felt("data_availability_modes_word"), TransactionHash.DataAvailabilityWord(tx.NonceDataAvailabilityMode, tx.FeeDataAvailabilityMode));
        Assert.Equal(mid.Felt("paymaster_data_hash"), Poseidon.HashMany(tx.PaymasterData.ToArray()));
        Assert.Equal(mid.Felt("account_deployment_data_hash"), Poseidon.HashMany(tx.AccountDeploymentData.ToArray()));
        Assert.Equal(mid.Felt("calldata_hash"), Poseidon.HashMany(tx.Calldata.ToArray()));

        // Where the case was built from calls, they serialize to exactly its calldata ("empty calldata" has neither).
        var calls = JsonFelts.Calls(inputs.GetProperty("calls"));
        if (tx.Calldata.Count > 0)
        {
            Assert.Equal(tx.Calldata, ExecuteCalldata.Encode(calls));
            Assert.Equal(mid.Felt("calldata_hash"), ExecuteCalldata.Hash(calls));
            Assert.Equal(c.Felt("transaction_hash"), TransactionHash.InvokeV3(tx, ExecuteCalldata.Hash(calls)));
        }

        var expected = c.Felt("transaction_hash");
        Assert.Equal(expected, tx.ComputeHash());
        Assert.Equal(expected, Poseidon.HashMany(mid.Felts("hashed_elements_in_order")));
        Assert.Equal(TransactionVersion.IsQuery(tx.Version), tx.Version == TransactionVersion.V3Query);
    }

    [Theory]
    [MemberData(nameof(SessionCases))]
    public void InvokeV3_SessionCaseTransaction_MatchesHash(int index)
    {
        var t = VectorFiles.Case("sessions.json", "cases", index).GetProperty("transaction");
        var tx = FromJson(t);
        Assert.Equal(tx.Calldata, ExecuteCalldata.Encode(JsonFelts.Calls(t.GetProperty("calls"))));
        Assert.Equal(t.Felt("transaction_hash"), tx.ComputeHash());
    }

    [Fact]
    public void InvokeV3_QueryVersion_ChangesHash()
    {
        var tx = new InvokeTransactionV3 { SenderAddress = 5, Calldata = [0], ChainId = 7, Nonce = 1 };
        Assert.Equal("0x100000000000000000000000000000003", TransactionVersion.V3Query.ToString());
        Assert.NotEqual(tx.ComputeHash(), (tx with { Version = TransactionVersion.V3Query }).ComputeHash());
    }

    [Fact]
    public void InvokeV3_EmptyProofFacts_HashedAsAbsent()
    {
        var tx = new InvokeTransactionV3 { SenderAddress = 5, Calldata = [0], ChainId = 7, Nonce = 1 };
        Assert.Equal(tx.ComputeHash(), (tx with { ProofFacts = [] }).ComputeHash());
        Assert.NotEqual(tx.ComputeHash(), (tx with { ProofFacts = [1] }).ComputeHash());
    }
}
