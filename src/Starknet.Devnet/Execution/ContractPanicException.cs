namespace Starknet.Devnet.Execution;

/// <summary>
/// A contract panicked, as a Cairo <c>panic</c> / failed <c>assert</c> does: the call and everything it changed are undone
/// (a transaction reverts, a view call answers CONTRACT_ERROR). <see cref="Exception.Message"/> is the contract's error
/// string, for example <c>session/revoked</c>.
/// </summary>
internal class ContractPanicException : Exception
{
    public ContractPanicException()
        : this("panic")
    {
    }

    public ContractPanicException(string reason)
        : base(reason)
    {
    }

    public ContractPanicException(string reason, Exception? innerException)
        : base(reason, innerException)
    {
    }

    /// <summary>The error string.</summary>
    public string Reason => Message;
}

/// <summary>A call reached an address where no contract is deployed.</summary>
internal sealed class MissingContractException : ContractPanicException
{
    public MissingContractException()
    {
    }

    public MissingContractException(string reason)
        : base(reason)
    {
    }

    public MissingContractException(string reason, Exception? innerException)
        : base(reason, innerException)
    {
    }

    public MissingContractException(Felt address)
        : base($"CONTRACT_NOT_FOUND: Requested contract address {address} is not deployed.")
    {
        Address = address;
    }

    /// <summary>The address called.</summary>
    public Felt Address { get; }
}

/// <summary>A call named a selector the contract does not have.</summary>
internal sealed class MissingEntryPointException : ContractPanicException
{
    public MissingEntryPointException()
    {
    }

    public MissingEntryPointException(string reason)
        : base(reason)
    {
    }

    public MissingEntryPointException(string reason, Exception? innerException)
        : base(reason, innerException)
    {
    }

    public MissingEntryPointException(Felt address, Felt selector)
        : base($"ENTRYPOINT_NOT_FOUND: Entry point {selector} not found in contract {address}.")
    {
        Address = address;
        Selector = selector;
    }

    /// <summary>The contract that lacks the entry point.</summary>
    public Felt Address { get; }

    /// <summary>The selector asked for.</summary>
    public Felt Selector { get; }
}
