using Sessions.Tests.Support;
using Starknet;
using Starknet.Tests.Infrastructure;

namespace Sessions.Tests;

/// <summary>Malformed session tokens: rejected with the offset, the field and the contract's error, without
/// allocating what a claimed length says.</summary>
[Trait("Category", "Vectors")]
public sealed class SessionTokenParseTests
{
    // Case 3: regular authorization (9 felts) and one call with a proof of 2 → the token has 28 felts:
    // 0 magic, 1–4 session, 5 cache, 6 A=9, 7–15 authorization, 16–19 session sig, 20–23 guardian sig,
    // 24 C=1, 25 len=2, 26–27 proof.
    private static Felt[] Valid() => SessionCases.Case(3).GetProperty("session_token").Felts("signature_array");

    private static SessionFormatException Rejected(Felt[] felts)
    {
        var e = Assert.Throws<SessionFormatException>(() => SessionToken.Parse(felts));
        Assert.False(SessionToken.TryParse(felts, SessionTokenLayout.CacheOwnerGuid, out _, out var error));
        Assert.Equal(e.Message, error.Message);
        Assert.Contains($"offset {e.Offset}", e.Message, StringComparison.Ordinal);
        Assert.Contains(e.Field, e.Message, StringComparison.Ordinal);
        return e;
    }

    [Fact]
    public void Parse_ValidBase_HasTheExpectedLayout()
    {
        var felts = Valid();
        Assert.Equal(28, felts.Length);
        Assert.Equal(new Felt(9), felts[6]);
        Assert.Equal(new Felt(1), felts[24]);
        Assert.Equal(new Felt(2), felts[25]);
        Assert.Equal(felts, SessionToken.Parse(felts).ToFelts());
    }

    [Fact]
    public void Parse_EveryTruncation_IsRejected()
    {
        var felts = Valid();
        for (var length = 0; length < felts.Length; length++)
        {
            var e = Rejected(felts[..length]);
            Assert.True(e.Offset <= length, $"length {length}: offset {e.Offset}");
            var expected = length switch
            {
                0 => SessionErrors.InvalidMagicValue,
                // A = 9 claimed with fewer left: Cairo's span slice panics.
                >= 7 and < 16 => SessionErrors.IndexOutOfBounds,
                // The proof claims 2 with fewer left.
                26 or 27 => SessionErrors.IndexOutOfBounds,
                _ => SessionErrors.InvalidCalldata,
            };
            Assert.True(expected == e.ContractError, $"length {length}: {e.Message}");
        }
    }

    [Theory]
    [InlineData(1, "session.expires_at")]
    [InlineData(6, "session_authorization length")]
    [InlineData(16, "session_signature.variant")]
    [InlineData(20, "guardian_signature.variant")]
    [InlineData(24, "proofs length")]
    public void Parse_TruncatedAtField_NamesIt(int length, string field)
    {
        var e = Rejected(Valid()[..length]);
        Assert.Equal(length, e.Offset);
        Assert.Equal(field, e.Field);
        Assert.Equal(SessionErrors.InvalidCalldata, e.ContractError);
    }

    [Fact]
    public void Parse_TrailingFelt_IsRejected()
    {
        var e = Rejected([.. Valid(), 0]);
        Assert.Equal(28, e.Offset);
        Assert.Equal("end", e.Field);
        Assert.Equal(SessionErrors.InvalidCalldata, e.ContractError);
    }

    [Fact]
    public void Parse_WrongMagic_IsRejected()
    {
        var felts = Valid();
        felts[0] = CairoShortString.Encode("session-tokem");
        var e = Rejected(felts);
        Assert.Equal(0, e.Offset);
        Assert.Equal(SessionErrors.InvalidMagicValue, e.ContractError);
        Assert.False(SessionToken.IsSessionToken(felts));
        Assert.Equal(SessionErrors.InvalidMagicValue, Rejected([]).ContractError);
    }

    [Fact]
    public void Parse_ProofCountMismatch_IsRejected()
    {
        var more = Valid();
        more[24] = 2;
        var e = Rejected(more);
        Assert.Equal(28, e.Offset);
        Assert.Equal("proofs[1] length", e.Field);
        Assert.Equal(SessionErrors.InvalidCalldata, e.ContractError);

        var fewer = Valid();
        fewer[24] = 0;
        e = Rejected(fewer);
        Assert.Equal(25, e.Offset);
        Assert.Equal("end", e.Field);
    }

    [Theory]
    [InlineData(6, 6)]
    [InlineData(24, 28)] // the proof count is a felt counter: it fails where the data runs out, after proof 0
    [InlineData(25, 25)]
    public void Parse_AbsurdLength_IsRejectedWithoutAllocatingIt(int offset, int errorOffset)
    {
        var felts = Valid();
        felts[offset] = new Felt(1UL << 60);
        SessionToken.Parse(Valid()); // warm up so the JIT's own allocations are not counted

        var before = GC.GetAllocatedBytesForCurrentThread();
        var ok = SessionToken.TryParse(felts, SessionTokenLayout.CacheOwnerGuid, out _, out var error);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.False(ok);
        Assert.Equal(SessionErrors.InvalidCalldata, error!.ContractError);
        Assert.Equal(errorOffset, error.Offset);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes");
    }

    [Theory]
    [InlineData(6)]
    [InlineData(25)]
    public void Parse_SpanLengthBeyondData_IsIndexOutOfBounds(int offset)
    {
        var felts = Valid();
        felts[offset] = uint.MaxValue;
        var e = Rejected(felts);
        Assert.Equal(offset, e.Offset);
        Assert.Equal(SessionErrors.IndexOutOfBounds, e.ContractError);
    }

    [Fact]
    public void Parse_HugeProofCount_IsRejectedWhenDataRunsOut()
    {
        var felts = Valid();
        felts[24] = Felt.MinusOne;
        var e = Rejected(felts);
        Assert.Equal(28, e.Offset);
        Assert.Equal(SessionErrors.InvalidCalldata, e.ContractError);
    }

    [Fact]
    public void Parse_ExpiryAboveU64_IsRejected()
    {
        var felts = Valid();
        felts[1] = Felt.FromUInt128((UInt128)ulong.MaxValue + 1);
        var e = Rejected(felts);
        Assert.Equal(1, e.Offset);
        Assert.Equal(SessionErrors.InvalidCalldata, e.ContractError);
    }

    [Theory]
    [InlineData(16, 7, SessionErrors.InvalidCalldata)]
    [InlineData(16, 2, SessionErrors.UnsupportedSignerType)]
    [InlineData(17, 0, SessionErrors.InvalidCalldata)]
    [InlineData(20, 5, SessionErrors.InvalidCalldata)]
    [InlineData(21, 0, SessionErrors.InvalidCalldata)]
    public void Parse_BadSignerSignature_IsRejected(int offset, ulong value, string contractError)
    {
        var felts = Valid();
        felts[offset] = value;
        var e = Rejected(felts);
        Assert.Equal(offset, e.Offset);
        Assert.Equal(contractError, e.ContractError);
    }

    [Fact]
    public void Parse_AnyCacheFieldLayout_KeepsTheFelt()
    {
        var felts = Valid();
        felts[5] = 2;
        var flag = SessionToken.Parse(felts, SessionTokenLayout.CacheFlag);
        Assert.True(flag.CacheAuthorization);
        Assert.Equal(Felt.One, flag.MessageCacheField);
        Assert.Equal(felts, flag.ToFelts());
        var guid = SessionToken.Parse(felts, SessionTokenLayout.CacheOwnerGuid);
        Assert.Equal(new Felt(2), guid.MessageCacheField);
    }
}
