using Starknet.Transactions;

namespace Starknet.Rpc;

/// <summary>
/// The spec's <c>FUNCTION_CALL</c>, the request of <c>starknet_call</c>: a view call executed by the node without a
/// transaction.
/// </summary>
/// <param name="ContractAddress">The contract called (<c>contract_address</c>).</param>
/// <param name="EntryPointSelector">The entry point's selector, <c>starknet_keccak(name)</c> (<c>entry_point_selector</c>).</param>
/// <param name="Calldata">The serialized arguments (<c>calldata</c>).</param>
public sealed record FunctionCall(Felt ContractAddress, Felt EntryPointSelector, IReadOnlyList<Felt> Calldata)
{
    /// <summary>The same target, selector and calldata as a multicall <see cref="Call"/>.</summary>
    public static FunctionCall From(Call call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new(call.To, call.Selector, call.Calldata);
    }

    /// <summary>A call to an entry point given by name (the selector is computed with <see cref="Selector.FromName"/>).</summary>
    public static FunctionCall ToEntryPoint(Felt contractAddress, string entryPoint, params IReadOnlyList<Felt> calldata) =>
        new(contractAddress, Selector.FromName(entryPoint), calldata);
}
