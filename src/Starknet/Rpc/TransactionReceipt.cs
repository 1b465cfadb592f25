namespace Starknet.Rpc;

/// <summary>The kind of a transaction (the spec's <c>TXN_TYPE</c>).</summary>
public enum TransactionType
{
    /// <summary><c>INVOKE</c>.</summary>
    Invoke = 0,

    /// <summary><c>L1_HANDLER</c>.</summary>
    L1Handler = 1,

    /// <summary><c>DECLARE</c>.</summary>
    Declare = 2,

    /// <summary><c>DEPLOY</c>.</summary>
    Deploy = 3,

    /// <summary><c>DEPLOY_ACCOUNT</c>.</summary>
    DeployAccount = 4,
}

/// <summary>The fee a transaction paid (the spec's <c>FEE_PAYMENT</c>).</summary>
/// <param name="Amount">The amount charged (<c>amount</c>, a felt).</param>
/// <param name="Unit">Its unit (<c>unit</c>).</param>
public sealed record FeePayment(Felt Amount, PriceUnit Unit);

/// <summary>An event emitted by a contract (the spec's <c>EVENT</c>).</summary>
/// <param name="FromAddress">The emitting contract (<c>from_address</c>).</param>
/// <param name="Keys">The keys; the first is usually <c>starknet_keccak(event name)</c> (<c>keys</c>).</param>
/// <param name="Data">The data (<c>data</c>).</param>
public sealed record StarknetEvent(Felt FromAddress, IReadOnlyList<Felt> Keys, IReadOnlyList<Felt> Data);

/// <summary>A message sent to L1 (the spec's <c>MSG_TO_L1</c>).</summary>
/// <param name="FromAddress">The L2 contract sending it (<c>from_address</c>).</param>
/// <param name="ToAddress">The L1 recipient (<c>to_address</c>).</param>
/// <param name="Payload">The payload (<c>payload</c>).</param>
public sealed record MessageToL1(Felt FromAddress, Felt ToAddress, IReadOnlyList<Felt> Payload);

/// <summary>Resources a transaction consumed (the spec's <c>EXECUTION_RESOURCES</c>), in gas units.</summary>
/// <param name="L1Gas">L1 gas (<c>l1_gas</c>).</param>
/// <param name="L1DataGas">L1 data gas (<c>l1_data_gas</c>); 0 when blobs are not used.</param>
/// <param name="L2Gas">L2 gas (<c>l2_gas</c>).</param>
public sealed record ExecutionResources(ulong L1Gas, ulong L1DataGas, ulong L2Gas);

/// <summary>The result of <c>starknet_getTransactionReceipt</c> (the spec's <c>TXN_RECEIPT_WITH_BLOCK_INFO</c>).</summary>
public sealed record TransactionReceipt
{
    /// <summary>The transaction's kind (<c>type</c>).</summary>
    public required TransactionType Type { get; init; }

    /// <summary>The transaction hash (<c>transaction_hash</c>).</summary>
    public required Felt TransactionHash { get; init; }

    /// <summary>The fee charged (<c>actual_fee</c>).</summary>
    public required FeePayment ActualFee { get; init; }

    /// <summary>How final the transaction is (<c>finality_status</c>: PRE_CONFIRMED, ACCEPTED_ON_L2 or ACCEPTED_ON_L1).</summary>
    public required TransactionFinalityStatus FinalityStatus { get; init; }

    /// <summary>Whether it succeeded (<c>execution_status</c>).</summary>
    public required TransactionExecutionStatus ExecutionStatus { get; init; }

    /// <summary>Why it reverted (<c>revert_reason</c>); present only when <see cref="ExecutionStatus"/> is Reverted.</summary>
    public string? RevertReason { get; init; }

    /// <summary>Messages sent to L1 (<c>messages_sent</c>).</summary>
    public IReadOnlyList<MessageToL1> MessagesSent { get; init; } = [];

    /// <summary>Events emitted, in order (<c>events</c>).</summary>
    public IReadOnlyList<StarknetEvent> Events { get; init; } = [];

    /// <summary>Resources consumed (<c>execution_resources</c>).</summary>
    public required ExecutionResources ExecutionResources { get; init; }

    /// <summary>The block's hash (<c>block_hash</c>); null while the block is pre-confirmed.</summary>
    public Felt? BlockHash { get; init; }

    /// <summary>The block's number (<c>block_number</c>); null only if the node omits it.</summary>
    public ulong? BlockNumber { get; init; }

    /// <summary>The deployed account (<c>contract_address</c>); only for DEPLOY_ACCOUNT and DEPLOY receipts.</summary>
    public Felt? ContractAddress { get; init; }
}
