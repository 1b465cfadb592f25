using Starknet.Tests.Infrastructure;
using Starknet.Transactions;

namespace Starknet.Tests;

/// <summary>SNIP-9 v2 outside-execution hashes and calls against crypto.json and sessions.json (spec §12).</summary>
[Trait("Category", "Vectors")]
public sealed class OutsideExecutionTests
{
    public static TheoryData<int> SessionCasesWithOutsideExecution()
    {
        var data = new TheoryData<int>();
        var i = 0;
        foreach (var c in VectorFiles.Cases("sessions.json", "cases"))
        {
            if (c.TryGetProperty("outside_execution", out _))
            {
                data.Add(i);
            }
            i++;
        }
        return data;
    }

    [Fact]
    public void MessageHash_CryptoSnip9Case_MatchesTypedDataHashes()
    {
        var c = VectorFiles.Cases("crypto.json", "snip12_rev1_typed_data").Single(e => e.GetProperty("name").GetString()!.StartsWith("SNIP-9", StringComparison.Ordinal));
        var td = c.GetProperty("typed_data");
        var oe = FromTypedDataMessage(td.GetProperty("message"));
        var chainId = CairoShortString.Encode(td.GetProperty("domain").GetProperty("chainId").GetString()!);

        Assert.Equal(c.GetProperty("type_hashes").Felt("OutsideExecution"), OutsideExecution.OutsideExecutionTypeHash);
        Assert.Equal(c.GetProperty("type_hashes").Felt("Call"), OutsideExecution.CallTypeHash);
        Assert.Equal(c.GetProperty("type_hashes").Felt("StarknetDomain"), OutsideExecution.StarknetDomainTypeHash);
        Assert.Equal(c.Felt("domain_struct_hash"), OutsideExecution.DomainHash(chainId));
        Assert.Equal(c.Felt("message_struct_hash"), oe.StructHash());
        Assert.Equal(c.Felt("message_hash"), oe.MessageHash(chainId, c.Felt("account_address")));
    }

    [Theory]
    [MemberData(nameof(SessionCasesWithOutsideExecution))]
    public void MessageHashAndCall_SessionCase_MatchVector(int index)
    {
        var c = VectorFiles.Case("sessions.json", "cases", index);
        var inputs = c.GetProperty("inputs");
        var o = c.GetProperty("outside_execution");
        var oe = FromTypedDataMessage(o.GetProperty("outside_execution_typed_data").GetProperty("message"));
        var account = inputs.Felt("account_address");

        Assert.Equal(o.Felt("outside_execution_message_hash"), oe.MessageHash(inputs.Felt("chain_id"), account));

        var expectedCall = o.GetProperty("execute_from_outside_v2_call");
        var call = oe.ToExecuteFromOutsideCall(account, o.Felts("session_token_signature_array"));
        Assert.Equal(expectedCall.Felt("contract_address"), call.To);
        Assert.Equal(expectedCall.Felt("selector"), call.Selector);
        Assert.Equal(Selector.FromName("execute_from_outside_v2"), call.Selector);
        Assert.Equal(expectedCall.Felts("calldata"), call.Calldata);
    }

    [Fact]
    public void DomainHash_KnownChains_MatchSessionConstants()
    {
        var constants = VectorFiles.Load("sessions.json").GetProperty("constants").GetProperty("precomputed_domain_permutations");
        foreach (var chain in new[] { "SN_MAIN", "SN_SEPOLIA" })
        {
            Assert.Equal(constants.GetProperty(chain).Felt("outside_execution_v2_domain_struct_hash"), OutsideExecution.DomainHash(CairoShortString.Encode(chain)));
        }
    }

    private static OutsideExecution FromTypedDataMessage(System.Text.Json.JsonElement m) => new(
        m.Felt("Caller"),
        m.Felt("Nonce"),
        (UInt128)m.Felt("Execute After").ToBigInteger(),
        (UInt128)m.Felt("Execute Before").ToBigInteger(),
        m.GetProperty("Calls").EnumerateArray()
            .Select(call => new Call(call.Felt("To"), call.Felt("Selector"), call.Felts("Calldata")))
            .ToArray());
}
