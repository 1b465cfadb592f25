using System.Numerics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Sessions;
using Starknet.Devnet.Contracts;
using Starknet.Devnet.Execution;
using Starknet.Devnet.Hosting;
using Starknet.Devnet.Rpc;
using Starknet.Devnet.State;
using Starknet.Rpc;
using Starknet.Transactions;

namespace Starknet.Devnet;

/// <summary>
/// The chain of a devnet: contracts and their storage, blocks, the mempool and every transaction. All reads and writes
/// go through one lock, so the JSON-RPC handlers, the block producer and tests can use it from any thread. Tests read it
/// for assertions and change it behind the node's back (time goes through the host's <see cref="TimeProvider"/>).
/// </summary>
/// <remarks>
/// <para>Admission (<c>starknet_addInvokeTransaction</c>), in order: the query version is refused (UNSUPPORTED_TX_VERSION);
/// a hash already received, pre-confirmed or accepted answers DUPLICATE_TX; an unknown sender fails validation, a
/// non-account sender is NON_ACCOUNT; gas prices below the block's answer INSUFFICIENT_RESOURCES_FOR_VALIDATE; the nonce
/// must equal the account's nonce plus the number of its transactions still waiting (RECEIVED) — lower or higher answers
/// INVALID_TRANSACTION_NONCE, so the devnet keeps no gapped transactions (a real node may queue a small gap); the balance
/// must cover the maximal fee (INSUFFICIENT_ACCOUNT_BALANCE); <c>__validate__</c> runs with the block timestamp rounded down
/// to the hour and a failure answers VALIDATION_FAILURE whose data is the account's error string (spec 0.10 nodes refuse
/// such a transaction at once; REJECTED is not used for it); finally the L2 gas bound must cover validation
/// (INSUFFICIENT_RESOURCES_FOR_VALIDATE).</para>
/// <para>Execution: the sequencer runs <c>__validate__</c> again on the block's state (if the state changed since
/// admission and it fails, the transaction is dropped as REJECTED with the reason; only interval mode can see this), uses
/// the nonce, runs <c>__execute__</c> with the exact block timestamp, and charges the fee. A panic in execution, a
/// forced revert, or gas beyond the bounds (<c>Insufficient max L2Gas</c> / <c>Insufficient max L1DataGas</c>) reverts the
/// calls: REVERTED with the reason, nonce used, fee charged. Blocks: instant mode puts every transaction in a block of its
/// own at once (ACCEPTED_ON_L2); interval mode gives RECEIVED → PRE_CONFIRMED (executed at the next tick) →
/// ACCEPTED_ON_L2 (sealed at the tick after). Empty blocks are not produced.</para>
/// <para>History: nonces are kept per block for <c>starknet_getNonce</c>; every other read (calls, balances) sees the
/// newest state, pre-confirmed block included. <c>l1_accepted</c> means <c>latest</c> (nothing reaches L1 here).</para>
/// </remarks>
public sealed class DevnetState
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Felt, DevnetContract> _contracts = [];
    private readonly FeeTokenContract _feeToken;
    private readonly List<Block> _blocks = [];
    private readonly List<TransactionRecord> _mempool = [];
    private readonly Dictionary<Felt, TransactionRecord> _transactions = [];
    private readonly Dictionary<Felt, List<(ulong Block, ulong Nonce)>> _nonceHistory = [];
    private readonly TimeProvider _time;
    private readonly FaultInjector _faults;
    private readonly ILogger _logger;
    private readonly DevnetOptions _options;
    private readonly CalldataHashMemo _calldataHashes = new();
    private Block? _preConfirmed;
    private long _clockShiftSeconds;

    internal DevnetState(DevnetGenesis genesis, DevnetOptions options, TimeProvider time, FaultInjector faults, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        _options = options;
        _time = time;
        _faults = faults;
        _logger = logger;
        ChainId = genesis.ChainId;
        GasPrices = genesis.GasPrices;
        FeeTokenAddress = genesis.FeeTokenAddress;
        SequencerAddress = genesis.SequencerAddress;
        BlockTime = TimeSpan.FromMilliseconds(options.BlockTimeMilliseconds ?? genesis.BlockTimeMilliseconds);

        var block0 = new Block(0, Felt.Zero, Now());
        block0.Seal(SequencerAddress);
        _blocks.Add(block0);

        _feeToken = new FeeTokenContract(FeeTokenAddress);
        _contracts.Add(FeeTokenAddress, _feeToken);
        foreach (var account in genesis.ArgentAccounts)
        {
            AddArgentAccount(account);
        }
        foreach (var relayer in genesis.RelayerAccounts)
        {
            AddRelayerAccount(relayer);
        }
        foreach (var game in genesis.GameContracts)
        {
            DeployGameContract(game);
        }
        foreach (var (address, amount) in genesis.Balances)
        {
            _feeToken.SetBalance(address, amount);
        }
    }

    /// <summary>The chain id (<c>starknet_chainId</c>).</summary>
    public Felt ChainId { get; }

    /// <summary>The gas prices every block uses, in FRI per unit.</summary>
    public GasPrices GasPrices { get; }

    /// <summary>The STRK fee token's address.</summary>
    public Felt FeeTokenAddress { get; }

    /// <summary>The address that receives the fees.</summary>
    public Felt SequencerAddress { get; }

    /// <summary>Time between blocks; <see cref="TimeSpan.Zero"/> in instant mode.</summary>
    public TimeSpan BlockTime { get; }

    /// <summary>True when every transaction gets a block of its own at once.</summary>
    public bool IsInstantMode => BlockTime == TimeSpan.Zero;

    /// <summary>The number of the newest sealed (ACCEPTED_ON_L2) block; 0 is the genesis block.</summary>
    public ulong LatestBlockNumber
    {
        get
        {
            lock (_lock)
            {
                return Latest.Number;
            }
        }
    }

    /// <summary>
    /// Seconds added to the <see cref="TimeProvider"/>'s time for block timestamps (0 by default; may be negative). It
    /// moves the chain's clock without touching the host's, and reaches timestamps a <see cref="DateTimeOffset"/> cannot
    /// hold (after the year 9999), which u64 session expiries can name.
    /// </summary>
    public long ClockShiftSeconds
    {
        get => Interlocked.Read(ref _clockShiftSeconds);
        set => Interlocked.Exchange(ref _clockShiftSeconds, value);
    }

    /// <summary>The timestamp the next block gets, Unix seconds: the clock plus <see cref="ClockShiftSeconds"/>, at least 0.</summary>
    public ulong CurrentTimestamp => Now();

    /// <summary>How many transactions wait in the mempool (RECEIVED).</summary>
    public int PendingTransactionCount
    {
        get
        {
            lock (_lock)
            {
                return _mempool.Count;
            }
        }
    }

    private Block Latest => _blocks[^1];

    /// <summary>The ECDSA results of this chain's contracts, memoized (same inputs, same result).</summary>
    internal SignatureMemo Signatures { get; } = new();

    /// <summary>The session and outside-execution hashes of this chain's Argent accounts, memoized by content.</summary>
    internal MessageHashMemo Hashes { get; } = new();

    // ---------------------------------------------------------------- accounts and contracts (tests, genesis)

    /// <summary>Deploys (or replaces) an Argent 0.5.0 account: its signers, nonce and balance; no session state.</summary>
    public void AddArgentAccount(GenesisArgentAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        Felt[] guardians = account.GuardianPublicKey is { } g ? [g] : [];
        lock (_lock)
        {
            Deploy(new ArgentAccountContract(account.Address, account.Nonce, [AccountSigner.Starknet(account.OwnerPublicKey)],
                guardians.Select(AccountSigner.Starknet)));
            _feeToken.SetBalance(account.Address, account.Balance);
        }
    }

    /// <summary>Deploys (or replaces) a plain relayer account.</summary>
    public void AddRelayerAccount(GenesisRelayerAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        lock (_lock)
        {
            Deploy(new RelayerAccountContract(account.Address, account.PublicKey, account.Nonce));
            _feeToken.SetBalance(account.Address, account.Balance);
        }
    }

    /// <summary>Deploys (or replaces) an instance of the sample game contract.</summary>
    public void DeployGameContract(Felt address)
    {
        lock (_lock)
        {
            Deploy(new GameContract(address));
        }
    }

    /// <summary>Whether a contract is deployed at <paramref name="address"/>.</summary>
    public bool IsDeployed(Felt address)
    {
        lock (_lock)
        {
            return _contracts.ContainsKey(address);
        }
    }

    /// <summary>The account's nonce after every executed transaction (waiting ones not counted).</summary>
    /// <exception cref="KeyNotFoundException">No account at <paramref name="account"/>.</exception>
    public ulong GetNonce(Felt account)
    {
        lock (_lock)
        {
            return Account(account).Nonce;
        }
    }

    /// <summary>Sets an account's nonce behind the clients' backs.</summary>
    public void SetNonce(Felt account, ulong nonce)
    {
        lock (_lock)
        {
            var a = Account(account);
            a.Nonce = nonce;
            RecordNonce(a, _preConfirmed?.Number ?? Latest.Number);
        }
    }

    /// <summary>Adds one to an account's nonce, as if another process had just used it (a nonce race).</summary>
    public void BumpNonce(Felt account)
    {
        lock (_lock)
        {
            BumpNonceLocked(Account(account));
        }
    }

    /// <summary>The STRK balance of <paramref name="address"/>, in FRI.</summary>
    public UInt128 GetBalance(Felt address)
    {
        lock (_lock)
        {
            return _feeToken.BalanceOf(address);
        }
    }

    /// <summary>Sets the STRK balance of <paramref name="address"/>, in FRI.</summary>
    public void SetBalance(Felt address, UInt128 amount)
    {
        lock (_lock)
        {
            _feeToken.SetBalance(address, amount);
        }
    }

    /// <summary>Whether the Argent account revoked <paramref name="sessionHash"/>.</summary>
    public bool IsSessionRevoked(Felt account, Felt sessionHash)
    {
        lock (_lock)
        {
            return Argent(account).RevokedSessions.Contains(sessionHash);
        }
    }

    /// <summary>Marks a session revoked directly in storage (no transaction, no event).</summary>
    public void RevokeSession(Felt account, Felt sessionHash)
    {
        lock (_lock)
        {
            Argent(account).RevokedSessions.Add(sessionHash);
        }
    }

    /// <summary>Whether the Argent account used the outside-execution nonce.</summary>
    public bool IsOutsideExecutionNonceUsed(Felt account, Felt nonce)
    {
        lock (_lock)
        {
            return Argent(account).UsedOutsideNonces.Contains(nonce);
        }
    }

    /// <summary>Replaces the Argent account's guardians (Starknet keys), as a guardian change would.</summary>
    public void SetGuardians(Felt account, IReadOnlyList<Felt> guardianPublicKeys)
    {
        ArgumentNullException.ThrowIfNull(guardianPublicKeys);
        lock (_lock)
        {
            var a = Argent(account);
            a.Guardians.Clear();
            a.Guardians.AddRange(guardianPublicKeys.Select(AccountSigner.Starknet));
        }
    }

    /// <summary>Replaces the Argent account's owners (Starknet keys), as an owner change would.</summary>
    public void SetOwners(Felt account, IReadOnlyList<Felt> ownerPublicKeys)
    {
        ArgumentNullException.ThrowIfNull(ownerPublicKeys);
        lock (_lock)
        {
            var a = Argent(account);
            a.Owners.Clear();
            a.Owners.AddRange(ownerPublicKeys.Select(AccountSigner.Starknet));
        }
    }

    /// <summary>
    /// The calldata and signature of a transaction the devnet received, or null for an unknown hash: what
    /// <c>starknet_getTransactionByHash</c> would show of them (for tests and diagnostics).
    /// </summary>
    public (IReadOnlyList<Felt> Calldata, IReadOnlyList<Felt> Signature)? GetTransactionInput(Felt transactionHash)
    {
        lock (_lock)
        {
            return _transactions.TryGetValue(transactionHash, out var record)
                ? (record.Transaction.Calldata.ToArray(), record.Signature.ToArray())
                : null;
        }
    }

    /// <summary>The calls the game contract at <paramref name="contract"/> recorded, oldest first (every game contract's when null).</summary>
    public IReadOnlyList<GameAction> GetGameActions(Felt? contract = null)
    {
        lock (_lock)
        {
            return [.. _contracts.Values.OfType<GameContract>()
                .Where(g => contract is null || g.Address == contract)
                .SelectMany(g => g.Actions)
                .OrderBy(a => a.BlockNumber)];
        }
    }

    /// <summary>
    /// One block-producer tick (interval mode; the host's timer calls it every <see cref="BlockTime"/>, tests may call it
    /// directly): seals the pre-confirmed block (ACCEPTED_ON_L2), then executes every waiting transaction into a new
    /// pre-confirmed block. Does nothing when there is nothing to do.
    /// </summary>
    public void ProduceBlock()
    {
        lock (_lock)
        {
            if (_preConfirmed is { } open)
            {
                SealLocked(open);
                _preConfirmed = null;
            }
            if (_mempool.Count == 0)
            {
                return;
            }
            var block = new Block(Latest.Number + 1, Latest.Hash!.Value, Now());
            var waiting = _mempool.ToArray();
            _mempool.Clear();
            foreach (var record in waiting)
            {
                ExecuteLocked(record, block);
            }
            if (block.Transactions.Count > 0)
            {
                _preConfirmed = block;
            }
        }
    }

    // ---------------------------------------------------------------- JSON-RPC

    internal ulong BlockNumberRpc()
    {
        lock (_lock)
        {
            return Latest.Number;
        }
    }

    internal Felt GetNonceRpc(Felt address, BlockId blockId)
    {
        lock (_lock)
        {
            var (number, preConfirmed) = Resolve(blockId);
            if (!_contracts.TryGetValue(address, out var contract))
            {
                throw new RpcErrorException(StarknetErrorCode.ContractNotFound, null);
            }
            if (contract is not AccountContract account)
            {
                return Felt.Zero;
            }
            if (preConfirmed)
            {
                return account.Nonce + (ulong)_mempool.Count(r => r.Sender == address);
            }
            var history = _nonceHistory[address];
            var nonce = history[0].Nonce;
            foreach (var (block, value) in history)
            {
                if (block > number)
                {
                    break;
                }
                nonce = value;
            }
            return nonce;
        }
    }

    internal IReadOnlyList<Felt> CallRpc(FunctionCall call, BlockId blockId)
    {
        lock (_lock)
        {
            var (number, _) = Resolve(blockId);
            if (!_contracts.TryGetValue(call.ContractAddress, out var contract))
            {
                throw new RpcErrorException(StarknetErrorCode.ContractNotFound, null);
            }
            var ctx = new TxContext(this, number, Now());
            try
            {
                return [.. contract.Invoke(ctx, Felt.Zero, call.EntryPointSelector, call.Calldata)];
            }
            catch (MissingEntryPointException ex) when (ex.Address == call.ContractAddress && ex.Selector == call.EntryPointSelector)
            {
                throw new RpcErrorException(StarknetErrorCode.EntryPointNotFound, null);
            }
            catch (ContractPanicException ex)
            {
                throw new RpcErrorException(StarknetErrorCode.ContractError, new JsonObject { ["revert_error"] = ex.Reason });
            }
            finally
            {
                ctx.RollbackAll();
            }
        }
    }

    internal IReadOnlyList<FeeEstimate> EstimateFeeRpc(IReadOnlyList<InvokeTransactionV3> transactions, IReadOnlyList<Felt[]> signatures, bool skipValidate, BlockId blockId)
    {
        // The hashes depend on the transactions alone: computed before taking the lock, like the signature checks the
        // validation will ask for (memoized, see SignaturePrewarm).
        var withChain = new InvokeTransactionV3[transactions.Count];
        var hashes = new Felt[transactions.Count];
        for (var i = 0; i < transactions.Count; i++)
        {
            withChain[i] = transactions[i] with { ChainId = ChainId };
            hashes[i] = ComputeHash(withChain[i]);
            SignaturePrewarm.Run(this, withChain[i], hashes[i], signatures[i], RelayerKey(withChain[i].SenderAddress), validate: !skipValidate);
        }
        lock (_lock)
        {
            var (number, _) = Resolve(blockId);
            var now = Now();
            var contexts = new List<TxContext>();
            var estimates = new List<FeeEstimate>();
            try
            {
                for (var i = 0; i < transactions.Count; i++)
                {
                    var tx = withChain[i];
                    var signature = signatures[i];
                    var hash = hashes[i];
                    if (!_contracts.TryGetValue(tx.SenderAddress, out var contract) || contract is not AccountContract account)
                    {
                        throw ExecutionError(i, $"Requested contract address {tx.SenderAddress} is not deployed or is not an account.");
                    }
                    if (!FeltValues.TryToUInt64(tx.Nonce, out var nonce) || nonce < account.Nonce)
                    {
                        throw ExecutionError(i, $"Invalid transaction nonce of contract at address {tx.SenderAddress}. Account nonce: {(Felt)account.Nonce}; got: {tx.Nonce}.");
                    }
                    var ctx = new TxContext(this, number + 1, now) { TransactionHash = hash, TransactionVersion = tx.Version };
                    contexts.Add(ctx);
                    var calls = DecodeCalls(tx.Calldata) ?? throw ExecutionError(i, "Failed to deserialize param #1");
                    if (!skipValidate)
                    {
                        try
                        {
                            account.Validate(ctx, tx, signature, calls);
                        }
                        catch (ContractPanicException ex)
                        {
                            throw ExecutionError(i, $"Account validation failed: {ex.Reason}");
                        }
                    }
                    var previous = account.Nonce;
                    account.Nonce = nonce + 1;
                    ctx.Track(() => account.Nonce = previous);
                    try
                    {
                        account.Execute(ctx, tx, signature, calls);
                    }
                    catch (ContractPanicException ex)
                    {
                        throw ExecutionError(i, $"Execution reverted: {ex.Reason}");
                    }
                    estimates.Add(FeeModel.Estimate(ctx.L2Gas, FeeModel.DataGas(ctx.StorageWrites), GasPrices));
                }
                return estimates;
            }
            finally
            {
                for (var i = contexts.Count - 1; i >= 0; i--)
                {
                    contexts[i].RollbackAll();
                }
            }
        }
    }

    internal Felt AddInvokeTransactionRpc(InvokeTransactionV3 transaction, Felt[] signature)
    {
        var tx = transaction with { ChainId = ChainId };
        if (tx.Version != TransactionVersion.V3)
        {
            throw RpcErrorException.WithText(StarknetErrorCode.UnsupportedTransactionVersion,
                TransactionVersion.IsQuery(tx.Version)
                    ? "A query-version transaction can be estimated or simulated, not submitted."
                    : $"Transaction version {tx.Version} is not supported; send INVOKE v3.");
        }
        // The hash depends on the transaction alone: computed before taking the lock, like the signature checks the
        // validation will ask for (memoized, see SignaturePrewarm).
        var hash = ComputeHash(tx);
        SignaturePrewarm.Run(this, tx, hash, signature, RelayerKey(tx.SenderAddress), validate: true);
        lock (_lock)
        {
            if (_transactions.TryGetValue(hash, out var known) && known.Status != TransactionFinalityStatus.Rejected)
            {
                throw RpcErrorException.WithText(StarknetErrorCode.DuplicateTransaction, $"Transaction {hash} was already received.");
            }
            if (!_contracts.TryGetValue(tx.SenderAddress, out var contract))
            {
                throw RpcErrorException.WithText(StarknetErrorCode.ValidationFailure, $"Requested contract address {tx.SenderAddress} is not deployed.");
            }
            if (contract is not AccountContract account)
            {
                throw new RpcErrorException(StarknetErrorCode.NonAccount, null);
            }
            if (_faults.NonceRace())
            {
                BumpNonceLocked(account);
                Log.NonceRaceInjected(_logger, tx.SenderAddress);
            }
            CheckPrices(tx);

            var expected = account.Nonce + (ulong)_mempool.Count(r => r.Sender == tx.SenderAddress);
            if (tx.Nonce != expected)
            {
                throw RpcErrorException.WithText(StarknetErrorCode.InvalidTransactionNonce,
                    $"Invalid transaction nonce of contract at address {tx.SenderAddress}. Account nonce: {(Felt)expected}; got: {tx.Nonce}.");
            }
            var maxFee = FeeModel.MaxFee(tx);
            var balance = _feeToken.BalanceOf(tx.SenderAddress);
            if (maxFee > balance)
            {
                throw RpcErrorException.WithText(StarknetErrorCode.InsufficientAccountBalance,
                    $"Max fee ({maxFee} FRI) exceeds the balance ({balance} FRI) of {tx.SenderAddress}.");
            }
            var calls = DecodeCalls(tx.Calldata)
                ?? throw RpcErrorException.WithText(StarknetErrorCode.ValidationFailure, "Failed to deserialize param #1");

            var now = Now();
            var ctx = new TxContext(this, (_preConfirmed?.Number ?? Latest.Number) + 1, now) { TransactionHash = hash, TransactionVersion = tx.Version };
            try
            {
                account.Validate(ctx, tx, signature, calls);
            }
            catch (ContractPanicException ex)
            {
                Log.Refused(_logger, hash, ex.Reason);
                throw RpcErrorException.WithText(StarknetErrorCode.ValidationFailure, ex.Reason);
            }
            finally
            {
                ctx.RollbackAll();
            }
            if (ctx.L2Gas > tx.ResourceBounds.L2Gas.MaxAmount)
            {
                throw RpcErrorException.WithText(StarknetErrorCode.InsufficientResourcesForValidate,
                    $"Validation needs {ctx.L2Gas} L2 gas but l2_gas.max_amount is {tx.ResourceBounds.L2Gas.MaxAmount}.");
            }

            if (_faults.DropSubmission())
            {
                Log.SubmissionDropped(_logger, hash);
                return hash;
            }
            var record = new TransactionRecord(hash, tx, signature, calls);
            _transactions[hash] = record;
            Log.Received(_logger, hash, tx.SenderAddress);
            if (IsInstantMode)
            {
                var block = new Block(Latest.Number + 1, Latest.Hash!.Value, now);
                ExecuteLocked(record, block);
                if (block.Transactions.Count > 0)
                {
                    SealLocked(block);
                }
            }
            else
            {
                _mempool.Add(record);
            }
            return hash;
        }
    }

    internal TransactionStatusResult GetTransactionStatusRpc(Felt hash)
    {
        lock (_lock)
        {
            var record = Find(hash);
            return record.Status switch
            {
                TransactionFinalityStatus.Received => new(TransactionFinalityStatus.Received, null, null),
                TransactionFinalityStatus.Rejected => new(TransactionFinalityStatus.Rejected, null, record.FailureReason),
                _ => new(record.Status, record.ExecutionStatus, record.FailureReason),
            };
        }
    }

    internal TransactionReceipt GetTransactionReceiptRpc(Felt hash)
    {
        lock (_lock)
        {
            var record = Find(hash);
            if (record.Status is TransactionFinalityStatus.Received or TransactionFinalityStatus.Rejected || record.Block is null)
            {
                throw new RpcErrorException(StarknetErrorCode.TransactionHashNotFound, null);
            }
            return new TransactionReceipt
            {
                Type = TransactionType.Invoke,
                TransactionHash = record.Hash,
                ActualFee = new FeePayment(record.ActualFee, PriceUnit.Fri),
                FinalityStatus = record.Status,
                ExecutionStatus = record.ExecutionStatus!.Value,
                RevertReason = record.ExecutionStatus == TransactionExecutionStatus.Reverted ? record.FailureReason : null,
                Events = record.Events,
                ExecutionResources = record.Resources,
                BlockHash = record.Block.Hash,
                BlockNumber = record.Block.Number,
            };
        }
    }

    internal EventsPage GetEventsRpc(EventFilter filter)
    {
        if (filter.ChunkSize > _options.MaxEventsChunkSize)
        {
            throw RpcErrorException.WithText(StarknetErrorCode.PageSizeTooBig, $"chunk_size is at most {_options.MaxEventsChunkSize}.");
        }
        if (filter.Keys is { } keyFilter && keyFilter.Count > _options.MaxEventKeys)
        {
            throw RpcErrorException.WithText(StarknetErrorCode.TooManyKeysInFilter, $"A filter holds at most {_options.MaxEventKeys} key positions.");
        }
        lock (_lock)
        {
            var from = filter.FromBlock is { } f ? Resolve(f).Number : 0;
            var to = filter.ToBlock is { } t ? Resolve(t).Number : Latest.Number;
            var start = EventPosition.Start;
            if (filter.ContinuationToken is { } token)
            {
                if (!EventPosition.TryParse(token, out start) || start.Block < from || start.Block > to + 1)
                {
                    throw new RpcErrorException(StarknetErrorCode.InvalidContinuationToken, null);
                }
            }
            var events = new List<EmittedEvent>();
            string? continuation = null;
            for (var number = Math.Max(from, start.Block); number <= to && continuation is null; number++)
            {
                var block = BlockAt(number);
                if (block is null)
                {
                    continue;
                }
                for (var ti = number == start.Block ? start.Transaction : 0; ti < block.Transactions.Count && continuation is null; ti++)
                {
                    var tx = block.Transactions[ti];
                    var firstEvent = number == start.Block && ti == start.Transaction ? start.Event : 0;
                    for (var ei = firstEvent; ei < tx.Events.Count; ei++)
                    {
                        var e = tx.Events[ei];
                        if (!Matches(e, filter))
                        {
                            continue;
                        }
                        if (events.Count == filter.ChunkSize)
                        {
                            continuation = new EventPosition(number, ti, ei).ToString();
                            break;
                        }
                        events.Add(new EmittedEvent
                        {
                            FromAddress = e.FromAddress,
                            Keys = e.Keys,
                            Data = e.Data,
                            BlockHash = block.Hash,
                            BlockNumber = block.Hash is null ? null : block.Number,
                            TransactionHash = tx.Hash,
                            TransactionIndex = (ulong)ti,
                            EventIndex = (ulong)ei,
                        });
                    }
                }
            }
            return new EventsPage(events, continuation);
        }
    }

    // ---------------------------------------------------------------- internals (under the lock)

    internal bool TryGetContract(Felt address, out DevnetContract contract) => _contracts.TryGetValue(address, out contract!);

    private void Deploy(DevnetContract contract)
    {
        _contracts[contract.Address] = contract;
        if (contract is AccountContract account)
        {
            _nonceHistory[account.Address] = [];
            RecordNonce(account, _preConfirmed?.Number ?? Latest.Number);
        }
    }

    private AccountContract Account(Felt address) =>
        _contracts.TryGetValue(address, out var c) && c is AccountContract a ? a : throw new KeyNotFoundException($"No account at {address}.");

    private ArgentAccountContract Argent(Felt address) =>
        _contracts.TryGetValue(address, out var c) && c is ArgentAccountContract a ? a : throw new KeyNotFoundException($"No Argent account at {address}.");

    private void BumpNonceLocked(AccountContract account)
    {
        account.Nonce++;
        RecordNonce(account, _preConfirmed?.Number ?? Latest.Number);
    }

    private void RecordNonce(AccountContract account, ulong blockNumber)
    {
        var history = _nonceHistory[account.Address];
        if (history.Count > 0 && history[^1].Block >= blockNumber)
        {
            history[^1] = (history[^1].Block, account.Nonce);
        }
        else
        {
            history.Add((blockNumber, account.Nonce));
        }
    }

    /// <summary>The key of the relayer account at <paramref name="address"/>, or null (another kind of contract, or none).</summary>
    private Felt? RelayerKey(Felt address)
    {
        lock (_lock)
        {
            return _contracts.TryGetValue(address, out var contract) && contract is RelayerAccountContract relayer ? relayer.PublicKey : null;
        }
    }

    /// <summary>The transaction hash, with <c>Hm(calldata)</c> from the memo (an estimate and its submission share it).</summary>
    private Felt ComputeHash(InvokeTransactionV3 tx) => TransactionHash.InvokeV3(tx, _calldataHashes.Hash(tx.Calldata));

    private ulong Now()
    {
        var seconds = (Int128)_time.GetUtcNow().ToUnixTimeSeconds() + ClockShiftSeconds;
        return seconds <= 0 ? 0 : seconds >= ulong.MaxValue ? ulong.MaxValue : (ulong)seconds;
    }

    private TransactionRecord Find(Felt hash) =>
        _transactions.TryGetValue(hash, out var record) ? record : throw new RpcErrorException(StarknetErrorCode.TransactionHashNotFound, null);

    private Block? BlockAt(ulong number) =>
        number < (ulong)_blocks.Count ? _blocks[(int)number] : _preConfirmed is { } p && p.Number == number ? p : null;

    /// <summary>A block id's number, and whether it names the pre-confirmed block.</summary>
    private (ulong Number, bool PreConfirmed) Resolve(BlockId id)
    {
        if (id.Tag is { } tag)
        {
            return tag == BlockTag.PreConfirmed ? (_preConfirmed?.Number ?? Latest.Number + 1, true) : (Latest.Number, false);
        }
        if (id.Number is { } number)
        {
            if (number <= Latest.Number)
            {
                return (number, false);
            }
            return _preConfirmed is { } p && p.Number == number
                ? (number, true)
                : throw new RpcErrorException(StarknetErrorCode.BlockNotFound, null);
        }
        var hash = id.Hash!.Value;
        var block = _blocks.Find(b => b.Hash == hash) ?? throw new RpcErrorException(StarknetErrorCode.BlockNotFound, null);
        return (block.Number, false);
    }

    private static bool Matches(StarknetEvent e, EventFilter filter)
    {
        if (filter.Address is { } address && e.FromAddress != address)
        {
            return false;
        }
        if (filter.Keys is { } keys)
        {
            for (var i = 0; i < keys.Count; i++)
            {
                if (keys[i].Count == 0)
                {
                    continue;
                }
                if (i >= e.Keys.Count || !keys[i].Contains(e.Keys[i]))
                {
                    return false;
                }
            }
        }
        return true;
    }

    private void CheckPrices(InvokeTransactionV3 tx)
    {
        var bounds = tx.ResourceBounds;
        string? problem = null;
        if (bounds.L2Gas.MaxPricePerUnit < GasPrices.L2Gas)
        {
            problem = $"l2_gas.max_price_per_unit {bounds.L2Gas.MaxPricePerUnit} is below the L2 gas price {GasPrices.L2Gas}.";
        }
        else if (bounds.L1DataGas.MaxPricePerUnit < GasPrices.L1DataGas)
        {
            problem = $"l1_data_gas.max_price_per_unit {bounds.L1DataGas.MaxPricePerUnit} is below the L1 data gas price {GasPrices.L1DataGas}.";
        }
        else if (bounds.L1Gas.MaxAmount > 0 && bounds.L1Gas.MaxPricePerUnit < GasPrices.L1Gas)
        {
            problem = $"l1_gas.max_price_per_unit {bounds.L1Gas.MaxPricePerUnit} is below the L1 gas price {GasPrices.L1Gas}.";
        }
        if (problem is not null)
        {
            throw RpcErrorException.WithText(StarknetErrorCode.InsufficientResourcesForValidate, problem);
        }
    }

    private static Call[]? DecodeCalls(IReadOnlyList<Felt> calldata)
    {
        try
        {
            var reader = new CalldataReader(calldata);
            var calls = reader.Param().Calls();
            reader.End();
            return calls;
        }
        catch (ContractPanicException)
        {
            return null;
        }
    }

    private static RpcErrorException ExecutionError(int index, string error) =>
        new(StarknetErrorCode.TransactionExecutionError, new JsonObject { ["transaction_index"] = index, ["execution_error"] = error });

    /// <summary>
    /// Runs a received transaction in <paramref name="block"/>: validation again, the nonce, execution, the fee. The
    /// record ends PRE_CONFIRMED (or REJECTED when validation no longer passes); the caller seals the block.
    /// </summary>
    private void ExecuteLocked(TransactionRecord record, Block block)
    {
        var tx = record.Transaction;
        if (!_contracts.TryGetValue(tx.SenderAddress, out var contract) || contract is not AccountContract account)
        {
            Reject(record, $"Requested contract address {tx.SenderAddress} is not deployed.");
            return;
        }
        if (!FeltValues.TryToUInt64(tx.Nonce, out var nonce) || nonce != account.Nonce)
        {
            Reject(record, $"Invalid transaction nonce of contract at address {tx.SenderAddress}. Account nonce: {(Felt)account.Nonce}; got: {tx.Nonce}.");
            return;
        }
        var ctx = new TxContext(this, block.Number, block.Timestamp) { TransactionHash = record.Hash, TransactionVersion = tx.Version };
        try
        {
            account.Validate(ctx, tx, record.Signature, record.Calls);
        }
        catch (ContractPanicException ex)
        {
            ctx.RollbackAll();
            Reject(record, $"Account validation failed: {ex.Reason}");
            return;
        }
        if (FeeModel.MaxFee(tx) > _feeToken.BalanceOf(tx.SenderAddress))
        {
            ctx.RollbackAll();
            Reject(record, "Account balance is smaller than the transaction's maximal fee.");
            return;
        }

        account.Nonce = nonce + 1;
        RecordNonce(account, block.Number);
        var bounds = tx.ResourceBounds;
        var savepoint = ctx.Mark();
        string? revertReason = null;
        try
        {
            if (_faults.ForceRevert())
            {
                throw new ContractPanicException("devnet/forced-revert");
            }
            account.Execute(ctx, tx, record.Signature, record.Calls);
            var dataGas = FeeModel.DataGas(ctx.StorageWrites);
            if (ctx.L2Gas > bounds.L2Gas.MaxAmount)
            {
                throw new ContractPanicException($"Insufficient max L2Gas: max amount: {bounds.L2Gas.MaxAmount}, actual used: {ctx.L2Gas}.");
            }
            if (dataGas > bounds.L1DataGas.MaxAmount)
            {
                throw new ContractPanicException($"Insufficient max L1DataGas: max amount: {bounds.L1DataGas.MaxAmount}, actual used: {dataGas}.");
            }
        }
        catch (ContractPanicException ex)
        {
            ctx.RollbackTo(savepoint);
            revertReason = ex.Reason;
        }

        var l2Gas = Math.Min(ctx.L2Gas, bounds.L2Gas.MaxAmount);
        var l1DataGas = Math.Min(FeeModel.DataGas(ctx.StorageWrites), bounds.L1DataGas.MaxAmount);
        var fee = FeeModel.Saturate(BigInteger.Min(FeeModel.ChargedFee(l2Gas, l1DataGas, GasPrices, tx.Tip), _feeToken.BalanceOf(tx.SenderAddress)));
        _feeToken.Move(ctx, tx.SenderAddress, SequencerAddress, fee);

        record.Status = TransactionFinalityStatus.PreConfirmed;
        record.ExecutionStatus = revertReason is null ? TransactionExecutionStatus.Succeeded : TransactionExecutionStatus.Reverted;
        record.FailureReason = revertReason;
        record.ActualFee = Felt.FromUInt128(fee);
        record.Resources = new ExecutionResources(0, l1DataGas, l2Gas);
        record.Events = [.. ctx.Events];
        record.Block = block;
        record.Index = block.Transactions.Count;
        block.Transactions.Add(record);
        if (revertReason is null)
        {
            Log.Executed(_logger, record.Hash, block.Number);
        }
        else
        {
            Log.Reverted(_logger, record.Hash, block.Number, revertReason);
        }
    }

    private void Reject(TransactionRecord record, string reason)
    {
        record.Status = TransactionFinalityStatus.Rejected;
        record.FailureReason = reason;
        Log.Rejected(_logger, record.Hash, reason);
    }

    private void SealLocked(Block block)
    {
        block.Seal(SequencerAddress);
        _blocks.Add(block);
        foreach (var record in block.Transactions)
        {
            record.Status = TransactionFinalityStatus.AcceptedOnL2;
        }
    }

    /// <summary>Where <c>starknet_getEvents</c> resumes: block, transaction index, event index (<c>"b-t-e"</c>).</summary>
    private readonly record struct EventPosition(ulong Block, int Transaction, int Event)
    {
        public static EventPosition Start => default;

        public override string ToString() => FormattableString.Invariant($"{Block}-{Transaction}-{Event}");

        public static bool TryParse(string text, out EventPosition position)
        {
            position = default;
            var parts = text.Split('-');
            if (parts.Length != 3
                || !ulong.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var block)
                || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var tx)
                || !int.TryParse(parts[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var e))
            {
                return false;
            }
            position = new EventPosition(block, tx, e);
            return true;
        }
    }
}
