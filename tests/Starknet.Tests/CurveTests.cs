using System.Numerics;
using Starknet.Curve;

namespace Starknet.Tests;

/// <summary>
/// A deliberately simple affine implementation of the STARK curve over <see cref="BigInteger"/> (y² = x³ + x + β
/// mod p), used as the oracle for the fast code. Null stands for the point at infinity.
/// </summary>
internal static class CurveOracle
{
    internal static readonly BigInteger P = (BigInteger.One << 251) + (new BigInteger(17) << 192) + 1;
    internal static readonly BigInteger N = Hex("0x800000000000010ffffffffffffffffb781126dcae7b2321e66a241adc64d2f");
    internal static readonly BigInteger Beta = Hex("0x6f21413efbe40de150e596d72f7a8c5609ad26c15c915c1f4cdfcb99cee9e89");
    internal static readonly (BigInteger X, BigInteger Y) G = (
        Hex("0x1ef15c18599971b7beced415a40f0c7deacfd9b0d1819e03d723d8bc943cfca"),
        Hex("0x5668060aa49730b7be4801df46ec62de53ecd11abe43a32873000c36e8dc1f"));

    internal static BigInteger Hex(string hex) =>
        BigInteger.Parse("0" + hex[2..], System.Globalization.NumberStyles.HexNumber);

    internal static BigInteger Mod(BigInteger v, BigInteger m)
    {
        var r = BigInteger.Remainder(v, m);
        return r.Sign < 0 ? r + m : r;
    }

    /// <summary>Modular inverse by the extended Euclidean algorithm (m prime, v not divisible by m).</summary>
    internal static BigInteger Inv(BigInteger v, BigInteger m)
    {
        BigInteger a = Mod(v, m), b = m, x0 = 1, x1 = 0;
        while (!b.IsZero)
        {
            var q = BigInteger.DivRem(a, b, out var r);
            (a, b) = (b, r);
            (x0, x1) = (x1, x0 - q * x1);
        }
        if (!a.IsOne)
        {
            throw new DivideByZeroException("Not invertible.");
        }
        return Mod(x0, m);
    }

    internal static bool OnCurve((BigInteger X, BigInteger Y) p) =>
        Mod(p.Y * p.Y - (p.X * p.X * p.X + p.X + Beta), P) == 0;

    internal static (BigInteger X, BigInteger Y)? Add((BigInteger X, BigInteger Y)? a, (BigInteger X, BigInteger Y)? b)
    {
        if (a is null) return b;
        if (b is null) return a;
        var (x1, y1) = a.Value;
        var (x2, y2) = b.Value;
        BigInteger lambda;
        if (x1 == x2)
        {
            if (Mod(y1 + y2, P) == 0) return null;
            lambda = Mod((3 * x1 * x1 + 1) * Inv(2 * y1, P), P);
        }
        else
        {
            lambda = Mod((y2 - y1) * Inv(x2 - x1, P), P);
        }
        var x3 = Mod(lambda * lambda - x1 - x2, P);
        return (x3, Mod(lambda * (x1 - x3) - y1, P));
    }

    internal static (BigInteger X, BigInteger Y)? Negate((BigInteger X, BigInteger Y)? a) =>
        a is null ? null : (a.Value.X, Mod(-a.Value.Y, P));

    internal static (BigInteger X, BigInteger Y)? Multiply(BigInteger k, (BigInteger X, BigInteger Y)? point)
    {
        (BigInteger X, BigInteger Y)? result = null;
        var addend = point;
        k = Mod(k, N);
        while (k > 0)
        {
            if (!k.IsEven) result = Add(result, addend);
            addend = Add(addend, addend);
            k >>= 1;
        }
        return result;
    }

    /// <summary>Square root mod p by Tonelli–Shanks, or null for a non-square.</summary>
    internal static BigInteger? Sqrt(BigInteger a)
    {
        a = Mod(a, P);
        if (a.IsZero) return BigInteger.Zero;
        if (BigInteger.ModPow(a, (P - 1) / 2, P) != 1) return null;
        var q = P - 1;
        var s = 0;
        while (q.IsEven) { q >>= 1; s++; }
        BigInteger z = 2;
        while (BigInteger.ModPow(z, (P - 1) / 2, P) == 1) z++;
        var m = s;
        var c = BigInteger.ModPow(z, q, P);
        var t = BigInteger.ModPow(a, q, P);
        var r = BigInteger.ModPow(a, (q + 1) / 2, P);
        while (t != 1)
        {
            var i = 0;
            var t2 = t;
            while (t2 != 1) { t2 = t2 * t2 % P; i++; }
            var b = BigInteger.ModPow(c, BigInteger.One << (m - i - 1), P);
            m = i;
            c = b * b % P;
            t = t * c % P;
            r = r * b % P;
        }
        return r;
    }

    internal static BigInteger RandomBelow(Random random, BigInteger bound)
    {
        var bytes = new byte[33];
        while (true)
        {
            random.NextBytes(bytes);
            bytes[32] = 0;
            var v = new BigInteger(bytes) & ((BigInteger.One << (int)bound.GetBitLength()) - 1);
            if (v < bound) return v;
        }
    }

    internal static Felt F(BigInteger v) => Felt.FromBigInteger(Mod(v, P));

    internal static (BigInteger X, BigInteger Y) ToOracle(AffinePoint p) => (p.X.ToBigInteger(), p.Y.ToBigInteger());

    internal static (BigInteger X, BigInteger Y)? ToOracle(JacobianPoint p)
    {
        if (p.IsInfinity) return null;
        var z = p.Z.ToBigInteger();
        var zi = Inv(z, P);
        return (Mod(p.X.ToBigInteger() * zi * zi, P), Mod(p.Y.ToBigInteger() * zi * zi * zi, P));
    }

    internal static (BigInteger X, BigInteger Y)? ToOracle(ProjectivePoint p)
    {
        if (p.Z.IsZero) return null;
        var zi = Inv(p.Z.ToBigInteger(), P);
        return (Mod(p.X.ToBigInteger() * zi, P), Mod(p.Y.ToBigInteger() * zi, P));
    }

    internal static AffinePoint ToAffine((BigInteger X, BigInteger Y) p) => new(F(p.X), F(p.Y));

    internal static JacobianPoint ToJacobian((BigInteger X, BigInteger Y)? p, BigInteger z)
    {
        if (p is null) return JacobianPoint.Infinity;
        return new JacobianPoint(F(p.Value.X * z * z), F(p.Value.Y * z * z * z), F(z));
    }

    internal static ProjectivePoint ToProjective((BigInteger X, BigInteger Y)? p, BigInteger z)
    {
        if (p is null) return new ProjectivePoint(Felt.Zero, F(z), Felt.Zero);
        return new ProjectivePoint(F(p.Value.X * z), F(p.Value.Y * z), F(z));
    }
}

public class CurveTests
{
    private static readonly BigInteger P = CurveOracle.P;
    private static readonly BigInteger N = CurveOracle.N;

    // A random multiple of G with a 128-bit scalar: any curve point serves for testing the formulas, and the oracle's
    // double-and-add is cheaper with half the bits.
    private static (BigInteger X, BigInteger Y) RandomPoint(Random random) =>
        CurveOracle.Multiply(CurveOracle.RandomBelow(random, BigInteger.One << 128) + 1, CurveOracle.G)!.Value;

    [Fact]
    public void Generator_MatchesSpecConstants_IsOnCurve()
    {
        var g = StarkCurve.Generator;
        Assert.Equal(CurveOracle.G, CurveOracle.ToOracle(g));
        Assert.True(Ecdsa.Generator.IsOnCurve);
        Assert.Equal(CurveOracle.Beta, StarkCurve.Beta.ToBigInteger());
        Assert.Equal(N, Ecdsa.CurveOrder);
        Assert.Equal(CurveOracle.Negate(CurveOracle.G), CurveOracle.Multiply(N - 1, CurveOracle.G));
    }

    [Fact]
    public void Beta_IsNotASquare_ZeroIsNoXCoordinate()
    {
        // r = 0 can never be an x-coordinate, which Cairo relies on ("this ensures r != 0").
        Assert.Equal(-1, StarkCurve.Beta.Legendre());
        Assert.False(StarkCurve.IsXCoordinate(Felt.Zero));
    }

    [Fact]
    public void Scalar_ArithmeticOnRandomValues_MatchesBigIntegerModN()
    {
        var random = new Random(101);
        var edge = new[] { BigInteger.Zero, BigInteger.One, N - 1, N - 2, (BigInteger.One << 251) - 1, BigInteger.One << 251 };
        for (var i = 0; i < 400; i++)
        {
            var a = i < edge.Length ? edge[i] : CurveOracle.RandomBelow(random, N);
            var b = CurveOracle.RandomBelow(random, N);
            var sa = Scalar.FromBigInteger(a);
            var sb = Scalar.FromBigInteger(b);
            Assert.Equal(a, sa.ToBigInteger());
            Assert.Equal(CurveOracle.Mod(a + b, N), (sa + sb).ToBigInteger());
            Assert.Equal(CurveOracle.Mod(a - b, N), (sa - sb).ToBigInteger());
            Assert.Equal(CurveOracle.Mod(-a, N), (-sa).ToBigInteger());
            Assert.Equal(CurveOracle.Mod(a * b, N), (sa * sb).ToBigInteger());
            Assert.Equal(a.IsZero ? BigInteger.Zero : CurveOracle.Inv(a, N), sa.Inverse().ToBigInteger());
        }
    }

    [Fact]
    public void Scalar_FromFeltReduced_ReducesValuesAtOrAboveN()
    {
        var values = new[] { BigInteger.Zero, N - 1, N, N + 1, P - 1, P - N, (BigInteger.One << 251) };
        foreach (var v in values)
        {
            Assert.Equal(CurveOracle.Mod(v, N), Scalar.FromFeltReduced(Felt.FromBigInteger(v)).ToBigInteger());
            Assert.Equal(v < N, Scalar.IsBelowOrder(Felt.FromBigInteger(v)));
        }
    }

    [Fact]
    public void VarTimeInverse_RandomAndEdgeValues_MatchesFermatAndBigInteger()
    {
        var random = new Random(111);
        var edge = new[]
        {
            BigInteger.One, new BigInteger(2), P - 1, P - 2, (P - 1) / 2, BigInteger.One << 62, BigInteger.One << 250,
            (BigInteger.One << 251) - 1, BigInteger.One << 251, (BigInteger.One << 248) + 1, new BigInteger(ulong.MaxValue),
        };
        for (var i = 0; i < 2000; i++)
        {
            var v = i < edge.Length ? edge[i] : CurveOracle.RandomBelow(random, P - 1) + 1;
            if (i % 7 == 0 && i >= edge.Length)
            {
                v = CurveOracle.RandomBelow(random, BigInteger.One << random.Next(1, 250)) + 1; // small values
            }
            var x = Felt.FromBigInteger(v);
            var inverse = VarTimeInverse.Invert(x);
            Assert.Equal(CurveOracle.Inv(v, P), inverse.ToBigInteger());
            Assert.Equal(x.Inverse(), inverse);
        }
        Assert.Throws<DivideByZeroException>(() => VarTimeInverse.Invert(Felt.Zero));
    }

    [Fact]
    public void Scalar_InverseVarTime_RandomAndEdgeValues_MatchesFermatAndBigInteger()
    {
        var random = new Random(112);
        var edge = new[]
        {
            BigInteger.Zero, BigInteger.One, new BigInteger(2), N - 1, N - 2, (N - 1) / 2, BigInteger.One << 62, BigInteger.One << 250,
            (BigInteger.One << 251) - 1, BigInteger.One << 251, N - (BigInteger.One << 128), new BigInteger(ulong.MaxValue),
        };
        for (var i = 0; i < 2000; i++)
        {
            var v = i < edge.Length ? edge[i] : CurveOracle.RandomBelow(random, N - 1) + 1;
            if (i % 7 == 0 && i >= edge.Length)
            {
                v = CurveOracle.RandomBelow(random, BigInteger.One << random.Next(1, 251)) + 1; // small values
            }
            var x = Scalar.FromBigInteger(v);
            var inverse = x.InverseVarTime();
            Assert.Equal(v.IsZero ? BigInteger.Zero : CurveOracle.Inv(v, N), inverse.ToBigInteger());
            Assert.Equal(x.Inverse(), inverse);
        }
    }

    [Fact]
    public void JacobianAddAndDouble_RandomPointsAndSpecialCases_MatchOracle()
    {
        var random = new Random(202);
        for (var i = 0; i < 100; i++)
        {
            var a = RandomPoint(random);
            var b = RandomPoint(random);
            var za = CurveOracle.RandomBelow(random, P - 1) + 1;
            var zb = CurveOracle.RandomBelow(random, P - 1) + 1;
            var ja = CurveOracle.ToJacobian(a, za);
            var jb = CurveOracle.ToJacobian(b, zb);
            var negA = CurveOracle.Negate(a)!.Value;

            Assert.Equal(CurveOracle.Add(a, b), CurveOracle.ToOracle(JacobianPoint.Add(ja, jb)));
            Assert.Equal(CurveOracle.Add(a, b), CurveOracle.ToOracle(JacobianPoint.AddMixed(ja, CurveOracle.ToAffine(b))));
            Assert.Equal(CurveOracle.Add(a, a), CurveOracle.ToOracle(JacobianPoint.Double(ja)));
            Assert.Equal(CurveOracle.Add(a, a), CurveOracle.ToOracle(JacobianPoint.Double(ja, Felt.One)));
            // Equal, opposite and infinite operands.
            Assert.Equal(CurveOracle.Add(a, a), CurveOracle.ToOracle(JacobianPoint.Add(ja, CurveOracle.ToJacobian(a, zb))));
            Assert.Equal(CurveOracle.Add(a, a), CurveOracle.ToOracle(JacobianPoint.AddMixed(ja, CurveOracle.ToAffine(a))));
            Assert.Null(CurveOracle.ToOracle(JacobianPoint.Add(ja, CurveOracle.ToJacobian(negA, zb))));
            Assert.Null(CurveOracle.ToOracle(JacobianPoint.AddMixed(ja, CurveOracle.ToAffine(negA))));
            Assert.Equal(a, CurveOracle.ToOracle(JacobianPoint.Add(ja, JacobianPoint.Infinity)));
            Assert.Equal(a, CurveOracle.ToOracle(JacobianPoint.Add(JacobianPoint.Infinity, ja)));
            Assert.Equal(a, CurveOracle.ToOracle(JacobianPoint.AddMixed(JacobianPoint.Infinity, CurveOracle.ToAffine(a))));
            Assert.True(JacobianPoint.Double(JacobianPoint.Infinity).IsInfinity);
        }
    }

    [Fact]
    public void ProjectiveCompleteAddition_AllCaseKinds_MatchesOracle()
    {
        var random = new Random(303);
        for (var i = 0; i < 100; i++)
        {
            var a = RandomPoint(random);
            var b = RandomPoint(random);
            var za = CurveOracle.RandomBelow(random, P - 1) + 1;
            var zb = CurveOracle.RandomBelow(random, P - 1) + 1;
            var negA = CurveOracle.Negate(a)!.Value;
            var cases = new (BigInteger X, BigInteger Y)?[][]
            {
                [a, b], [a, a], [a, negA], [a, null], [null, b], [null, null],
            };
            foreach (var pair in cases)
            {
                var expected = CurveOracle.Add(pair[0], pair[1]);
                var p = CurveOracle.ToProjective(pair[0], za);
                var q = CurveOracle.ToProjective(pair[1], zb);
                Assert.Equal(expected, CurveOracle.ToOracle(ProjectivePoint.Add(p, q)));
                if (pair[1] is { } affine)
                {
                    Assert.Equal(expected, CurveOracle.ToOracle(ProjectivePoint.AddMixed(p, CurveOracle.ToAffine(affine))));
                }
            }
        }
    }

    [Fact]
    public void ProjectivePoint_ToAffineAndToJacobian_PreserveThePoint()
    {
        var random = new Random(404);
        for (var i = 0; i < 20; i++)
        {
            var a = RandomPoint(random);
            var pp = CurveOracle.ToProjective(a, CurveOracle.RandomBelow(random, P - 1) + 1);
            Assert.Equal(a, CurveOracle.ToOracle(pp.ToAffine()));
            Assert.Equal(a, CurveOracle.ToOracle(pp.ToJacobian()));
        }
    }

    [Fact]
    public void BatchToAffine_ManyPoints_MatchesOracle()
    {
        var random = new Random(505);
        var points = new (BigInteger X, BigInteger Y)[20];
        var jacobian = new JacobianPoint[points.Length];
        for (var i = 0; i < points.Length; i++)
        {
            points[i] = RandomPoint(random);
            jacobian[i] = CurveOracle.ToJacobian(points[i], CurveOracle.RandomBelow(random, P - 1) + 1);
        }
        var affine = new AffinePoint[points.Length];
        JacobianPoint.BatchToAffine(jacobian, affine);
        for (var i = 0; i < points.Length; i++)
        {
            Assert.Equal(points[i], CurveOracle.ToOracle(affine[i]));
        }
    }

    [Fact]
    public void WnafMultiply_RandomScalars_MatchesOracle()
    {
        var random = new Random(606);
        var scalars = new List<BigInteger> { 0, 1, 2, 3, 15, 16, 17, 31, N - 1, N - 2, (BigInteger.One << 251) + 12345 };
        for (var i = 0; i < 100; i++)
        {
            scalars.Add(CurveOracle.RandomBelow(random, N));
        }
        foreach (var k in scalars)
        {
            var q = RandomPoint(random);
            var expected = CurveOracle.Multiply(k, q);
            var actual = WnafMultiplier.Multiply(CurveOracle.ToJacobian(q, 1), Scalar.FromBigInteger(k));
            Assert.Equal(expected, CurveOracle.ToOracle(actual));
        }
    }

    [Fact]
    public void GeneratorMultiplication_HundredsOfRandomScalars_ConstantTimeEqualsVariableTimeAndWnaf()
    {
        var random = new Random(707);
        var g = JacobianPoint.FromAffine(StarkCurve.Generator);
        for (var i = 0; i < 300; i++)
        {
            var k = i switch
            {
                0 => BigInteger.Zero,
                1 => BigInteger.One,
                2 => N - 1,
                3 => BigInteger.One << 248,
                _ => CurveOracle.RandomBelow(random, N),
            };
            var s = Scalar.FromBigInteger(k);
            var constantTime = CurveOracle.ToOracle(GeneratorTables.MultiplyConstantTime(s));
            var variableTime = CurveOracle.ToOracle(GeneratorTables.MultiplyVarTime(s));
            var wnaf = CurveOracle.ToOracle(WnafMultiplier.Multiply(g, s));
            Assert.Equal(variableTime, constantTime);
            Assert.Equal(wnaf, constantTime);
            if (i < 40)
            {
                Assert.Equal(CurveOracle.Multiply(k, CurveOracle.G), constantTime);
            }
        }
    }

    [Fact]
    public void FixedBaseTable_Entries_AreMultiplesOfTheBase()
    {
        var table = GeneratorTables.ConstantTime; // signed 5-bit windows: digits 1..16
        foreach (var (window, digit) in new[] { (0, 1), (0, 16), (1, 1), (7, 9), (50, 16) })
        {
            var k = new BigInteger(digit) << (5 * window);
            Assert.Equal(CurveOracle.Multiply(k, CurveOracle.G), CurveOracle.ToOracle(table.Entry(window, digit)));
        }
        var wide = GeneratorTables.Public; // signed 9-bit windows: digits 1..256
        Assert.Equal(CurveOracle.Multiply(new BigInteger(256) << 252, CurveOracle.G), CurveOracle.ToOracle(wide.Entry(28, 256)));
        Assert.Equal(CurveOracle.Multiply(new BigInteger(200) << 18, CurveOracle.G), CurveOracle.ToOracle(wide.Entry(2, 200)));
    }

    [Fact]
    public void FixedBaseTable_SignedAndUnsignedWindows_MatchOracleOnRandomScalars()
    {
        var random = new Random(909);
        var point = CurveOracle.Multiply(987654321, CurveOracle.G)!.Value;
        var tables = new[]
        {
            new FixedBaseTable(CurveOracle.ToAffine(point), 5, 52, signed: true),   // 260 bits
            new FixedBaseTable(CurveOracle.ToAffine(point), 7, 37),                 // 259 bits
            new FixedBaseTable(CurveOracle.ToAffine(point), 11, 24, signed: true),  // 264 bits, straddles limbs
        };
        for (var i = 0; i < 60; i++)
        {
            var k = i switch
            {
                0 => BigInteger.Zero,
                1 => N - 1,
                2 => (BigInteger.One << 252) - 1,
                3 => CurveOracle.Hex("0x0fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff") ^ 0x5555,
                // Every 5-bit window 17 (0b10001) or 16: signed recoding carries out of every window, or of none.
                4 => Enumerable.Range(0, 50).Aggregate(BigInteger.Zero, (acc, w) => acc | (new BigInteger(17) << (5 * w))),
                5 => Enumerable.Range(0, 50).Aggregate(BigInteger.Zero, (acc, w) => acc | (new BigInteger(16) << (5 * w))),
                _ => CurveOracle.RandomBelow(random, BigInteger.One << 252),
            };
            var s = Scalar.FromBigInteger(k);
            s.ToCanonicalLimbs(out var l0, out var l1, out var l2, out var l3);
            if (k >= N)
            {
                var bytes = k.ToByteArray(isUnsigned: true);
                Array.Resize(ref bytes, 32);
                (l0, l1, l2, l3) = (BitConverter.ToUInt64(bytes, 0), BitConverter.ToUInt64(bytes, 8), BitConverter.ToUInt64(bytes, 16), BitConverter.ToUInt64(bytes, 24));
            }
            var expected = CurveOracle.Multiply(k, point);
            foreach (var table in tables)
            {
                var acc = JacobianPoint.Infinity;
                table.AddMultipleVarTime(ref acc, l0, l1, l2, l3);
                Assert.Equal(expected, CurveOracle.ToOracle(acc));
                // The constant-time path (masked selection, masked recoding for the signed tables) gives the same point.
                Assert.Equal(expected, CurveOracle.ToOracle(table.MultiplyConstantTime(l0, l1, l2, l3)));
            }
        }
    }

    /// <summary>The three ways a verification can run: the public entry (table once the key is known), and each path forced.</summary>
    private static bool XOnlyMatches(string path, Scalar u1, Scalar u2, Felt qx, Felt r) => path switch
    {
        "wnaf" => DoubleScalar.XOnlyMatchesByWnaf(u1, u2, qx, r),
        "table" => DoubleScalar.XOnlyMatches(u1, u2, PublicKeyTables.Build(qx), r),
        _ => DoubleScalar.XOnlyMatches(u1, u2, qx, r),
    };

    [Theory]
    [InlineData("entry")]
    [InlineData("wnaf")]
    [InlineData("table")]
    public void XOnlyMatches_SumsDifferencesAndEdgeCases_AgreesWithOracle(string path)
    {
        var random = new Random(808);
        for (var i = 0; i < 60; i++)
        {
            var u1 = i % 10 == 0 ? BigInteger.Zero : CurveOracle.RandomBelow(random, N);
            var u2 = i % 10 == 1 ? BigInteger.Zero : CurveOracle.RandomBelow(random, N);
            if (i % 10 == 2)
            {
                u2 = u1; // Q = G below, so u2·Q = u1·G: x1 == x2
            }
            if (i % 10 == 3)
            {
                u2 = CurveOracle.Mod(-u1, N); // u1·G + u2·Q is infinity for Q = G
            }
            var q = i % 10 is 2 or 3 ? CurveOracle.G : RandomPoint(random);
            var p1 = CurveOracle.Multiply(u1, CurveOracle.G);
            var p2 = CurveOracle.Multiply(u2, q);
            var sum = CurveOracle.Add(p1, p2);
            var diff = CurveOracle.Add(p1, CurveOracle.Negate(p2));
            var s1 = Scalar.FromBigInteger(u1);
            var s2 = Scalar.FromBigInteger(u2);
            var qx = CurveOracle.F(q.X);

            foreach (var candidate in new[] { sum, diff })
            {
                if (candidate is { } c)
                {
                    Assert.True(XOnlyMatches(path, s1, s2, qx, CurveOracle.F(c.X)));
                }
            }
            var other = CurveOracle.Multiply(CurveOracle.RandomBelow(random, N), CurveOracle.G)!.Value.X;
            var expectedOther = (sum is { } sv && sv.X == other) || (diff is { } dv && dv.X == other);
            Assert.Equal(expectedOther, XOnlyMatches(path, s1, s2, qx, CurveOracle.F(other)));
            var plusOne = CurveOracle.Mod((sum?.X ?? diff?.X ?? 0) + 1, P);
            var expectedPlusOne = (sum is { } s3 && s3.X == plusOne) || (diff is { } d3 && d3.X == plusOne);
            Assert.Equal(expectedPlusOne, XOnlyMatches(path, s1, s2, qx, CurveOracle.F(plusOne)));
        }
    }

    [Theory]
    [InlineData("entry")]
    [InlineData("wnaf")]
    [InlineData("table")]
    public void XOnlyMatches_BothScalarsZero_MatchesNothing(string path)
    {
        Assert.False(XOnlyMatches(path, Scalar.Zero, Scalar.Zero, StarkCurve.Generator.X, Felt.Zero));
        Assert.False(XOnlyMatches(path, Scalar.Zero, Scalar.Zero, StarkCurve.Generator.X, StarkCurve.Generator.X));
    }

    [Fact]
    public void PublicKeyTables_AKeyInUse_GetsATableThatGivesTheSameAnswers()
    {
        var privateKey = Felt.Parse("0x51e0f2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7");
        var key = Ecdsa.GetPublicKey(privateKey);
        var message = Felt.Parse("0x1234567890abcdef");
        var signature = Ecdsa.Sign(privateKey, message);
        for (var i = 0; i < PublicKeyTables.UsesBeforeTable + 4; i++)
        {
            Assert.True(Ecdsa.VerifyOnChain(message, key, signature));
            Assert.False(Ecdsa.VerifyOnChain(message + Felt.One, key, signature));
            Assert.False(Ecdsa.VerifyOnChain(message, key, new StarkSignature(signature.R, signature.S + Felt.One)));
        }
        // The cache may have started over under other tests' keys; then the next uses build the table again.
        FixedBaseTable? table = null;
        for (var i = 0; i <= PublicKeyTables.UsesBeforeTable && table is null; i++)
        {
            table = PublicKeyTables.Find(key);
        }
        Assert.NotNull(table);
        var entry = table.Entry(0, 1);
        Assert.Equal(key, entry.X);
        Assert.True(StarkCurve.IsOnCurve(entry.X, entry.Y));
        // Other test classes verify in parallel, so the count may just have started over or overshoot by a few.
        Assert.InRange(PublicKeyTables.Count, 0, PublicKeyTables.MaxKeys + 64);
    }

    [Fact]
    public void PublicKeyTables_MoreKeysThanItFollows_StaysWithinItsBound()
    {
        var x = Felt.One;
        for (var added = 0; added < PublicKeyTables.MaxKeys + 50; x += Felt.One)
        {
            if (StarkCurve.IsXCoordinate(x))
            {
                PublicKeyTables.Find(x);
                added++;
                // Concurrent first uses (other test classes) can overshoot the bound by a few before it starts over.
                Assert.InRange(PublicKeyTables.Count, 0, PublicKeyTables.MaxKeys + 64);
            }
        }
    }

    [Fact]
    public void StarkPoint_NegateAndIsOnCurve_Behave()
    {
        var g = Ecdsa.Generator;
        Assert.True(g.Negate().IsOnCurve);
        Assert.Equal(g.X, g.Negate().X);
        Assert.False(new StarkPoint(g.X, g.Y + Felt.One).IsOnCurve);
    }
}
