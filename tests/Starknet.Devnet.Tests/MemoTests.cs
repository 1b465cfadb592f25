using Sessions;
using Starknet.Devnet.Execution;
using Starknet.Devnet.Tests.Support;
using Starknet.Rpc;
using Starknet.Transactions;

namespace Starknet.Devnet.Tests;

/// <summary>
/// The devnet's memos of pure results (ECDSA checks, calldata, session and outside-execution hashes): a memoized success never lets another signature
/// through, and content that merely shares a cheap key is never confused.
/// </summary>
public sealed class MemoTests
{
    private static readonly Felt s_hash = 0xabcdef;

    [Fact]
    public void SignatureMemo_AfterAMemoizedSuccess_RefusesEveryOtherSignatureKeyOrHash()
    {
        var memo = new SignatureMemo();
        var key = Ecdsa.GetPublicKey(TestChain.RelayerKey);
        var signature = Ecdsa.Sign(TestChain.RelayerKey, s_hash);

        Assert.True(memo.VerifyOnChain(s_hash, key, signature.R, signature.S));
        Assert.True(memo.VerifyOnChain(s_hash, key, signature.R, signature.S));

        Assert.False(memo.VerifyOnChain(s_hash, key, signature.R, signature.S + 1));
        Assert.False(memo.VerifyOnChain(s_hash, key, signature.R + 1, signature.S));
        Assert.False(memo.VerifyOnChain(s_hash + 1, key, signature.R, signature.S));
        Assert.False(memo.VerifyOnChain(s_hash, TestChain.OwnerPublicKey, signature.R, signature.S));
        Assert.Equal(OnChainSignatureStatus.EquationDoesNotHold, memo.CheckOnChain(s_hash, key, signature.R, signature.S + 1));
        Assert.Equal(OnChainSignatureStatus.Valid, memo.CheckOnChain(s_hash, key, signature.R, signature.S));
    }

    [Fact]
    public void SignatureMemo_AnswersAsEcdsaDoes_ForFailuresOfEveryKind()
    {
        var memo = new SignatureMemo();
        var key = Ecdsa.GetPublicKey(TestChain.RelayerKey);
        var signature = Ecdsa.Sign(TestChain.RelayerKey, s_hash);
        var n = Felt.FromBigInteger(Ecdsa.CurveOrder);
        (Felt Hash, Felt Key, Felt R, Felt S)[] cases =
        [
            (s_hash, key, signature.R, signature.S),
            (s_hash, key, n, signature.S),
            (s_hash, key, signature.R, n),
            (s_hash, key, signature.R, 0),
            (s_hash, 0, signature.R, signature.S),
            (s_hash, key, 0, signature.S),
            (s_hash + 1, key, signature.R, signature.S),
        ];
        for (var round = 0; round < 2; round++)
        {
            foreach (var (h, k, r, s) in cases)
            {
                Assert.Equal(Ecdsa.CheckOnChain(h, k, r, s), memo.CheckOnChain(h, k, r, s));
                Assert.Equal(Ecdsa.VerifyOnChain(h, k, r, s), memo.VerifyOnChain(h, k, r, s));
            }
        }
    }

    [Fact]
    public void SignatureMemo_IsBounded()
    {
        var memo = new SignatureMemo(capacity: 4);
        for (var i = 1; i <= 20; i++)
        {
            memo.VerifyOnChain((ulong)i, 1, 1, 1);
        }
        Assert.InRange(memo.Count, 1, 8);
    }

    [Fact]
    public void CalldataHashMemo_SameCheapKey_DifferentCalldataKeepsItsOwnHash()
    {
        // Every array gets the same cheap key: only the felt-by-felt comparison tells them apart.
        var memo = new CalldataHashMemo(comparer: new ConstantHashComparer());
        Felt[] a = [1, 2, 3];
        Felt[] b = [1, 2, 4];
        Felt[] c = [1, 2];

        Assert.Equal(Poseidon.HashMany(a), memo.Hash(a));
        Assert.Equal(Poseidon.HashMany(b), memo.Hash(b));
        Assert.Equal(Poseidon.HashMany(c), memo.Hash(c));
        Assert.Equal(Poseidon.HashMany(a), memo.Hash((Felt[])a.Clone()));
        Assert.Equal(Poseidon.HashMany(b), memo.Hash((Felt[])b.Clone()));
        Assert.Equal(3, memo.Count);
        Assert.Equal(TransactionHash.EmptyListHash, memo.Hash([]));
    }

    [Fact]
    public void CalldataHashMemo_EqualContent_HitsAndMatchesTheLibraryHash()
    {
        var memo = new CalldataHashMemo(capacityFelts: 64);
        var calldata = ExecuteCalldata.Encode([TestChain.GameCall("move", 1, 2), TestChain.GameCall("attack", 3)]);
        var tx = TestChain.Invoke(TestChain.Relayer, 0, [TestChain.GameCall("move", 1, 2), TestChain.GameCall("attack", 3)]);

        Assert.Equal(tx.ComputeHash(), TransactionHash.InvokeV3(tx, memo.Hash((Felt[])calldata.Clone())));
        Assert.Equal(tx.ComputeHash(), TransactionHash.InvokeV3(tx, memo.Hash((Felt[])calldata.Clone())));
        Assert.Equal(1, memo.Count);
        for (var i = 0; i < 50; i++)
        {
            memo.Hash([(ulong)i, 1, 2, 3]);
        }
        Assert.InRange(memo.Count, 1, 32);
    }

    [Fact]
    public void MessageHashMemo_OutsideExecutionsDifferingInOneFelt_KeepTheirOwnHashes()
    {
        var memo = new MessageHashMemo();
        // Same nonce, caller and window (so the same cheap key); only one calldata felt differs.
        var a = new OutsideExecution(OutsideExecution.AnyCaller, 7, 1, 2, [TestChain.GameCall("move", 1)]);
        var b = a with { Calls = [TestChain.GameCall("move", 2)] };
        var c = a with { Calls = [TestChain.GameCall("move", 1), TestChain.GameCall("move", 1)] };

        foreach (var oe in new[] { a, b, c, a, b, c })
        {
            Assert.Equal(oe.MessageHash(TestChain.ChainId, TestChain.Account), memo.OutsideExecutionHash(TestChain.ChainId, TestChain.Account, oe));
        }
        Assert.Equal(a.MessageHash(TestChain.ChainId, TestChain.SoloAccount), memo.OutsideExecutionHash(TestChain.ChainId, TestChain.SoloAccount, a));
        Assert.Equal(a.MessageHash(1, TestChain.Account), memo.OutsideExecutionHash(1, TestChain.Account, a));
    }

    [Fact]
    public void MessageHashMemo_SessionHash_IsPerChainAndAccount()
    {
        var memo = new MessageHashMemo();
        var session = TestSession.Create(TestChain.StartTime + 3600, "move").Request.Session;
        var other = session with { ExpiresAt = session.ExpiresAt + 1 };

        for (var round = 0; round < 2; round++)
        {
            Assert.Equal(session.ComputeHash(TestChain.ChainId, TestChain.Account), memo.SessionHash(TestChain.ChainId, TestChain.Account, session));
            Assert.Equal(other.ComputeHash(TestChain.ChainId, TestChain.Account), memo.SessionHash(TestChain.ChainId, TestChain.Account, other));
            Assert.Equal(session.ComputeHash(TestChain.ChainId, TestChain.SoloAccount), memo.SessionHash(TestChain.ChainId, TestChain.SoloAccount, session));
            Assert.Equal(session.ComputeHash(1, TestChain.Account), memo.SessionHash(1, TestChain.Account, session));
        }
    }

    [Fact]
    public async Task RelayerIsValidSignature_AfterAMemoizedSuccess_StillRefusesATamperedSignature()
    {
        await using var node = await TestNode.StartAsync();
        var signature = Ecdsa.Sign(TestChain.RelayerKey, s_hash);

        Assert.Equal([FeltValues.Valid], await IsValid(s_hash, signature.R, signature.S));
        Assert.Equal([Felt.Zero], await IsValid(s_hash, signature.R, signature.S + 1));
        Assert.Equal([Felt.Zero], await IsValid(s_hash + 1, signature.R, signature.S));
        Assert.Equal([FeltValues.Valid], await IsValid(s_hash, signature.R, signature.S));

        Task<IReadOnlyList<Felt>> IsValid(Felt hash, Felt r, Felt s) => node.Client.CallAsync(
            FunctionCall.ToEntryPoint(TestChain.Relayer, "is_valid_signature", [hash, 2, r, s]), BlockId.Latest);
    }

    [Fact]
    public async Task OutsideExecution_EstimatedThenSubmittedWithATamperedGuardianSignature_Reverts()
    {
        await using var node = await TestNode.StartAsync();
        var session = TestSession.Create(TestChain.StartTime + 3600, "move");
        Call[] calls = [TestChain.GameCall("move", 5)];
        var outside = new OutsideExecution(OutsideExecution.AnyCaller, 0x0e1, TestChain.StartTime - 60, TestChain.StartTime + 600, calls);
        var token = session.Token(outside.MessageHash(TestChain.ChainId, TestChain.Account), calls);
        var good = outside.ToExecuteFromOutsideCall(TestChain.Account, token);
        // The guardian's s over m sits at offset 14 + A of the token (after the session key's signer and r, s).
        var tampered = (Felt[])token.Clone();
        tampered[14 + (int)token[SessionToken.AuthorizationLengthOffset].ToUInt64()] += 1;
        var bad = outside.ToExecuteFromOutsideCall(TestChain.Account, tampered);

        // The estimate checks (and memoizes) the good signatures; the submission with one of them changed must fail.
        var query = TestChain.Invoke(TestChain.Relayer, 0, [good], version: TransactionVersion.V3Query);
        Assert.True((await node.Client.EstimateFeeAsync(TestChain.RelayerSigned(query), SimulationOptions.None, BlockId.PreConfirmed)).OverallFee > 0);
        var reverted = await node.SubmitAsync(TestChain.RelayerSigned(TestChain.Invoke(TestChain.Relayer, 0, [bad])));

        Assert.Equal(TransactionExecutionStatus.Reverted, reverted.ExecutionStatus);
        Assert.Equal(SessionErrors.InvalidBackendSignature, reverted.RevertReason);
        Assert.False(node.State.IsOutsideExecutionNonceUsed(TestChain.Account, 0x0e1));

        var executed = await node.SubmitAsync(TestChain.RelayerSigned(TestChain.Invoke(TestChain.Relayer, 1, [good])));
        Assert.Equal(TransactionExecutionStatus.Succeeded, executed.ExecutionStatus);
        Assert.True(node.State.IsOutsideExecutionNonceUsed(TestChain.Account, 0x0e1));
    }

    private sealed class ConstantHashComparer : IEqualityComparer<Felt[]>
    {
        public bool Equals(Felt[]? x, Felt[]? y) => FeltArrayComparer.Instance.Equals(x, y);

        public int GetHashCode(Felt[] obj) => 42;
    }
}
