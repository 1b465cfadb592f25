namespace Starknet.Rpc;

/// <summary>
/// The <c>filter</c> of <c>starknet_getEvents</c>: the spec's <c>EVENT_FILTER</c> merged with <c>RESULT_PAGE_REQUEST</c>.
/// Null members are left out of the request.
/// </summary>
public sealed record EventFilter
{
    /// <summary>First block searched (<c>from_block</c>); null for the node's default.</summary>
    public BlockId? FromBlock { get; init; }

    /// <summary>Last block searched (<c>to_block</c>); null for the node's default.</summary>
    public BlockId? ToBlock { get; init; }

    /// <summary>Only events emitted by this contract (<c>address</c>); null for any contract.</summary>
    public Felt? Address { get; init; }

    /// <summary>
    /// Key filter (<c>keys</c>): position <c>i</c> lists the accepted values of key <c>i</c>; an empty list accepts any
    /// value. Null for no key filter.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<Felt>>? Keys { get; init; }

    /// <summary>The most events per page (<c>chunk_size</c>, at least 1; nodes cap it, e.g. PAGE_SIZE_TOO_BIG).</summary>
    public required int ChunkSize { get; init; }

    /// <summary>The token of the previous page (<c>continuation_token</c>); null for the first page.</summary>
    public string? ContinuationToken { get; init; }
}

/// <summary>An event with where it was emitted (the spec's <c>EMITTED_EVENT</c>).</summary>
public sealed record EmittedEvent
{
    /// <summary>The emitting contract (<c>from_address</c>).</summary>
    public required Felt FromAddress { get; init; }

    /// <summary>The keys (<c>keys</c>).</summary>
    public required IReadOnlyList<Felt> Keys { get; init; }

    /// <summary>The data (<c>data</c>).</summary>
    public required IReadOnlyList<Felt> Data { get; init; }

    /// <summary>The block's hash (<c>block_hash</c>); null for the pre-confirmed block.</summary>
    public Felt? BlockHash { get; init; }

    /// <summary>The block's number (<c>block_number</c>); null for the pre-confirmed block.</summary>
    public ulong? BlockNumber { get; init; }

    /// <summary>The emitting transaction (<c>transaction_hash</c>).</summary>
    public required Felt TransactionHash { get; init; }

    /// <summary>The transaction's index in its block (<c>transaction_index</c>); reported since spec 0.10.</summary>
    public ulong? TransactionIndex { get; init; }

    /// <summary>The event's index in its transaction (<c>event_index</c>); reported since spec 0.10.</summary>
    public ulong? EventIndex { get; init; }
}

/// <summary>One page of <c>starknet_getEvents</c> (the spec's <c>EVENTS_CHUNK</c>).</summary>
/// <param name="Events">The matching events of this page (<c>events</c>).</param>
/// <param name="ContinuationToken">Pass it as <see cref="EventFilter.ContinuationToken"/> for the next page; null on the last page.</param>
public sealed record EventsPage(IReadOnlyList<EmittedEvent> Events, string? ContinuationToken);
