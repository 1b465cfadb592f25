using Sessions;
using Starknet.Devnet.Execution;
using Starknet.Transactions;

namespace Starknet.Devnet.Contracts;

/// <summary>
/// The Argent account 0.5.0 (argentlabs/argent-contracts-starknet v0.5.0, <c>multiowner_account/argent_account.cairo</c>),
/// as far as sessions, owner+guardian transactions and outside execution need it. Session checks run the validator of
/// <c>src/Sessions</c>; the owner+guardian checks follow <c>assert_valid_calls_and_signature</c>,
/// <c>parse_account_signature</c> and <c>assert_valid_account_signature</c>. Escapes, owner and guardian changes and
/// upgrades are not modeled.
/// </summary>
internal sealed class ArgentAccountContract : AccountContract
{
    /// <summary><c>starknet_keccak("TransactionExecuted")</c>, the first key of the event emitted after every execution.</summary>
    public static Felt TransactionExecutedEventKey { get; } = Selector.FromName("TransactionExecuted");

    public const string OnlySelf = "argent/only-self";
    public const string AlreadyRevoked = "session/already-revoked";
    public const string UnsupportedPaymaster = "argent/unsupported-paymaster";
    public const string ForbiddenCall = "argent/forbidden-call";
    public const string NonNullCaller = "argent/non-null-caller";
    public const string NotModeled = "devnet/not-modeled: escapes, owner changes and upgrades are not implemented by the devnet";

    private static readonly Felt s_name = CairoShortString.Encode("ArgentAccount");
    private static readonly Felt s_versionCompat = CairoShortString.Encode("0.5.0");

    // Single self-calls the account treats specially (assert_valid_calls_and_signature).
    private static readonly HashSet<Felt> s_escapeSelectors =
    [
        Selector.FromName("trigger_escape_owner"), Selector.FromName("escape_owner"),
        Selector.FromName("trigger_escape_guardian"), Selector.FromName("escape_guardian"), Selector.FromName("change_owners"),
    ];

    private static readonly HashSet<Felt> s_forbiddenSelectors =
        [Selector.FromName("execute_after_upgrade"), Selector.FromName("perform_upgrade")];

    private static readonly Dictionary<Felt, EntryPoint<ArgentAccountContract>> s_entryPoints = new()
    {
        [SessionRevocation.RevokeSessionSelector] = RevokeSession,
        [SessionRevocation.IsSessionRevokedSelector] = static (self, _, _, args) =>
        {
            var hash = args.Param().Felt();
            args.End();
            return [FeltValues.Bool(self.RevokedSessions.Contains(hash))];
        },
        [SessionRevocation.IsSessionAuthorizationCachedSelector] = static (self, _, _, args) =>
        {
            var sessionHash = args.Param().Felt();
            var ownerGuid = args.Param().Felt();
            var guardianGuid = args.Param().Felt();
            args.End();
            var cached = self.AuthorizationCache.TryGetValue((ownerGuid, guardianGuid, sessionHash), out var length) && length != 0
                && self.IsOwnerGuid(ownerGuid) && self.IsGuardianGuid(guardianGuid);
            return [FeltValues.Bool(cached)];
        },
        [OutsideExecution.ExecuteFromOutsideV2Selector] = ExecuteFromOutsideV2,
        [Selector.FromName("is_valid_outside_execution_nonce")] = static (self, _, _, args) =>
        {
            var nonce = args.Param().Felt();
            args.End();
            return [FeltValues.Bool(!self.UsedOutsideNonces.Contains(nonce))];
        },
        [Selector.FromName("get_outside_execution_message_hash_rev_1")] = static (self, ctx, _, args) =>
        {
            var outside = ReadOutsideExecution(args.Param());
            args.End();
            return [outside.MessageHash(ctx.ChainId, self.Address)];
        },
        [Selector.FromName("is_valid_signature")] = static (self, ctx, _, args) =>
        {
            var hash = args.Param().Felt();
            var signature = args.Param().Array();
            args.End();
            // Like the contract, an invalid signature panics (argent/invalid-owner-sig, ...) instead of returning 0.
            self.AssertValidAccountSignature(ctx.State.Signatures, hash, signature, estimate: false);
            return [FeltValues.Valid];
        },
        [Selector.FromName("isValidSignature")] = static (self, ctx, _, args) =>
        {
            var hash = args.Param().Felt();
            var signature = args.Param().Array();
            args.End();
            try
            {
                self.AssertValidAccountSignature(ctx.State.Signatures, hash, signature, estimate: false);
            }
            catch (ContractPanicException)
            {
                throw new ContractPanicException("argent/invalid-signature");
            }
            return [Felt.One];
        },
        [Selector.FromName("get_owner")] = static (self, _, _, args) => View(args, [self.SingleOwner().StoredValue]),
        [Selector.FromName("get_owner_guid")] = static (self, _, _, args) => View(args, [self.SingleOwner().Guid]),
        [Selector.FromName("get_owner_type")] = static (self, _, _, args) => View(args, [(ulong)self.SingleOwner().Type]),
        [Selector.FromName("get_owners_guids")] = static (self, _, _, args) => View(args, GuidArray(self.Owners)),
        [Selector.FromName("is_owner_guid")] = static (self, _, _, args) =>
        {
            var guid = args.Param().Felt();
            args.End();
            return [FeltValues.Bool(self.IsOwnerGuid(guid))];
        },
        [Selector.FromName("is_owner")] = static (self, _, _, args) =>
        {
            var key = ReadStarknetSigner(args.Param());
            args.End();
            return [FeltValues.Bool(key is { } k && ContainsStarknet(self.Owners, k))];
        },
        [Selector.FromName("get_guardian")] = static (self, _, _, args) =>
            View(args, [self.SingleOrNoGuardian() is { } g ? g.StoredValue : Felt.Zero]),
        [Selector.FromName("get_guardian_guid")] = static (self, _, _, args) =>
            View(args, self.SingleOrNoGuardian() is { } g ? [Felt.Zero, g.Guid] : [Felt.One]),
        [Selector.FromName("get_guardian_type")] = static (self, _, _, args) =>
            View(args, self.SingleOrNoGuardian() is { } g ? [Felt.Zero, (ulong)g.Type] : [Felt.One]),
        [Selector.FromName("get_guardians_guids")] = static (self, _, _, args) => View(args, GuidArray(self.Guardians)),
        [Selector.FromName("is_guardian_guid")] = static (self, _, _, args) =>
        {
            var guid = args.Param().Felt();
            args.End();
            return [FeltValues.Bool(self.IsGuardianGuid(guid))];
        },
        [Selector.FromName("is_guardian")] = static (self, _, _, args) =>
        {
            var key = ReadStarknetSigner(args.Param());
            args.End();
            return [FeltValues.Bool(key is { } k && ContainsStarknet(self.Guardians, k))];
        },
        [Selector.FromName("get_name")] = static (_, _, _, args) => View(args, [s_name]),
        [Selector.FromName("getName")] = static (_, _, _, args) => View(args, [s_name]),
        [Selector.FromName("get_version")] = static (_, _, _, args) => View(args, [0, 5, 0]),
        [Selector.FromName("getVersion")] = static (_, _, _, args) => View(args, [s_versionCompat]),
        // The protocol calls these with caller 0; any contract calling them is refused like on chain.
        [Selector.FromName("__validate__")] = static (_, _, _, _) => throw new ContractPanicException(NonNullCaller),
        [Selector.FromName("__execute__")] = static (_, _, _, _) => throw new ContractPanicException(NonNullCaller),
    };

    public ArgentAccountContract(Felt address, ulong nonce, IEnumerable<AccountSigner> owners, IEnumerable<AccountSigner> guardians)
        : base(address, nonce)
    {
        Owners = [.. owners];
        Guardians = [.. guardians];
    }

    public List<AccountSigner> Owners { get; }

    public List<AccountSigner> Guardians { get; }

    public HashSet<Felt> RevokedSessions { get; } = [];

    /// <summary>0.5.0 <c>valid_session_cache</c>: (owner GUID, guardian GUID, session hash) → authorization length.</summary>
    public Dictionary<(Felt Owner, Felt Guardian, Felt Session), uint> AuthorizationCache { get; } = [];

    public HashSet<Felt> UsedOutsideNonces { get; } = [];

    public override IReadOnlyList<Felt> Invoke(TxContext ctx, Felt caller, Felt selector, IReadOnlyList<Felt> calldata) =>
        Dispatch(this, s_entryPoints, ctx, caller, selector, calldata);

    public override void Validate(TxContext ctx, InvokeTransactionV3 transaction, IReadOnlyList<Felt> signature, IReadOnlyList<Call> calls)
    {
        if (transaction.PaymasterData.Count != 0)
        {
            throw new ContractPanicException(UnsupportedPaymaster);
        }
        // __validate__ runs with caller 0, so a query version means estimate mode (spec §13.4).
        var estimate = SessionValidator.IsEstimateTransaction(Felt.Zero, transaction.Version);
        if (SessionToken.IsSessionToken(AsArray(signature)))
        {
            RunSession(ctx, calls, ctx.TransactionHash, signature, new SessionView(this, ctx.State, ctx.ChainId, ctx.ValidationTimestamp, Felt.Zero, transaction.Version), outside: null);
            return;
        }
        var verifications = AssertValidCallsAndSignature(ctx.State.Signatures, calls, ctx.TransactionHash, signature, estimate);
        ctx.ChargeL2(FeeModel.ValidateGas(signature.Count, verifications));
    }

    public override void Execute(TxContext ctx, InvokeTransactionV3 transaction, IReadOnlyList<Felt> signature, IReadOnlyList<Call> calls)
    {
        ctx.ChargeL2(FeeModel.ExecuteBaseGas);
        var felts = AsArray(signature);
        if (SessionToken.IsSessionToken(felts))
        {
            // __execute__ re-reads signature[1] with the exact block timestamp (spec §13.2). Only an estimate with
            // SKIP_VALIDATE gets here with a token __validate__ would have refused; Cairo panics as below then.
            if (felts.Length <= SessionToken.ExpiresAtOffset)
            {
                throw new ContractPanicException("Index out of bounds");
            }
            if (!FeltValues.TryToUInt64(felts[SessionToken.ExpiresAtOffset], out _))
            {
                throw new ContractPanicException("Option::unwrap failed.");
            }
            if (SessionValidator.CheckExecuteExpiry(felts, ctx.BlockTimestamp) is { } expired)
            {
                throw new ContractPanicException(expired);
            }
        }
        foreach (var call in calls)
        {
            ctx.Call(Address, call.To, call.Selector, call.Calldata);
        }
        ctx.Emit(Address, [TransactionExecutedEventKey, ctx.TransactionHash], []);
    }

    public bool IsOwnerGuid(Felt guid) => Owners.Exists(o => o.Guid == guid);

    public bool IsGuardianGuid(Felt guid) => Guardians.Exists(g => g.Guid == guid);

    /// <summary>
    /// The session checks of <c>__validate__</c> or of the outside-execution callback, and what they store (the
    /// authorization cache entry; for outside execution, the used nonce). Charges the validation gas.
    /// </summary>
    private void RunSession(TxContext ctx, IReadOnlyList<Call> calls, Felt executionHash, IReadOnlyList<Felt> signature, SessionView view, OutsideExecution? outside)
    {
        var felts = AsArray(signature);
        var result = outside is null
            ? SessionValidator.Validate(calls, executionHash, felts, view)
            : SessionValidator.ValidateOutsideExecution(outside, executionHash, felts, view);
        // Two checks over m (session key, guardian) and two over the session hash unless the authorization is cached.
        var verifications = result.Token is { } token
            ? 2 + (token.CacheField.IsZero || result.CacheWrite is not null ? 2 : 0)
            : 0;
        ctx.ChargeL2(FeeModel.ValidateGas(signature.Count, verifications));
        if (!result.IsValid)
        {
            throw new ContractPanicException(result.Error!);
        }
        if (result.CacheWrite is { } write)
        {
            var key = (write.OwnerGuid, write.GuardianGuid, write.SessionHash);
            var existed = AuthorizationCache.TryGetValue(key, out var previous);
            AuthorizationCache[key] = write.AuthorizationLength;
            ctx.Write(() =>
            {
                if (existed)
                {
                    AuthorizationCache[key] = previous;
                }
                else
                {
                    AuthorizationCache.Remove(key);
                }
            });
        }
    }

    /// <summary>
    /// C05 <c>assert_valid_calls_and_signature</c> for a signature that is not a session token: the single self-call
    /// rules, no self-call in a multicall, then the owner (+ guardian) signature. Returns the number of ECDSA checks.
    /// </summary>
    private int AssertValidCallsAndSignature(SignatureMemo signatures, IReadOnlyList<Call> calls, Felt executionHash, IReadOnlyList<Felt> signature, bool estimate)
    {
        if (calls.Count == 1)
        {
            if (calls[0].To == Address)
            {
                if (s_escapeSelectors.Contains(calls[0].Selector))
                {
                    throw new ContractPanicException(NotModeled);
                }
                if (s_forbiddenSelectors.Contains(calls[0].Selector))
                {
                    throw new ContractPanicException(ForbiddenCall);
                }
            }
        }
        else
        {
            foreach (var call in calls)
            {
                if (call.To == Address)
                {
                    throw new ContractPanicException(SessionErrors.NoMulticallToSelf);
                }
            }
        }
        return AssertValidAccountSignature(signatures, executionHash, signature, estimate);
    }

    /// <summary>
    /// C05 <c>parse_account_signature</c> then <c>assert_valid_account_signature</c>: the owner's signature, then the
    /// guardian's (required when the account has one). Returns the number of ECDSA checks.
    /// </summary>
    private int AssertValidAccountSignature(SignatureMemo signatures, Felt hash, IReadOnlyList<Felt> raw, bool estimate)
    {
        var felts = AsArray(raw);
        Felt ownerKey;
        StarkSignature ownerSignature;
        Felt? guardianKey = null;
        StarkSignature? guardianSignature = null;
        if (felts.Length is 2 or 4)
        {
            // Concise form: the keys come from storage.
            if (Owners.Count != 1 || Owners[0].Type != SignerType.Starknet)
            {
                throw new ContractPanicException(SessionErrors.NoSingleStarkOwner);
            }
            ownerKey = Owners[0].StoredValue;
            ownerSignature = new StarkSignature(felts[0], felts[1]);
            if (felts.Length == 4)
            {
                if (Guardians.Count != 1)
                {
                    throw new ContractPanicException(SessionErrors.NoSingleGuardian);
                }
                if (Guardians[0].Type != SignerType.Starknet)
                {
                    throw new ContractPanicException(SessionErrors.NotStarknetGuardian);
                }
                guardianKey = Guardians[0].StoredValue;
                guardianSignature = new StarkSignature(felts[2], felts[3]);
            }
        }
        else
        {
            if (!SessionAuthorization.TryParse(felts, out var parsed, out var error))
            {
                throw new ContractPanicException(error.ContractError);
            }
            ownerKey = parsed.OwnerPublicKey!.Value;
            ownerSignature = parsed.OwnerSignature;
            guardianKey = parsed.GuardianPublicKey;
            guardianSignature = parsed.GuardianSignature;
        }

        CheckSigner(signatures, Owners, ownerKey, hash, ownerSignature, estimate, SessionErrors.InvalidOwnerSignature);
        if (guardianKey is { } gk && guardianSignature is { } gs)
        {
            CheckSigner(signatures, Guardians, gk, hash, gs, estimate, SessionErrors.InvalidGuardianSignature);
            return 2;
        }
        if (Guardians.Count > 0)
        {
            throw new ContractPanicException(SessionErrors.MissingGuardianSignature);
        }
        return 1;
    }

    /// <summary>
    /// <c>is_valid_owner_signature</c> / <c>is_valid_guardian_signature</c> asserted: membership, Argent's r and s range
    /// asserts (which panic even in estimate mode), then the ECDSA equation, which estimate mode ignores.
    /// </summary>
    private static void CheckSigner(SignatureMemo signatures, List<AccountSigner> signers, Felt publicKey, Felt hash, StarkSignature signature, bool estimate, string error)
    {
        if (!ContainsStarknet(signers, publicKey))
        {
            throw new ContractPanicException(error);
        }
        switch (signatures.CheckOnChain(hash, publicKey, signature.R, signature.S))
        {
            case OnChainSignatureStatus.Valid:
                return;
            case OnChainSignatureStatus.RNotBelowCurveOrder:
                throw new ContractPanicException(SessionErrors.InvalidRValue);
            case OnChainSignatureStatus.SNotBelowCurveOrder:
                throw new ContractPanicException(SessionErrors.InvalidSValue);
            default:
                if (!estimate)
                {
                    throw new ContractPanicException(error);
                }
                return;
        }
    }

    private static IReadOnlyList<Felt> RevokeSession(ArgentAccountContract self, TxContext ctx, Felt caller, CalldataReader args)
    {
        var sessionHash = args.Param().Felt();
        args.End();
        if (caller != self.Address)
        {
            throw new ContractPanicException(OnlySelf);
        }
        if (!self.RevokedSessions.Add(sessionHash))
        {
            throw new ContractPanicException(AlreadyRevoked);
        }
        ctx.Write(() => self.RevokedSessions.Remove(sessionHash));
        ctx.Emit(self.Address, [SessionRevocation.SessionRevokedEventKey], [sessionHash]);
        return [];
    }

    /// <summary>
    /// SNIP-9 v2 <c>execute_from_outside_v2(outside_execution, signature)</c> (C05 <c>outside_execution.cairo</c>): the
    /// caller, the strict time window with the exact block timestamp, the unused nonce (marked used), then the session
    /// checks or the owner+guardian signature over the SNIP-12 hash; then the calls, with this account as their caller,
    /// and <c>TransactionExecuted</c> with the outside-execution hash. Returns <c>Array&lt;Span&lt;felt252&gt;&gt;</c>.
    /// </summary>
    private static List<Felt> ExecuteFromOutsideV2(ArgentAccountContract self, TxContext ctx, Felt caller, CalldataReader args)
    {
        var outside = ReadOutsideExecution(args.Param());
        var signature = args.Param().Array();
        args.End();
        var hash = ctx.State.Hashes.OutsideExecutionHash(ctx.ChainId, self.Address, outside);
        var view = new SessionView(self, ctx.State, ctx.ChainId, ctx.BlockTimestamp, caller, ctx.TransactionVersion);
        if (SessionToken.IsSessionToken(signature))
        {
            // The validator runs the caller, window and nonce checks first, in the contract's order.
            self.RunSession(ctx, outside.Calls, hash, signature, view, outside);
        }
        else
        {
            if (outside.Caller != OutsideExecution.AnyCaller && caller != outside.Caller)
            {
                throw new ContractPanicException(SessionErrors.InvalidCaller);
            }
            var timestamp = (UInt128)ctx.BlockTimestamp;
            if (!(outside.ExecuteAfter < timestamp && timestamp < outside.ExecuteBefore))
            {
                throw new ContractPanicException(SessionErrors.InvalidTimestamp);
            }
            if (self.UsedOutsideNonces.Contains(outside.Nonce))
            {
                throw new ContractPanicException(SessionErrors.DuplicatedOutsideNonce);
            }
            var verifications = self.AssertValidCallsAndSignature(ctx.State.Signatures, outside.Calls, hash, signature, estimate: false);
            ctx.ChargeL2(FeeModel.ValidateGas(signature.Length, verifications));
        }
        var nonce = outside.Nonce;
        self.UsedOutsideNonces.Add(nonce);
        ctx.Write(() => self.UsedOutsideNonces.Remove(nonce));

        var results = new List<Felt> { (ulong)outside.Calls.Count };
        foreach (var call in outside.Calls)
        {
            var result = ctx.Call(self.Address, call.To, call.Selector, call.Calldata);
            results.Add((ulong)result.Count);
            results.AddRange(result);
        }
        ctx.Emit(self.Address, [TransactionExecutedEventKey, hash], []);
        return results;
    }

    /// <summary>The <c>OutsideExecution</c> struct: caller, nonce, execute_after (u64), execute_before (u64), calls.</summary>
    internal static OutsideExecution ReadOutsideExecution(CalldataReader args)
    {
        var caller = args.Felt();
        var nonce = args.Felt();
        var after = args.U64();
        var before = args.U64();
        var calls = args.Calls();
        return new OutsideExecution(caller, nonce, after, before, calls);
    }

    /// <summary>A <c>Signer</c> enum value; the stark key of a Starknet signer, or null for the other signer types.</summary>
    private static Felt? ReadStarknetSigner(CalldataReader args)
    {
        var variant = args.Felt();
        if (variant.IsZero)
        {
            return args.Felt();
        }
        if (variant == Felt.One || variant == 3)
        {
            args.Felt(); // Secp256k1 pubkey_hash / Eip191 eth_address
        }
        else if (variant == 2)
        {
            args.U256(); // Secp256r1 pubkey
        }
        else
        {
            throw new ContractPanicException(variant == 4 ? "devnet/not-modeled: Webauthn signers" : "Failed to deserialize param #1");
        }
        return null;
    }

    private AccountSigner SingleOwner() =>
        Owners.Count == 1 ? Owners[0] : throw new ContractPanicException("argent/multiple-owners");

    private AccountSigner? SingleOrNoGuardian() => Guardians.Count switch
    {
        0 => null,
        1 => Guardians[0],
        _ => throw new ContractPanicException("argent/multiple-guardians"),
    };

    private static IReadOnlyList<Felt> View(CalldataReader args, IReadOnlyList<Felt> result)
    {
        args.End();
        return result;
    }

    private static Felt[] GuidArray(List<AccountSigner> signers) => [(ulong)signers.Count, .. signers.Select(s => s.Guid)];

    private static bool ContainsStarknet(List<AccountSigner> signers, Felt publicKey) =>
        signers.Exists(s => s.Type == SignerType.Starknet && s.StoredValue == publicKey);

    private static Felt[] AsArray(IReadOnlyList<Felt> felts) => felts as Felt[] ?? [.. felts];

    /// <summary>The account's storage and execution context as the session validator reads them.</summary>
    private sealed class SessionView(ArgentAccountContract account, DevnetState state, Felt chainId, ulong timestamp, Felt caller, Felt version) : ISessionAccountView
    {
        public Felt Address => account.Address;

        public Felt ChainId => chainId;

        public ulong BlockTimestamp => timestamp;

        public Felt CallerAddress => caller;

        public Felt TransactionVersion => version;

        public IReadOnlyList<AccountSigner> Owners => account.Owners;

        public IReadOnlyList<AccountSigner> Guardians => account.Guardians;

        public bool IsSessionRevoked(Felt sessionHash) => account.RevokedSessions.Contains(sessionHash);

        public uint GetCachedAuthorizationLength(Felt ownerGuid, Felt guardianGuid, Felt sessionHash) =>
            account.AuthorizationCache.TryGetValue((ownerGuid, guardianGuid, sessionHash), out var length) ? length : 0;

        public bool IsOutsideExecutionNonceUsed(Felt nonce) => account.UsedOutsideNonces.Contains(nonce);

        public Felt SessionHash(Session session) => state.Hashes.SessionHash(chainId, account.Address, session);

        public Felt SessionMessageHash(Felt executionHash, Felt sessionHash, Felt cacheField) =>
            state.Hashes.SessionMessageHash(executionHash, sessionHash, cacheField);

        public bool VerifySignature(Felt messageHash, Felt publicKey, Felt r, Felt s) => state.Signatures.VerifyOnChain(messageHash, publicKey, r, s);
    }
}
