using Starknet;
using Starknet.Transactions;

namespace Sessions;

/// <summary>
/// Fixed values of the Argent session protocol (spec §4, §5, §10), as compiled into account 0.5.0
/// (<c>session.cairo</c>, <c>session_hash.cairo</c>) and used by @argent/x-sessions 9.0.4.
/// Every value is checked against <c>sessions.json → constants</c> by the tests.
/// </summary>
public static class SessionConstants
{
    /// <summary><c>'session-token'</c>: element 0 of every session token; its presence makes the account treat the
    /// signature as a session (spec §10).</summary>
    public static Felt SessionMagic { get; } = CairoShortString.Encode("session-token");

    /// <summary>The SNIP-12 name of the session struct, the typed data's <c>primaryType</c>.</summary>
    public const string SessionTypeName = "Session";

    /// <summary>The SNIP-12 name of the Merkle leaf struct.</summary>
    public const string AllowedMethodTypeName = "Allowed Method";

    /// <summary>The session domain name as text.</summary>
    public const string DomainNameText = "SessionAccount.session";

    /// <summary>
    /// <c>starknet_keccak('"Session"("Expires At":"timestamp","Allowed Methods":"merkletree","Metadata":"string","Session Key":"felt")')</c>.
    /// </summary>
    public static Felt SessionTypeHash { get; } = Felt.Parse("0x2a7d1ecdf754b100d735189f4969485656c828bfcb863a154c61199caa02434");

    /// <summary>
    /// <c>starknet_keccak('"Allowed Method"("Contract Address":"ContractAddress","selector":"selector")')</c>, the first
    /// element of every allowed-method leaf (spec §6).
    /// </summary>
    public static Felt AllowedMethodTypeHash { get; } = Felt.Parse("0x38bb0eaaded40ffd0ffd2995e2b7603ee76746158c2f7cd494f201d4ca16a86");

    /// <summary><c>'SessionAccount.session'</c>, the session domain name as a felt.</summary>
    public static Felt DomainName { get; } = CairoShortString.Encode(DomainNameText);

    /// <summary>
    /// The session domain version <c>'1'</c> = 0x31. The typed data must carry it as <c>"0x31"</c>: the text
    /// <c>"1"</c> would hash as the number 1 and no longer match the contract (spec §4).
    /// </summary>
    public static Felt DomainVersion { get; } = 0x31;

    /// <summary>The SNIP-12 revision, 1, hashed as the number 1.</summary>
    public static Felt DomainRevision { get; } = 1;

    /// <summary>The SNIP-12 revision 1 <c>StarknetDomain</c> type hash (spec §3).</summary>
    public static Felt StarknetDomainTypeHash => OutsideExecution.StarknetDomainTypeHash;

    /// <summary><c>'StarkNet Message'</c> (capital N), the first element of every SNIP-12 message hash.</summary>
    public static Felt StarknetMessagePrefix => OutsideExecution.StarknetMessagePrefix;
}
