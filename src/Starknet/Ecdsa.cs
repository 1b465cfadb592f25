using System.Numerics;
using System.Security.Cryptography;
using Starknet.Curve;

namespace Starknet;

/// <summary>A STARK-curve ECDSA signature (spec §2.5). Both values are integers in [1, n) when produced by signing.</summary>
/// <param name="R">x(k·G) mod n.</param>
/// <param name="S">k⁻¹·(z + r·d) mod n, not normalised to the low half (the libraries never do).</param>
public readonly record struct StarkSignature(Felt R, Felt S);

/// <summary>
/// The outcome of the on-chain signature rule (spec §2.6): Argent's range assertions in
/// <c>is_valid_starknet_signature</c>, then Cairo's <c>check_ecdsa_signature</c>, in that order. The quoted strings
/// are the matching <c>onchain_reason</c> values of crypto.json → ecdsa_verify.
/// </summary>
public enum OnChainSignatureStatus
{
    /// <summary>The signature is accepted ("ok").</summary>
    Valid = 0,

    /// <summary>r ≥ n: Argent panics with <c>argent/invalid-r-value</c> and the whole transaction reverts
    /// ("argent range assert (r or s >= curve order) -> tx reverts").</summary>
    RNotBelowCurveOrder,

    /// <summary>s ≥ n: Argent panics with <c>argent/invalid-s-value</c> and the whole transaction reverts
    /// ("argent range assert (r or s >= curve order) -> tx reverts").</summary>
    SNotBelowCurveOrder,

    /// <summary>s = 0: <c>check_ecdsa_signature</c> returns false ("s == 0").</summary>
    SIsZero,

    /// <summary>No curve point has the public key as x-coordinate: <c>check_ecdsa_signature</c> returns false.</summary>
    PublicKeyNotOnCurve,

    /// <summary>No curve point has r as x-coordinate: <c>check_ecdsa_signature</c> returns false
    /// ("r is not an x-coordinate on the curve").</summary>
    RNotOnCurve,

    /// <summary>Neither x(z·G + r·Q) nor x(z·G − r·Q) equals x(s·R): <c>check_ecdsa_signature</c> returns false
    /// ("equation does not hold").</summary>
    EquationDoesNotHold,
}

/// <summary>
/// ECDSA on the STARK curve: key derivation, deterministic signing exactly as starknet.js / @scure/starknet
/// (spec §2.5), and the two verification semantics of spec §2.6 (library and on-chain).
/// </summary>
/// <remarks>
/// Operations on private keys and nonces are constant time: a fixed-window generator table scanned in full for
/// every digit, complete addition formulas, and Fermat inversions. Verification works on public data and is
/// variable time.
/// </remarks>
public static class Ecdsa
{
    // 2^251 is bit 59 of the top limb: values below it have a top limb below 2^59.
    private const ulong Bound251TopLimb = 1UL << 59;

    /// <summary>
    /// The curve order n = 0x800000000000010ffffffffffffffffb781126dcae7b2321e66a241adc64d2f (spec §2.1), a prime.
    /// Private keys, r and s live in [1, n).
    /// </summary>
    public static BigInteger CurveOrder => Scalar.Order;

    /// <summary>The generator G (spec §2.1); the public key of private key 1.</summary>
    public static StarkPoint Generator => StarkCurve.Generator.ToStarkPoint();

    /// <summary>True when <paramref name="privateKey"/> is a usable private key, i.e. in [1, n).</summary>
    public static bool IsValidPrivateKey(Felt privateKey)
    {
        privateKey.ToCanonicalLimbs(out var l0, out var l1, out var l2, out var l3);
        return (NonZeroMask(l0, l1, l2, l3) & Scalar.BelowOrderMask(l0, l1, l2, l3)) != 0;
    }

    /// <summary>
    /// A fresh private key, uniform in [1, n), from the operating system's cryptographic random generator
    /// (rejection sampling on 252-bit values; about half of the candidates are kept).
    /// </summary>
    public static Felt GeneratePrivateKey()
    {
        Span<byte> bytes = stackalloc byte[32];
        try
        {
            while (true)
            {
                RandomNumberGenerator.Fill(bytes);
                bytes[0] &= 0x0F; // 252 bits; n < 2^252 < p
                var l3 = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes);
                var l2 = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
                var l1 = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]);
                var l0 = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]);
                if ((NonZeroMask(l0, l1, l2, l3) & Scalar.BelowOrderMask(l0, l1, l2, l3)) != 0)
                {
                    return Felt.FromCanonicalUnchecked(l0, l1, l2, l3);
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>
    /// The public key ("stark key"): the x-coordinate of d·G, the only part used on-chain (spec §2.1).
    /// </summary>
    /// <param name="privateKey">The private key d, in [1, n).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="privateKey"/> is 0 or not below n.</exception>
    public static Felt GetPublicKey(Felt privateKey) => GetPublicKeyPoint(privateKey).X;

    /// <summary>The full public point d·G = (x, y), as needed by <see cref="VerifyLibrary(Felt, Felt, Felt, Felt, Felt)"/>.</summary>
    /// <param name="privateKey">The private key d, in [1, n).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="privateKey"/> is 0 or not below n.</exception>
    public static StarkPoint GetPublicKeyPoint(Felt privateKey)
    {
        var d = ToPrivateScalar(privateKey);
        return GeneratorTables.MultiplyConstantTime(d).ToAffine().ToStarkPoint();
    }

    /// <summary>
    /// Signs a message hash exactly as starknet.js <c>ec.starkCurve.sign</c> / @scure/starknet <c>sign</c>
    /// (spec §2.5): RFC 6979 nonce with HMAC-SHA-256 and the library's bits2int (leading zero bytes stripped, then a
    /// right shift only when more than 252 bits remain), no low-s normalisation. Deterministic.
    /// </summary>
    /// <param name="privateKey">The private key d, in [1, n).</param>
    /// <param name="messageHash">The hash z to sign, in [0, 2^251).</param>
    /// <returns>The signature (r, s).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="privateKey"/> is outside [1, n), or
    /// <paramref name="messageHash"/> is not below 2^251 (the library throws too).</exception>
    /// <exception cref="InvalidOperationException">r ≥ 2^251 or s⁻¹ mod n ≥ 2^251; the library throws instead of
    /// retrying in this case (probability about 2^-55 per signature).</exception>
    public static StarkSignature Sign(Felt privateKey, Felt messageHash) => SignWithDetails(privateKey, messageHash).Signature;

    /// <summary>Signing result with the nonce and the number of nonce candidates drawn (for tests).</summary>
    internal readonly record struct SigningDetails(StarkSignature Signature, Felt K, int Attempts);

    /// <summary><see cref="Sign"/> that also returns the nonce k and the number of candidates tried.</summary>
    internal static SigningDetails SignWithDetails(Felt privateKey, Felt messageHash)
    {
        if (!IsBelow2Pow251(messageHash))
        {
            throw new ArgumentOutOfRangeException(nameof(messageHash), "The message hash must be below 2^251 (spec §2.5).");
        }
        var d = ToPrivateScalar(privateKey);
        var z = Scalar.FromFeltReduced(messageHash); // z < 2^251 < n, so this is z itself

        // HMAC-DRBG state and the seed x‖h1 = be32(d)‖be32(z) (RFC 6979 §3.2 steps b–g).
        Span<byte> key = stackalloc byte[32];
        Span<byte> v = stackalloc byte[32];
        Span<byte> message = stackalloc byte[32 + 1 + 64];
        Span<byte> temp = stackalloc byte[32];
        try
        {
            key.Clear();
            v.Fill(0x01);
            privateKey.WriteBigEndian(message[33..]);
            messageHash.WriteBigEndian(message[65..]);
            Reseed(key, v, message, temp, 0x00);
            Reseed(key, v, message, temp, 0x01);

            for (var attempts = 1; ; attempts++)
            {
                HMACSHA256.HashData(key, v, temp);
                temp.CopyTo(v);
                if (TrySign(v, d, z, out var signature, out var k))
                {
                    CheckLibraryBounds(signature);
                    return new SigningDetails(signature, k, attempts);
                }
                // Rejected candidate: K = HMAC_K(V‖0x00), V = HMAC_K(V).
                v.CopyTo(message);
                message[32] = 0x00;
                HMACSHA256.HashData(key, message[..33], temp);
                temp.CopyTo(key);
                HMACSHA256.HashData(key, v, temp);
                temp.CopyTo(v);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(v);
            CryptographicOperations.ZeroMemory(message);
            CryptographicOperations.ZeroMemory(temp);
        }
    }

    /// <summary>K = HMAC_K(V‖tag‖seed); V = HMAC_K(V). The seed is already in message[33..97].</summary>
    private static void Reseed(Span<byte> key, Span<byte> v, Span<byte> message, Span<byte> temp, byte tag)
    {
        v.CopyTo(message);
        message[32] = tag;
        HMACSHA256.HashData(key, message, temp);
        temp.CopyTo(key);
        HMACSHA256.HashData(key, v, temp);
        temp.CopyTo(v);
    }

    /// <summary>
    /// One signing attempt with the candidate T: k = bits2int_stark(T); false when k ∉ [1, n), r = 0 or s = 0.
    /// </summary>
    private static bool TrySign(ReadOnlySpan<byte> t, in Scalar d, in Scalar z, out StarkSignature signature, out Felt kFelt)
    {
        signature = default;
        kFelt = default;
        var t3 = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(t);
        var t2 = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(t[8..]);
        var t1 = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(t[16..]);
        var t0 = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(t[24..]);

        // bits2int_stark: with a non-zero first byte 256 bits remain and k = T >> 4; with a zero first byte at most
        // 248 bits remain and k = T unshifted (the library quirk). Selected by mask, not by branch.
        var keep = ((((t3 >> 56) | (0UL - (t3 >> 56))) >> 63) - 1); // all ones when T[0] == 0
        var k0 = Select(keep, t0, (t0 >> 4) | (t1 << 60));
        var k1 = Select(keep, t1, (t1 >> 4) | (t2 << 60));
        var k2 = Select(keep, t2, (t2 >> 4) | (t3 << 60));
        var k3 = Select(keep, t3, t3 >> 4);
        if ((NonZeroMask(k0, k1, k2, k3) & Scalar.BelowOrderMask(k0, k1, k2, k3)) == 0)
        {
            return false;
        }
        var k = Scalar.FromCanonicalUnchecked(k0, k1, k2, k3);

        var point = GeneratorTables.MultiplyConstantTime(k).ToAffine(); // k ∈ [1, n): never the identity
        var r = Scalar.FromFeltReduced(point.X);
        var s = k.Inverse() * (z + r * d);
        if (r.IsZero || s.IsZero)
        {
            return false;
        }
        signature = new StarkSignature(r.ToFelt(), s.ToFelt());
        kFelt = Felt.FromCanonicalUnchecked(k0, k1, k2, k3);
        return true;
    }

    /// <summary>The checks @scure/starknet runs after signing: it throws when r or s⁻¹ mod n is not below 2^251.</summary>
    private static void CheckLibraryBounds(in StarkSignature signature)
    {
        if (!IsBelow2Pow251(signature.R))
        {
            throw new InvalidOperationException("The signature's r is not below 2^251; @scure/starknet rejects such a signature (spec §2.5 step 6).");
        }
        // s is the signature's public half, so the variable-time inverse is safe here.
        var w = Scalar.FromFeltReduced(signature.S).InverseVarTime().ToFelt();
        if (!IsBelow2Pow251(w))
        {
            throw new InvalidOperationException("The inverse of the signature's s is not below 2^251; @scure/starknet rejects such a signature (spec §2.5 step 6).");
        }
    }

    /// <summary>
    /// Verification with @scure/starknet <c>verify</c> semantics (spec §2.6): requires 1 ≤ r &lt; 2^251,
    /// 1 ≤ s &lt; n, s⁻¹ mod n &lt; 2^251, z &lt; 2^251 and a public point on the curve, then checks
    /// x((z·w)·G + (r·w)·Q) mod n == r with w = s⁻¹ mod n. The y-coordinate matters: the negated key fails.
    /// </summary>
    /// <param name="messageHash">The signed hash z.</param>
    /// <param name="publicKeyX">x of the public point Q.</param>
    /// <param name="publicKeyY">y of the public point Q.</param>
    /// <param name="r">Signature r.</param>
    /// <param name="s">Signature s.</param>
    /// <returns>True when valid. Where the library throws on an out-of-range value, this returns false.</returns>
    public static bool VerifyLibrary(Felt messageHash, Felt publicKeyX, Felt publicKeyY, Felt r, Felt s)
    {
        if (r.IsZero || !IsBelow2Pow251(r) || s.IsZero || !Scalar.IsBelowOrder(s) || !IsBelow2Pow251(messageHash))
        {
            return false;
        }
        var w = Scalar.FromFeltReduced(s).InverseVarTime();
        if (!IsBelow2Pow251(w.ToFelt()) || !StarkCurve.IsOnCurve(publicKeyX, publicKeyY))
        {
            return false;
        }
        var rScalar = Scalar.FromFeltReduced(r);
        var u1 = Scalar.FromFeltReduced(messageHash) * w;
        var u2 = rScalar * w;
        var sum = DoubleScalar.MultiplyAdd(u1, u2, new AffinePoint(publicKeyX, publicKeyY));
        if (sum.IsInfinity)
        {
            return false;
        }
        // x mod n == r, where x < p < 2n: x == r, or x == r + n when that is still below p. Compared as X == x·Z².
        var zz = sum.Z.Square();
        return sum.X == r * zz || (r < StarkCurve.FieldMinusOrder && sum.X == (r + StarkCurve.OrderAsFelt) * zz);
    }

    /// <summary>Library verification (see the overload) with the point and signature as values.</summary>
    public static bool VerifyLibrary(Felt messageHash, StarkPoint publicKey, StarkSignature signature) =>
        VerifyLibrary(messageHash, publicKey.X, publicKey.Y, signature.R, signature.S);

    /// <summary>
    /// Predicts on-chain acceptance (spec §2.6): Argent's <c>is_valid_starknet_signature</c> range assertions
    /// followed by Cairo's <c>check_ecdsa_signature(z, pub_x, r, s)</c>. Only the x-coordinate of the key is used,
    /// so either y is accepted; (r, n − s) is accepted as well; no 2^251 bound applies to r, z or s⁻¹.
    /// </summary>
    /// <param name="messageHash">The signed hash z (any felt).</param>
    /// <param name="publicKeyX">The stark key (x-coordinate of the public point).</param>
    /// <param name="r">Signature r.</param>
    /// <param name="s">Signature s.</param>
    /// <returns>True only for <see cref="OnChainSignatureStatus.Valid"/>. A false caused by r ≥ n or s ≥ n means the
    /// transaction would revert rather than merely fail validation; use <see cref="CheckOnChain(Felt, Felt, Felt, Felt)"/> to tell.</returns>
    public static bool VerifyOnChain(Felt messageHash, Felt publicKeyX, Felt r, Felt s) =>
        CheckOnChainCore(messageHash, publicKeyX, r, s, checkROnCurve: false) == OnChainSignatureStatus.Valid;

    /// <summary>On-chain verification (see the overload) with the signature as a value.</summary>
    public static bool VerifyOnChain(Felt messageHash, Felt publicKeyX, StarkSignature signature) =>
        VerifyOnChain(messageHash, publicKeyX, signature.R, signature.S);

    /// <summary>
    /// The on-chain rule of <see cref="VerifyOnChain(Felt, Felt, Felt, Felt)"/> with the reason for a rejection,
    /// checked in the contract's order: r &lt; n, s &lt; n, s ≠ 0, the key is an x-coordinate, r is an
    /// x-coordinate, then the equation. (Cairo's s = n and r = n checks cannot trigger after Argent's assertions.)
    /// </summary>
    public static OnChainSignatureStatus CheckOnChain(Felt messageHash, Felt publicKeyX, Felt r, Felt s) =>
        CheckOnChainCore(messageHash, publicKeyX, r, s, checkROnCurve: true);

    private static OnChainSignatureStatus CheckOnChainCore(in Felt messageHash, in Felt publicKeyX, in Felt r, in Felt s, bool checkROnCurve)
    {
        if (!Scalar.IsBelowOrder(r))
        {
            return OnChainSignatureStatus.RNotBelowCurveOrder;
        }
        if (!Scalar.IsBelowOrder(s))
        {
            return OnChainSignatureStatus.SNotBelowCurveOrder;
        }
        if (s.IsZero)
        {
            return OnChainSignatureStatus.SIsZero;
        }
        // x³ + x + β is never 0 (no point of order 2), so "is an x-coordinate" means "is a non-zero square". A key
        // with a table (PublicKeyTables) has passed that test already: its table was built from a square root.
        var table = PublicKeyTables.Built(publicKeyX);
        if (table is null && StarkCurve.RightHandSide(publicKeyX).Legendre() != 1)
        {
            return OnChainSignatureStatus.PublicKeyNotOnCurve;
        }
        // The equation below can only hold when r is an x-coordinate, so the plain boolean skips this test.
        if (checkROnCurve && StarkCurve.RightHandSide(r).Legendre() != 1)
        {
            return OnChainSignatureStatus.RNotOnCurve;
        }
        // x(s·R) = x(z·G ± r·Q)  ⇔  z·G ± r·Q = ±s·R  ⇔  (z·w)·G ± (r·w)·Q = ±R  ⇔  x((z·w)·G ± (r·w)·Q) = r,
        // with w = s⁻¹ mod n (the group has prime order n and s is invertible). An infinite sum never matches,
        // just as Cairo skips a sum at infinity.
        var w = Scalar.FromFeltReduced(s).InverseVarTime();
        var u1 = Scalar.FromFeltReduced(messageHash) * w;
        var u2 = Scalar.FromFeltReduced(r) * w;
        var matches = table is null ? DoubleScalar.XOnlyMatches(u1, u2, publicKeyX, r) : DoubleScalar.XOnlyMatches(u1, u2, table, r);
        return matches
            ? OnChainSignatureStatus.Valid
            : OnChainSignatureStatus.EquationDoesNotHold;
    }

    /// <summary>The private key as a scalar, or an exception when it is outside [1, n).</summary>
    private static Scalar ToPrivateScalar(in Felt privateKey)
    {
        privateKey.ToCanonicalLimbs(out var l0, out var l1, out var l2, out var l3);
        if ((NonZeroMask(l0, l1, l2, l3) & Scalar.BelowOrderMask(l0, l1, l2, l3)) == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(privateKey), "A private key must be in [1, n), n = the STARK curve order.");
        }
        return Scalar.FromCanonicalUnchecked(l0, l1, l2, l3);
    }

    private static bool IsBelow2Pow251(in Felt value)
    {
        value.ToCanonicalLimbs(out _, out _, out _, out var l3);
        return l3 < Bound251TopLimb;
    }

    /// <summary>All ones when the 256-bit value is non-zero; branch-free.</summary>
    private static ulong NonZeroMask(ulong l0, ulong l1, ulong l2, ulong l3)
    {
        var x = l0 | l1 | l2 | l3;
        return 0UL - ((x | (0UL - x)) >> 63);
    }

    private static ulong Select(ulong mask, ulong a, ulong b) => (a & mask) | (b & ~mask);
}
