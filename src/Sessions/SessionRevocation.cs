using Starknet;
using Starknet.Transactions;

namespace Sessions;

/// <summary>
/// Revocation and cache queries of account 0.5.0 (spec §13.5, §13.6): the <c>revoke_session</c> call, the calldata of
/// the <c>is_session_revoked</c> and <c>is_session_authorization_cached</c> views, and the <c>SessionRevoked</c> event.
/// </summary>
public static class SessionRevocation
{
    /// <summary><c>starknet_keccak("revoke_session")</c>.</summary>
    public static Felt RevokeSessionSelector { get; } = Selector.FromName("revoke_session");

    /// <summary><c>starknet_keccak("is_session_revoked")</c>.</summary>
    public static Felt IsSessionRevokedSelector { get; } = Selector.FromName("is_session_revoked");

    /// <summary><c>starknet_keccak("is_session_authorization_cached")</c>.</summary>
    public static Felt IsSessionAuthorizationCachedSelector { get; } = Selector.FromName("is_session_authorization_cached");

    /// <summary>
    /// The only key of the emitted <c>SessionRevoked { session_hash }</c> event: <c>starknet_keccak("SessionRevoked")</c>
    /// (the session component's event is <c>#[flat]</c> in the account, so there is no component key). Its data is
    /// <c>[session_hash]</c>.
    /// </summary>
    public static Felt SessionRevokedEventKey { get; } = Selector.FromName("SessionRevoked");

    /// <summary>
    /// The call <c>revoke_session(session_hash)</c> on the account. Only the account itself may call it
    /// (<c>argent/only-self</c>), so it goes into a normal owner+guardian-signed transaction; a second revocation
    /// panics with <c>session/already-revoked</c>.
    /// </summary>
    /// <param name="accountAddress">The account.</param>
    /// <param name="sessionHash">The session hash to revoke.</param>
    public static Call RevokeSessionCall(Felt accountAddress, Felt sessionHash) =>
        new(accountAddress, RevokeSessionSelector, [sessionHash]);

    /// <summary>Calldata of <c>is_session_revoked(session_hash) -> bool</c>: <c>[session_hash]</c>.</summary>
    /// <param name="sessionHash">The session hash.</param>
    public static Felt[] IsSessionRevokedCalldata(Felt sessionHash) => [sessionHash];

    /// <summary>
    /// Calldata of the 0.5.0 view <c>is_session_authorization_cached(session_hash, owner_guid, guardian_guid) -> bool</c>.
    /// (Account ≤ 0.4.0 took only <c>[session_hash]</c>.)
    /// </summary>
    /// <param name="sessionHash">The session hash.</param>
    /// <param name="ownerGuid">GUID of the owner that signed the authorization.</param>
    /// <param name="guardianGuid">GUID of the guardian that signed the authorization.</param>
    public static Felt[] IsSessionAuthorizationCachedCalldata(Felt sessionHash, Felt ownerGuid, Felt guardianGuid) =>
        [sessionHash, ownerGuid, guardianGuid];

    /// <summary>Reads a <c>SessionRevoked</c> event from an emitted event's keys and data.</summary>
    /// <param name="keys">The event keys; must be exactly <c>[SessionRevokedEventKey]</c>.</param>
    /// <param name="data">The event data; must be exactly <c>[session_hash]</c>.</param>
    /// <param name="sessionHash">The revoked session hash.</param>
    /// <returns>True when the event is a <c>SessionRevoked</c> event.</returns>
    public static bool TryReadSessionRevokedEvent(IReadOnlyList<Felt> keys, IReadOnlyList<Felt> data, out Felt sessionHash)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(data);
        sessionHash = default;
        if (keys.Count != 1 || keys[0] != SessionRevokedEventKey || data.Count != 1)
        {
            return false;
        }
        sessionHash = data[0];
        return true;
    }
}
