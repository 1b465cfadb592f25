using System.Text.Json;
using Sessions;
using Starknet;
using Starknet.Tests.Infrastructure;
using Starknet.Transactions;

namespace Sessions.Tests.Support;

/// <summary>An in-memory account for the validator: storage, block timestamp and transaction context.</summary>
internal sealed class FakeAccount : ISessionAccountView
{
    public Felt Address { get; set; }

    public Felt ChainId { get; set; }

    public ulong BlockTimestamp { get; set; }

    public Felt CallerAddress { get; set; }

    public Felt TransactionVersion { get; set; } = Starknet.Transactions.TransactionVersion.V3;

    public List<AccountSigner> Owners { get; } = [];

    public List<AccountSigner> Guardians { get; } = [];

    public HashSet<Felt> Revoked { get; } = [];

    public Dictionary<(Felt Owner, Felt Guardian, Felt Session), uint> Cache { get; } = [];

    public HashSet<Felt> UsedNonces { get; } = [];

    IReadOnlyList<AccountSigner> ISessionAccountView.Owners => Owners;

    IReadOnlyList<AccountSigner> ISessionAccountView.Guardians => Guardians;

    public bool IsSessionRevoked(Felt sessionHash) => Revoked.Contains(sessionHash);

    public uint GetCachedAuthorizationLength(Felt ownerGuid, Felt guardianGuid, Felt sessionHash) =>
        Cache.TryGetValue((ownerGuid, guardianGuid, sessionHash), out var length) ? length : 0;

    public bool IsOutsideExecutionNonceUsed(Felt nonce) => UsedNonces.Contains(nonce);

    /// <summary>Applies what the account writes when the checks pass.</summary>
    public void Apply(SessionValidationResult result)
    {
        Assert.True(result.IsValid);
        if (result.CacheWrite is { } write)
        {
            Cache[(write.OwnerGuid, write.GuardianGuid, write.SessionHash)] = write.AuthorizationLength;
        }
        if (result.OutsideExecutionNonce is { } nonce)
        {
            UsedNonces.Add(nonce);
        }
    }

    /// <summary>The account of a case: its owner and guardian, and the block timestamp the simulation used (or 1 hour
    /// before expiry for the cases that were not simulated).</summary>
    public static FakeAccount ForCase(JsonElement c)
    {
        var inputs = c.GetProperty("inputs");
        var simulation = c.GetProperty("onchain_check_simulation");
        var account = new FakeAccount
        {
            Address = inputs.Felt("account_address"),
            ChainId = inputs.Felt("chain_id"),
            BlockTimestamp = simulation.TryGetProperty("block_timestamp_used", out var ts)
                ? JsonFelts.Read(ts).ToUInt64()
                : inputs.GetProperty("expires_at").GetUInt64() - 3600,
        };
        account.Owners.Add(AccountSigner.Starknet(inputs.Felt("owner_public_key")));
        account.Guardians.Add(AccountSigner.Starknet(inputs.Felt("guardian_public_key")));
        return account;
    }
}
