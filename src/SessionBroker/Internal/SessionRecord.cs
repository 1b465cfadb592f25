using Broker.Contracts.Session.V1;
using Starknet;
using Proto = Broker.Contracts.Common.V1;

namespace SessionBroker.Internal;

/// <summary>
/// A registered session as stored under <c>session:{hash}</c>. Felts are kept as 0x-hex strings, as on the wire, so
/// the JSON stays readable and needs no converter.
/// </summary>
internal sealed record SessionRecord
{
    public required string SessionHash { get; init; }
    public required string ChainId { get; init; }
    public required string AccountAddress { get; init; }
    public required string SessionPublicKey { get; init; }
    public required ulong ExpiresAt { get; init; }
    public required IReadOnlyList<StoredAllowedMethod> AllowedMethods { get; init; }
    public required string Metadata { get; init; }
    public string DappId { get; init; } = "";
    public required string OwnerPublicKey { get; init; }
    public required IReadOnlyList<string> Authorization { get; init; }
    public required string GuardianPublicKey { get; init; }

    /// <summary>
    /// Authorization caching was asked for at registration (account 0.5.0, spec §13.5). False in records written
    /// before the option existed.
    /// </summary>
    public bool CacheAuthorization { get; init; }
    public required long RegisteredAt { get; init; }
    public long? RevokedAt { get; init; }
    public bool RevokedOnChain { get; init; }

    public bool IsRevoked => RevokedAt is not null;

    public SessionStatus StatusAt(DateTimeOffset now) =>
        IsRevoked ? SessionStatus.Revoked
        : (ulong)Math.Max(0, now.ToUnixTimeSeconds()) > ExpiresAt ? SessionStatus.Expired
        : SessionStatus.Active;

    public SessionSpec ToSpec()
    {
        var spec = new SessionSpec
        {
            ChainId = ChainId,
            AccountAddress = AccountAddress,
            SessionPublicKey = SessionPublicKey,
            ExpiresAt = ExpiresAt,
            Metadata = Metadata,
            DappId = DappId,
        };
        spec.AllowedMethods.AddRange(AllowedMethods.Select(m => new Proto.AllowedMethod { ContractAddress = m.ContractAddress, EntryPoint = m.EntryPoint }));
        return spec;
    }

    public SessionInfo ToInfo(DateTimeOffset now) => new()
    {
        SessionHash = SessionHash,
        Spec = ToSpec(),
        Status = StatusAt(now),
        RegisteredAt = (ulong)RegisteredAt,
        RevokedAt = RevokedAt is { } revokedAt ? (ulong)revokedAt : 0,
        RevokedOnChain = RevokedOnChain,
        CacheOwnerGuid = CacheOwnerGuid.ToString(),
    };

    /// <summary>The cache field of every transaction's message m: 0, or the owner's GUID when caching.</summary>
    public Felt CacheOwnerGuid => CacheAuthorization ? SignerGuid.Starknet(Felt.Parse(OwnerPublicKey)) : Felt.Zero;

    public Felt Account => Felt.Parse(AccountAddress);
}

internal sealed record StoredAllowedMethod(string ContractAddress, string EntryPoint);

/// <summary>The head of an index (<c>index:account:{a}</c>, <c>index:dapp:{d}</c>): how many entries it holds.</summary>
internal sealed record IndexHead(long Count);

/// <summary>One index entry (<c>{head key}:{seq}</c>), numbered from 0 in registration order.</summary>
internal sealed record IndexEntry(string SessionHash);

/// <summary>Where the revocation watcher resumes (<c>watcher:revocations</c>).</summary>
internal sealed record WatcherCheckpoint(ulong NextBlock);
