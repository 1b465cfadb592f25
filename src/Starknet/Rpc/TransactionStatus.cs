namespace Starknet.Rpc;

/// <summary>How final a transaction is (the spec's <c>TXN_STATUS</c>, a superset of <c>TXN_FINALITY_STATUS</c>).</summary>
public enum TransactionFinalityStatus
{
    /// <summary><c>RECEIVED</c>: in the mempool, not yet executed.</summary>
    Received = 0,

    /// <summary><c>CANDIDATE</c>: picked for the block being built, not yet executed.</summary>
    Candidate = 1,

    /// <summary><c>PRE_CONFIRMED</c>: executed in the pre-confirmed block.</summary>
    PreConfirmed = 2,

    /// <summary><c>ACCEPTED_ON_L2</c>: in a block finalized by L2 consensus.</summary>
    AcceptedOnL2 = 3,

    /// <summary><c>ACCEPTED_ON_L1</c>: its block's state update is final on L1.</summary>
    AcceptedOnL1 = 4,

    /// <summary>
    /// <c>REJECTED</c>: failed validation and was dropped. Not part of spec 0.9/0.10 (such a transaction ends as
    /// TXN_HASH_NOT_FOUND there); kept because older nodes and development nodes still report it.
    /// </summary>
    Rejected = 5,
}

/// <summary>Whether an executed transaction succeeded (the spec's <c>TXN_EXECUTION_STATUS</c>).</summary>
public enum TransactionExecutionStatus
{
    /// <summary><c>SUCCEEDED</c>.</summary>
    Succeeded = 0,

    /// <summary><c>REVERTED</c>: executed, charged, and its state changes undone.</summary>
    Reverted = 1,
}

/// <summary>The result of <c>starknet_getTransactionStatus</c> (the spec's <c>TXN_STATUS_RESULT</c>).</summary>
/// <param name="FinalityStatus">How final the transaction is (<c>finality_status</c>).</param>
/// <param name="ExecutionStatus">Whether it succeeded (<c>execution_status</c>); null until it has been executed.</param>
/// <param name="FailureReason">Why it failed (<c>failure_reason</c>); present only when it reverted.</param>
public sealed record TransactionStatusResult(
    TransactionFinalityStatus FinalityStatus,
    TransactionExecutionStatus? ExecutionStatus,
    string? FailureReason);
