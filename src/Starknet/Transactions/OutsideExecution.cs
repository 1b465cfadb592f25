using System.Collections.Concurrent;

namespace Starknet.Transactions;

/// <summary>
/// A SNIP-9 version 2 outside execution: calls an account runs on behalf of a relayer that sends
/// <c>execute_from_outside_v2</c> and pays its fee (spec §12).
/// </summary>
/// <param name="Caller">The only address allowed to submit it, or <see cref="OutsideExecution.AnyCaller"/>.</param>
/// <param name="Nonce">A nonce of the signer's choosing; the account marks it used.</param>
/// <param name="ExecuteAfter">Earliest block timestamp, exclusive (u128, seconds).</param>
/// <param name="ExecuteBefore">Latest block timestamp, exclusive (u128, seconds).</param>
/// <param name="Calls">The calls to run.</param>
public sealed record OutsideExecution(Felt Caller, Felt Nonce, UInt128 ExecuteAfter, UInt128 ExecuteBefore, IReadOnlyList<Call> Calls)
{
    /// <summary><c>'ANY_CALLER'</c>: any address may submit the outside execution.</summary>
    public static Felt AnyCaller { get; } = Felt.Parse("0x414e595f43414c4c4552");

    /// <summary>Selector of <c>execute_from_outside_v2</c>.</summary>
    public static Felt ExecuteFromOutsideV2Selector { get; } = Felt.Parse("0x34cc13b274446654ca3233ed2c1620d4c5d1d32fd20b47146a3371064bdc57d");

    /// <summary>
    /// Type hash of <c>"OutsideExecution"("Caller":"ContractAddress","Nonce":"felt","Execute After":"u128","Execute Before":"u128","Calls":"Call*")"Call"(…)</c>.
    /// </summary>
    public static Felt OutsideExecutionTypeHash { get; } = Felt.Parse("0x312b56c05a7965066ddbda31c016d8d05afc305071c0ca3cdc2192c3c2f1f0f");

    /// <summary>Type hash of <c>"Call"("To":"ContractAddress","Selector":"selector","Calldata":"felt*")</c>.</summary>
    public static Felt CallTypeHash { get; } = Felt.Parse("0x3635c7f2a7ba93844c0d064e18e487f35ab90f7c39d00f186a781fc3f0c2ca9");

    /// <summary>Type hash of the SNIP-12 revision 1 <c>StarknetDomain</c>.</summary>
    public static Felt StarknetDomainTypeHash { get; } = Felt.Parse("0x1ff2f602e42168014d405a94f75e8a93d640751d71d16311266e140d8b0a210");

    /// <summary><c>'StarkNet Message'</c>, the SNIP-12 message prefix.</summary>
    public static Felt StarknetMessagePrefix { get; } = Felt.Parse("0x537461726b4e6574204d657373616765");

    /// <summary><c>'Account.execute_from_outside'</c>, the domain name.</summary>
    public static Felt DomainName { get; } = Felt.Parse("0x4163636f756e742e657865637574655f66726f6d5f6f757473696465");

    private static readonly ConcurrentDictionary<Felt, Felt> s_domainHashes = new();

    /// <summary>
    /// The domain struct hash for a chain: <c>Hm([domain_type_hash, name, 2, chain_id, 1])</c>. Version "2" and
    /// revision "1" hash as the felts 2 and 1, as the contract does. Cached per chain.
    /// </summary>
    public static Felt DomainHash(Felt chainId) => s_domainHashes.GetOrAdd(chainId,
        static id => Poseidon.HashMany([StarknetDomainTypeHash, DomainName, 2, id, 1]));

    /// <summary>The SNIP-12 struct hash of one call: <c>Hm([call_type_hash, to, selector, Hm(calldata)])</c>.</summary>
    public static Felt CallHash(Call call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var calldata = new PoseidonHasher();
        for (var i = 0; i < call.Calldata.Count; i++)
        {
            calldata.Update(call.Calldata[i]);
        }
        return Poseidon.HashMany([CallTypeHash, call.To, call.Selector, calldata.Finish()]);
    }

    /// <summary>The SNIP-12 struct hash of this outside execution.</summary>
    public Felt StructHash()
    {
        var calls = new PoseidonHasher();
        for (var i = 0; i < Calls.Count; i++)
        {
            calls.Update(CallHash(Calls[i]));
        }
        return Poseidon.HashMany([OutsideExecutionTypeHash, Caller, Nonce, Felt.FromUInt128(ExecuteAfter), Felt.FromUInt128(ExecuteBefore), calls.Finish()]);
    }

    /// <summary>
    /// The message hash the account checks (SNIP-12 revision 1):
    /// <c>Hm(['StarkNet Message', domain_hash(chain), account, struct_hash])</c>. In sessions this is the execution hash
    /// that <c>m</c> covers (spec §9).
    /// </summary>
    public Felt MessageHash(Felt chainId, Felt accountAddress) =>
        Poseidon.HashMany([StarknetMessagePrefix, DomainHash(chainId), accountAddress, StructHash()]);

    /// <summary>
    /// The <c>execute_from_outside_v2</c> call on <paramref name="accountAddress"/>, with calldata
    /// <c>[caller, nonce, execute_after, execute_before, n_calls, (to, selector, len, data…)…, sig_len, sig…]</c>.
    /// </summary>
    public Call ToExecuteFromOutsideCall(Felt accountAddress, IReadOnlyList<Felt> signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var calldata = new Felt[4 + ExecuteCalldata.Length(Calls) + 1 + signature.Count];
        calldata[0] = Caller;
        calldata[1] = Nonce;
        calldata[2] = Felt.FromUInt128(ExecuteAfter);
        calldata[3] = Felt.FromUInt128(ExecuteBefore);
        var k = 4 + ExecuteCalldata.Write(Calls, calldata.AsSpan(4));
        calldata[k++] = (ulong)signature.Count;
        for (var i = 0; i < signature.Count; i++)
        {
            calldata[k++] = signature[i];
        }
        return new Call(accountAddress, ExecuteFromOutsideV2Selector, calldata);
    }
}
