using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Starknet;

public sealed partial class TypedData
{
    // Domains repeat across messages (one per dapp and chain), so their hashes are memoized process-wide, keyed by
    // the exact elements hashed: Hm([typeHash, enc(field_1), …]). The Argent contract precomputes the same values
    // for SN_MAIN and SN_SEPOLIA (spec §5). The memo is small and simply cleared when full.
    private const int DomainMemoLimit = 256;

    private static readonly ConcurrentDictionary<DomainKey, DomainState> s_domainMemo = new();

    private DomainState GetDomainState()
    {
        var cached = Volatile.Read(ref _domainState);
        if (cached is not null)
        {
            return cached;
        }
        var path = new EncodingPath("domain");
        var fields = _domain.Fields;
        var count = fields.Length + 1;
        if (count > DomainKey.Capacity)
        {
            cached = new DomainState(EncodeStruct(_domain, Domain, path));
        }
        else
        {
            if (Domain.ValueKind != JsonValueKind.Object)
            {
                path.Fail($"expected an object of type '{_domain.Name}', got {JsInteger.Describe(Domain.ValueKind)}");
            }
            var key = new DomainKey { Count = count };
            Span<Felt> elements = key.Elements;
            elements[0] = GetEncodedType(_domain, path).Hash;
            for (var i = 0; i < fields.Length; i++)
            {
                elements[i + 1] = EncodeField(_domain, fields[i], Domain, path);
            }
            if (!s_domainMemo.TryGetValue(key, out cached))
            {
                cached = new DomainState(Poseidon.HashMany(elements[..count]));
                if (s_domainMemo.Count >= DomainMemoLimit)
                {
                    s_domainMemo.Clear();
                }
                s_domainMemo.TryAdd(key, cached);
            }
        }
        Volatile.Write(ref _domainState, cached);
        return cached;
    }

    /// <summary>A domain hash and the Poseidon sponge after absorbing <c>['StarkNet Message', hash]</c>.</summary>
    private sealed class DomainState
    {
        public DomainState(Felt hash)
        {
            Hash = hash;
            var hasher = new PoseidonHasher();
            hasher.Update(s_messagePrefix);
            hasher.Update(hash);
            AfterPrefix = hasher;
        }

        public Felt Hash { get; }

        /// <summary>Returned by value: every caller gets its own copy of the sponge state.</summary>
        public PoseidonHasher AfterPrefix { get; }
    }

    /// <summary>The message hash for the most recently asked account.</summary>
    private sealed class AccountHash(Felt account, Felt hash)
    {
        public Felt Account { get; } = account;

        public Felt Hash { get; } = hash;
    }

    [InlineArray(DomainKey.Capacity)]
    private struct FeltBuffer
    {
        private Felt _element;
    }

    /// <summary>Up to <see cref="Capacity"/> felts compared by value (the key of the domain memo).</summary>
    private struct DomainKey : IEquatable<DomainKey>
    {
        public const int Capacity = 8;

        private FeltBuffer _buffer;

        public int Count { get; init; }

        [UnscopedRef]
        public Span<Felt> Elements => _buffer;

        public readonly bool Equals(DomainKey other)
        {
            if (Count != other.Count)
            {
                return false;
            }
            ReadOnlySpan<Felt> mine = _buffer;
            ReadOnlySpan<Felt> theirs = other._buffer;
            return mine[..Count].SequenceEqual(theirs[..Count]);
        }

        public override readonly bool Equals(object? obj) => obj is DomainKey other && Equals(other);

        public override readonly int GetHashCode()
        {
            var hash = new HashCode();
            ReadOnlySpan<Felt> elements = _buffer;
            foreach (var element in elements[..Count])
            {
                hash.Add(element);
            }
            return hash.ToHashCode();
        }
    }
}
