using System.Text.RegularExpressions;
using Starknet;

namespace Sessions;

/// <summary>
/// One method a session may call: a contract address and an entry-point name (spec §4, §6).
/// </summary>
/// <remarks>
/// The entry point is kept as a name because the typed data carries the name and hashes it with
/// <c>starknet_keccak</c>; a hex selector would hash as itself in the typed data while x-sessions still hashes it as
/// a name for the Merkle leaves, so the two roots would disagree (spec §4, "XS quirks"). Names that look like hex are
/// therefore rejected.
/// </remarks>
public sealed partial record AllowedMethod
{
    // Leaves by (contract, selector), public data, at most 4096.
    private static readonly Starknet.Internal.BoundedCache<(Felt, Felt), Felt> s_leaves = new(4096);

    /// <summary>Creates an allowed method.</summary>
    /// <param name="contractAddress">The contract the session may call.</param>
    /// <param name="entryPoint">The entry-point name, e.g. <c>transfer</c>; printable ASCII, not of the form <c>0x…</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="entryPoint"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="entryPoint"/> is empty, not printable ASCII, or looks like a hex selector.</exception>
    public AllowedMethod(Felt contractAddress, string entryPoint)
    {
        ArgumentNullException.ThrowIfNull(entryPoint);
        if (entryPoint.Length == 0 || Internal.JsonText.IndexOfNonPrintableAscii(entryPoint) >= 0)
        {
            throw new ArgumentException("An entry-point name must be non-empty printable ASCII.", nameof(entryPoint));
        }
        if (HexSelector().IsMatch(entryPoint))
        {
            throw new ArgumentException($"'{entryPoint}' looks like a hex selector; give the entry-point name (spec §4).", nameof(entryPoint));
        }
        ContractAddress = contractAddress;
        EntryPoint = entryPoint;
        Selector = Starknet.Selector.FromName(entryPoint);
        Leaf = ComputeLeaf(contractAddress, Selector);
    }

    /// <summary>The contract the session may call.</summary>
    public Felt ContractAddress { get; }

    /// <summary>The entry-point name.</summary>
    public string EntryPoint { get; }

    /// <summary><c>starknet_keccak(EntryPoint)</c>.</summary>
    public Felt Selector { get; }

    /// <summary>The Merkle leaf: <c>Hm([ALLOWED_METHOD_TYPE_HASH, contract_address, selector])</c>.</summary>
    public Felt Leaf { get; }

    /// <summary>
    /// The Merkle leaf of a (contract, selector) pair, which the contract computes from each call's
    /// <c>to</c> and <c>selector</c>: <c>Hm([ALLOWED_METHOD_TYPE_HASH, contract_address, selector])</c>.
    /// </summary>
    /// <param name="contractAddress">The contract address.</param>
    /// <param name="selector">The entry-point selector.</param>
    public static Felt ComputeLeaf(Felt contractAddress, Felt selector)
    {
        // Every party computes the leaf of every call of every transaction (the client and broker for the proofs, the
        // guardian and the chain to check them), and a session's calls repeat a few methods: memoized.
        if (!s_leaves.TryGet((contractAddress, selector), out var leaf))
        {
            leaf = Poseidon.HashMany([SessionConstants.AllowedMethodTypeHash, contractAddress, selector]);
            s_leaves.Add((contractAddress, selector), leaf);
        }
        return leaf;
    }

    // starknet.js prepareSelector treats exactly this pattern as a selector value.
    [GeneratedRegex("^0[xX][0-9a-fA-F]*$", RegexOptions.CultureInvariant)]
    private static partial Regex HexSelector();
}
