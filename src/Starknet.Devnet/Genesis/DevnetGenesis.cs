using System.Text;

namespace Starknet.Devnet;

/// <summary>
/// The initial chain of a devnet: chain id, block time, gas prices, the STRK fee token, prefunded Argent accounts,
/// relayer accounts, extra balances and sample game contracts. Read from a genesis JSON file with <see cref="Load"/> or
/// <see cref="Parse"/>, or built in code.
/// </summary>
/// <remarks>
/// <para>The genesis file (every member optional except the account addresses; felts are <c>0x</c> hex or decimal
/// strings, amounts are decimal or <c>0x</c> hex strings or JSON integers; members starting with <c>_</c> or <c>$</c>
/// are comments; any other unknown member is an error):</para>
/// <code>
/// {
///   "chain_id": "SN_DEVNET",            // a short string, or a 0x felt such as "0x534e5f5345504f4c4941"
///   "block_time_ms": 0,                 // 0 = instant blocks; the --block-time option overrides it
///   "sequencer_address": "0x…",         // receives the fees
///   "gas_prices": { "l1_gas": "…", "l1_data_gas": "…", "l2_gas": "…" },   // FRI per gas unit
///   "fee_token": { "address": "0x…" },  // the STRK ERC-20 (balance_of, transfer); default: the mainnet STRK address
///   "argent_accounts": [ {              // Argent 0.5.0 accounts, one Starknet owner and at most one Starknet guardian
///       "address": "0x…",
///       "owner_private_key": "0x…",     // optional: kept for tools and tests that sign; the devnet only needs the public key
///       "owner_public_key": "0x…",      // optional when the private key is given (derived, and checked when both are)
///       "guardian_private_key": "0x…", "guardian_public_key": "0x…",   // both optional: no guardian, no sessions
///       "nonce": "0x0", "balance": "1000000000000000000000" } ],
///   "relayer_accounts": [ {             // plain accounts: one key, signature [r, s] over the transaction hash
///       "address": "0x…", "private_key": "0x…", "public_key": "0x…", "nonce": "0x0", "balance": "…" } ],
///   "balances": { "0x…": "…" },         // extra STRK balances for any address
///   "game_contracts": [ "0x…" ]         // instances of the sample game contract
/// }
/// </code>
/// <para>Private keys are parsed so that tools reading the same file can sign; the devnet never logs them and only uses
/// the public keys. <c>ToString()</c> of the account records leaves them out.</para>
/// </remarks>
public sealed record DevnetGenesis
{
    /// <summary><c>'SN_DEVNET'</c>, the default chain id.</summary>
    public static Felt DefaultChainId { get; } = CairoShortString.Encode("SN_DEVNET");

    /// <summary>The STRK token address on Starknet mainnet and Sepolia, the default fee token address.</summary>
    public static Felt DefaultFeeTokenAddress { get; } = Felt.Parse("0x04718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d");

    /// <summary>The default sequencer (fee recipient) address.</summary>
    public static Felt DefaultSequencerAddress { get; } = Felt.Parse("0x1176a1bd84444c89232ec27754698e5d2e7e1a7f1539f12027f28b23ec9f3d8");

    /// <summary>An empty chain: default chain id, prices and fee token, no accounts, instant blocks.</summary>
    public static DevnetGenesis Default { get; } = new();

    /// <summary>The chain id (<c>starknet_chainId</c>); it enters every transaction hash and session hash.</summary>
    public Felt ChainId { get; init; } = DefaultChainId;

    /// <summary>Milliseconds between blocks; 0 for instant blocks. <see cref="DevnetOptions.BlockTimeMilliseconds"/> overrides it.</summary>
    public int BlockTimeMilliseconds { get; init; }

    /// <summary>The gas prices, in FRI per unit.</summary>
    public GasPrices GasPrices { get; init; } = GasPrices.Default;

    /// <summary>The STRK fee token's address.</summary>
    public Felt FeeTokenAddress { get; init; } = DefaultFeeTokenAddress;

    /// <summary>The sequencer address, which receives the fees.</summary>
    public Felt SequencerAddress { get; init; } = DefaultSequencerAddress;

    /// <summary>Prefunded Argent 0.5.0 accounts.</summary>
    public IReadOnlyList<GenesisArgentAccount> ArgentAccounts { get; init; } = [];

    /// <summary>Prefunded plain accounts (relayers).</summary>
    public IReadOnlyList<GenesisRelayerAccount> RelayerAccounts { get; init; } = [];

    /// <summary>Extra STRK balances, in FRI, for any address.</summary>
    public IReadOnlyDictionary<Felt, UInt128> Balances { get; init; } = new Dictionary<Felt, UInt128>();

    /// <summary>Addresses of sample game contract instances.</summary>
    public IReadOnlyList<Felt> GameContracts { get; init; } = [];

    /// <summary>Reads a genesis file.</summary>
    /// <param name="path">The file path.</param>
    /// <exception cref="FormatException">The file is not a valid genesis (the message names the member).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static DevnetGenesis Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return GenesisReader.Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses genesis JSON.</summary>
    /// <param name="json">The JSON text.</param>
    /// <exception cref="FormatException">The text is not a valid genesis (the message names the member).</exception>
    public static DevnetGenesis Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return GenesisReader.Parse(json, "genesis");
    }
}

/// <summary>Gas prices in FRI (10^-18 STRK) per unit of gas.</summary>
/// <param name="L1Gas">Price of L1 gas (u128).</param>
/// <param name="L1DataGas">Price of L1 data (blob) gas (u128).</param>
/// <param name="L2Gas">Price of L2 gas (u128).</param>
public sealed record GasPrices(UInt128 L1Gas, UInt128 L1DataGas, UInt128 L2Gas)
{
    /// <summary>
    /// Mainnet-like defaults: L1 gas 3·10^13, L1 data gas 10^11 and L2 gas 8·10^9 FRI. They are below the bounds of every
    /// transaction in the session vectors, so those transactions are accepted as recorded.
    /// </summary>
    public static GasPrices Default { get; } = new(30_000_000_000_000, 100_000_000_000, 8_000_000_000);
}

/// <summary>A prefunded Argent 0.5.0 account: one Starknet owner and at most one Starknet guardian.</summary>
public sealed record GenesisArgentAccount
{
    /// <summary>The account address.</summary>
    public required Felt Address { get; init; }

    /// <summary>The owner's stark key.</summary>
    public required Felt OwnerPublicKey { get; init; }

    /// <summary>The guardian's stark key, or null for an account without a guardian (sessions then cannot work).</summary>
    public Felt? GuardianPublicKey { get; init; }

    /// <summary>The owner's private key when the genesis carries it (for tools that sign); never used by the devnet.</summary>
    public Felt? OwnerPrivateKey { get; init; }

    /// <summary>The guardian's private key when the genesis carries it; never used by the devnet.</summary>
    public Felt? GuardianPrivateKey { get; init; }

    /// <summary>The initial nonce.</summary>
    public ulong Nonce { get; init; }

    /// <summary>The initial STRK balance, in FRI.</summary>
    public UInt128 Balance { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Address = ").Append(Address)
            .Append(", OwnerPublicKey = ").Append(OwnerPublicKey)
            .Append(", GuardianPublicKey = ").Append(GuardianPublicKey?.ToString() ?? "none")
            .Append(", Nonce = ").Append(Nonce)
            .Append(", Balance = ").Append(Balance);
        return true;
    }
}

/// <summary>A prefunded plain account (a relayer): one stark key; its signature is <c>[r, s]</c> over the transaction hash.</summary>
public sealed record GenesisRelayerAccount
{
    /// <summary>The account address.</summary>
    public required Felt Address { get; init; }

    /// <summary>The account's stark key.</summary>
    public required Felt PublicKey { get; init; }

    /// <summary>The private key when the genesis carries it (for tools that sign); never used by the devnet.</summary>
    public Felt? PrivateKey { get; init; }

    /// <summary>The initial nonce.</summary>
    public ulong Nonce { get; init; }

    /// <summary>The initial STRK balance, in FRI.</summary>
    public UInt128 Balance { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Address = ").Append(Address)
            .Append(", PublicKey = ").Append(PublicKey)
            .Append(", Nonce = ").Append(Nonce)
            .Append(", Balance = ").Append(Balance);
        return true;
    }
}
