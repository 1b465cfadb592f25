using Microsoft.Extensions.Options;
using Starknet.Devnet.Tests.Support;

namespace Starknet.Devnet.Tests;

/// <summary>The genesis file and the options of our devnet stand-in (not a real node).</summary>
public sealed class GenesisTests
{
    private static string SamplePath => Path.Combine(AppContext.BaseDirectory, "genesis.sample.json");

    [Fact]
    public void Load_Sample_GivesAccountsWithMatchingKeys()
    {
        var genesis = DevnetGenesis.Load(SamplePath);

        Assert.Equal(DevnetGenesis.DefaultChainId, genesis.ChainId);
        Assert.Equal(0, genesis.BlockTimeMilliseconds);
        Assert.Equal(2, genesis.ArgentAccounts.Count);
        Assert.Single(genesis.RelayerAccounts);
        Assert.Single(genesis.GameContracts);
        Assert.All(genesis.ArgentAccounts, a =>
        {
            Assert.Equal(Ecdsa.GetPublicKey(a.OwnerPrivateKey!.Value), a.OwnerPublicKey);
            Assert.Equal(Ecdsa.GetPublicKey(a.GuardianPrivateKey!.Value), a.GuardianPublicKey);
            Assert.Equal(1000 * TestChain.Strk, a.Balance);
        });
        Assert.Equal(GasPrices.Default, genesis.GasPrices);
    }

    [Fact]
    public async Task StartAsync_SampleGenesis_ServesItsAccounts()
    {
        var genesis = DevnetGenesis.Load(SamplePath);
        await using var node = await TestNode.StartAsync(genesis);

        var account = genesis.ArgentAccounts[0];
        var guids = await node.Client.CallAsync(Starknet.Rpc.FunctionCall.ToEntryPoint(account.Address, "get_owners_guids"), Starknet.Rpc.BlockId.Latest);
        Assert.Equal([Felt.One, SignerGuid.Starknet(account.OwnerPublicKey)], guids);
        Assert.Equal(genesis.ChainId, await node.Client.ChainIdAsync());
    }

    [Theory]
    [InlineData("{\"chain_id\": 5}", "'chain_id'")]
    [InlineData("{\"argent_accounts\": [{\"owner_public_key\": \"0x1\"}]}", "'argent_accounts[0].address'")]
    [InlineData("{\"argent_accounts\": [{\"address\": \"0x1\", \"owner_private_key\": \"0x1\", \"owner_public_key\": \"0x2\"}]}", "'argent_accounts[0].owner_public_key'")]
    [InlineData("{\"relayer_accounts\": [{\"address\": \"0x1\", \"public_key\": \"0x2\", \"balance\": \"-1\"}]}", "'relayer_accounts[0].balance'")]
    [InlineData("{\"gas_prices\": {\"l3_gas\": \"1\"}}", "'gas_prices.l3_gas'")]
    [InlineData("{\"game_contract\": \"0x1\"}", "'game_contract'")]
    [InlineData("{\"fee_token\": {\"symbol\": \"ETH\"}}", "'fee_token.symbol'")]
    public void Parse_BadMember_NamesIt(string json, string member)
    {
        var error = Assert.Throws<FormatException>(() => DevnetGenesis.Parse(json));

        Assert.Contains(member, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ShortStringChainIdAndComments_AreAccepted()
    {
        var genesis = DevnetGenesis.Parse("{\"_note\": \"x\", \"chain_id\": \"SN_SEPOLIA\", \"block_time_ms\": 250, \"balances\": {\"0x5\": \"0x10\"}}");

        Assert.Equal(CairoShortString.Encode("SN_SEPOLIA"), genesis.ChainId);
        Assert.Equal(250, genesis.BlockTimeMilliseconds);
        Assert.Equal((UInt128)16, genesis.Balances[5]);
    }

    [Fact]
    public void ToString_Accounts_LeaveThePrivateKeysOut()
    {
        var genesis = DevnetGenesis.Load(SamplePath);

        var text = string.Join("\n", genesis.ArgentAccounts.Select(a => a.ToString()).Concat(genesis.RelayerAccounts.Select(r => r.ToString())));

        Assert.Contains(genesis.ArgentAccounts[0].OwnerPublicKey.ToString(), text, StringComparison.Ordinal);
        Assert.DoesNotContain(genesis.ArgentAccounts[0].OwnerPrivateKey!.Value.ToString(), text, StringComparison.Ordinal);
        Assert.DoesNotContain(genesis.RelayerAccounts[0].PrivateKey!.Value.ToString(), text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_BadOptions_ReportsEveryProblem()
    {
        var options = new DevnetOptions
        {
            Port = -1,
            BlockTimeMilliseconds = -5,
            Faults = new FaultInjectionOptions { TransientErrorRate = 2, DropSubmissionRate = -0.1 },
        };

        var result = new DevnetOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(5, result.Failures.Count());
        await Assert.ThrowsAsync<OptionsValidationException>(() => DevnetHost.StartAsync(options, DevnetGenesis.Default));
    }
}
