using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Starknet;

/// <summary>
/// Starknet's Poseidon hash (spec §2.4): the Hades permutation over a 3-element state
/// (rate 2, capacity 1, S-box x³, 8 full and 83 partial rounds, MDS matrix [[3,1,1],[1,−1,1],[1,1,−2]]),
/// with the two-element hash <see cref="Hash(Felt, Felt)"/>, the one-element hash <see cref="Hash(Felt)"/>
/// and the sponge <see cref="HashMany(ReadOnlySpan{Felt})"/>. None of them allocates.
/// </summary>
public static class Poseidon
{
    /// <summary>Full rounds, half before and half after the partial rounds.</summary>
    public const int FullRounds = 8;

    /// <summary>Partial rounds, in which only the last state element goes through the S-box.</summary>
    public const int PartialRounds = 83;

    private const int Rounds = FullRounds + PartialRounds;

    // rc[r][j] = int_be(SHA-256("Hades" + decimal(3r + j))) mod p, flattened; derived at start-up from the rule in
    // spec §2.4 and checked against crypto.json's constants.poseidon.round_constants by the tests.
    private static readonly Felt[] s_roundConstants = ComputeRoundConstants();

    /// <summary>The round constants, 3 per round, in round order (for tests and tooling).</summary>
    public static ReadOnlySpan<Felt> RoundConstants => s_roundConstants;

    /// <summary>H2(x, y) = perm([x, y, 2])[0]: Cairo <c>poseidon_hash(x, y)</c>, starknet.js <c>computePoseidonHash</c>.</summary>
    public static Felt Hash(Felt x, Felt y)
    {
        Felt s2 = 2;
        Permute(ref x, ref y, ref s2);
        return x;
    }

    /// <summary>H1(x) = perm([x, 0, 1])[0]: Cairo <c>poseidon_hash_single</c>.</summary>
    public static Felt Hash(Felt x)
    {
        var s1 = Felt.Zero;
        var s2 = Felt.One;
        Permute(ref x, ref s1, ref s2);
        return x;
    }

    /// <summary>
    /// Hm: the sponge over any number of elements (Cairo <c>poseidon_hash_span</c>, starknet.js
    /// <c>computePoseidonHashOnElements</c>). <c>Hm([x, y]) ≠ H2(x, y)</c>.
    /// </summary>
    public static Felt HashMany(ReadOnlySpan<Felt> values)
    {
        var hasher = new PoseidonHasher();
        hasher.Update(values);
        return hasher.Finish();
    }

    /// <summary>Applies the Hades permutation to the state (s0, s1, s2) in place.</summary>
    /// <remarks>Computed in <see cref="PoseidonPermutation"/>'s radix-2^52 representation.</remarks>
    public static void Permute(ref Felt s0, ref Felt s1, ref Felt s2) => PoseidonPermutation.Permute(ref s0, ref s1, ref s2);

    private static Felt[] ComputeRoundConstants()
    {
        var constants = new Felt[3 * Rounds];
        Span<byte> digest = stackalloc byte[32];
        for (var i = 0; i < constants.Length; i++)
        {
            SHA256.HashData(Encoding.ASCII.GetBytes("Hades" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)), digest);
            var value = new BigInteger(digest, isUnsigned: true, isBigEndian: true);
            constants[i] = Felt.FromBigIntegerReduced(value);
        }
        return constants;
    }
}

/// <summary>
/// Incremental Poseidon sponge: <c>Update</c> any number of elements, then <c>Finish</c> gives the same value as
/// <see cref="Poseidon.HashMany(ReadOnlySpan{Felt})"/> over them (Cairo's <c>PoseidonTrait</c> hash state).
/// A mutable struct: keep it in a local variable and pass it by <c>ref</c>.
/// </summary>
public struct PoseidonHasher
{
    // The sponge state stays in the permutation's own representation between steps.
    private PoseidonPermutation.State _state;
    private Felt _pending;
    private bool _hasPending;

    /// <summary>Absorbs one element.</summary>
    public void Update(Felt value)
    {
        if (!_hasPending)
        {
            _pending = value;
            _hasPending = true;
            return;
        }
        PoseidonPermutation.Absorb(ref _state, _pending, value);
        _hasPending = false;
    }

    /// <summary>Absorbs the elements in order.</summary>
    public void Update(ReadOnlySpan<Felt> values)
    {
        foreach (var value in values)
        {
            Update(value);
        }
    }

    /// <summary>
    /// Pads (append 1, then 0 if needed to make the length even), absorbs and returns the hash.
    /// The hasher must not be used afterwards.
    /// </summary>
    public Felt Finish()
    {
        if (_hasPending)
        {
            PoseidonPermutation.Absorb(ref _state, _pending, Felt.One);
        }
        else
        {
            PoseidonPermutation.Absorb(ref _state, Felt.One, Felt.Zero);
        }
        return PoseidonPermutation.First(_state);
    }
}
