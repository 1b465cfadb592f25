using System.Net;
using Starknet.Rpc;

namespace Starknet.Tests.Rpc;

/// <summary>
/// Each JSON-RPC error code maps to its typed exception with the node's message and data. Codes and messages are those
/// of starkware-libs/starknet-specs v0.10.x (<c>api/*.json</c> → <c>components.errors</c>), checked against
/// <c>@starknet-io/types-js</c> 0.10.4.
/// </summary>
public sealed class StarknetRpcErrorTests
{
    /// <summary>code, spec name, spec message, expected exception type.</summary>
    public static TheoryData<int, string, string, Type> SpecErrors => new()
    {
        { 1, "FAILED_TO_RECEIVE_TXN", "Failed to write transaction", typeof(StarknetRpcException) },
        { 10, "NO_TRACE_AVAILABLE", "No trace available for transaction", typeof(StarknetRpcException) },
        { 20, "CONTRACT_NOT_FOUND", "Contract not found", typeof(StarknetRpcException) },
        { 21, "ENTRYPOINT_NOT_FOUND", "Requested entry point does not exist in the contract", typeof(StarknetRpcException) },
        { 24, "BLOCK_NOT_FOUND", "Block not found", typeof(StarknetRpcException) },
        { 27, "INVALID_TXN_INDEX", "Invalid transaction index in a block", typeof(StarknetRpcException) },
        { 28, "CLASS_HASH_NOT_FOUND", "Class hash not found", typeof(StarknetRpcException) },
        { 29, "TXN_HASH_NOT_FOUND", "Transaction hash not found", typeof(TransactionHashNotFoundException) },
        { 31, "PAGE_SIZE_TOO_BIG", "Requested page size is too big", typeof(StarknetRpcException) },
        { 32, "NO_BLOCKS", "There are no blocks", typeof(StarknetRpcException) },
        { 33, "INVALID_CONTINUATION_TOKEN", "The supplied continuation token is invalid or unknown", typeof(StarknetRpcException) },
        { 34, "TOO_MANY_KEYS_IN_FILTER", "Too many keys provided in a filter", typeof(StarknetRpcException) },
        { 40, "CONTRACT_ERROR", "Contract error", typeof(ContractErrorException) },
        { 41, "TRANSACTION_EXECUTION_ERROR", "Transaction execution error", typeof(TransactionExecutionErrorException) },
        { 42, "STORAGE_PROOF_NOT_SUPPORTED", "the node doesn't support storage proofs for blocks that are too far in the past", typeof(StarknetRpcException) },
        { 51, "CLASS_ALREADY_DECLARED", "Class already declared", typeof(StarknetRpcException) },
        { 52, "INVALID_TRANSACTION_NONCE", "Invalid transaction nonce", typeof(InvalidTransactionNonceException) },
        { 53, "INSUFFICIENT_RESOURCES_FOR_VALIDATE", "The transaction's resources don't cover validation or the minimal transaction fee", typeof(InsufficientResourcesForValidateException) },
        { 54, "INSUFFICIENT_ACCOUNT_BALANCE", "Account balance is smaller than the transaction's maximal fee (calculated as the sum of each resource's limit x max price)", typeof(InsufficientAccountBalanceException) },
        { 55, "VALIDATION_FAILURE", "Account validation failed", typeof(ValidationFailureException) },
        { 56, "COMPILATION_FAILED", "Compilation failed", typeof(StarknetRpcException) },
        { 57, "CONTRACT_CLASS_SIZE_IS_TOO_LARGE", "Contract class size is too large", typeof(StarknetRpcException) },
        { 58, "NON_ACCOUNT", "Sender address is not an account contract", typeof(StarknetRpcException) },
        { 59, "DUPLICATE_TX", "A transaction with the same hash already exists in the mempool", typeof(DuplicateTransactionException) },
        { 60, "COMPILED_CLASS_HASH_MISMATCH", "the compiled class hash did not match the one supplied in the transaction", typeof(StarknetRpcException) },
        { 61, "UNSUPPORTED_TX_VERSION", "the transaction version is not supported", typeof(StarknetRpcException) },
        { 62, "UNSUPPORTED_CONTRACT_CLASS_VERSION", "the contract class version is not supported", typeof(StarknetRpcException) },
        { 63, "UNEXPECTED_ERROR", "An unexpected error occurred", typeof(StarknetRpcException) },
        { 64, "REPLACEMENT_TRANSACTION_UNDERPRICED", "Replacement transaction is underpriced", typeof(StarknetRpcException) },
        { 65, "FEE_BELOW_MINIMUM", "Transaction fee below minimum", typeof(StarknetRpcException) },
        { 66, "INVALID_SUBSCRIPTION_ID", "Invalid subscription id", typeof(StarknetRpcException) },
        { 67, "TOO_MANY_ADDRESSES_IN_FILTER", "Too many addresses in filter sender_address filter", typeof(StarknetRpcException) },
        { 68, "TOO_MANY_BLOCKS_BACK", "Cannot go back more than 1024 blocks", typeof(StarknetRpcException) },
        { 69, "INVALID_PROOF", "The proof field in the invoke v3 transaction is invalid", typeof(StarknetRpcException) },
        { 100, "COMPILATION_ERROR", "Failed to compile the contract", typeof(StarknetRpcException) },
        { -32700, "PARSE_ERROR", "Parse error", typeof(StarknetRpcProtocolException) },
        { -32600, "INVALID_REQUEST", "Invalid Request", typeof(StarknetRpcProtocolException) },
        { -32601, "METHOD_NOT_FOUND", "Method not found", typeof(StarknetRpcProtocolException) },
        { -32602, "INVALID_PARAMS", "Invalid params", typeof(StarknetRpcProtocolException) },
        { -32603, "INTERNAL_ERROR", "Internal error", typeof(StarknetRpcProtocolException) },
    };

    [Theory]
    [MemberData(nameof(SpecErrors))]
    public async Task AddInvokeTransactionAsync_SpecErrorCode_ThrowsTypedExceptionWithNodeMessageAndData(int code, string name, string message, Type expectedType)
    {
        const string data = "\"detail from the node\"";
        var stub = new StubHttpHandler().Then(StubHttpHandler.Error(code, message, data));
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            var ex = await Assert.ThrowsAnyAsync<StarknetRpcException>(() => client.AddInvokeTransactionAsync(RpcTestSupport.SampleInvoke()));

            Assert.Equal(expectedType, ex.GetType());
            Assert.Equal(code, ex.Code);
            Assert.True(Enum.IsDefined(ex.ErrorCode), $"{name} ({code}) has no StarknetErrorCode value");
            Assert.Equal(message, ex.NodeMessage);
            Assert.Equal(data, ex.ErrorData);
            Assert.Equal("detail from the node", ex.ErrorDataText);
            Assert.Equal("starknet_addInvokeTransaction", ex.Method);
            Assert.Contains(message, ex.Message, StringComparison.Ordinal);
            Assert.Single(stub.Requests);
        }
    }

    [Fact]
    public void StarknetErrorCode_EveryValue_IsCoveredBySpecErrorTable()
    {
        var covered = SpecErrors.Select(row => (int)row[0]).ToHashSet();

        Assert.All(Enum.GetValues<StarknetErrorCode>(), value => Assert.Contains((int)value, covered));
        Assert.Equal(covered.Count, Enum.GetValues<StarknetErrorCode>().Length);
    }

    [Fact]
    public async Task AddInvokeTransactionAsync_ValidationFailure_ExposesReason()
    {
        var stub = new StubHttpHandler().Then(StubHttpHandler.Error(55, "Account validation failed", "\"session/expired\""));
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            var ex = await Assert.ThrowsAsync<ValidationFailureException>(() => client.AddInvokeTransactionAsync(RpcTestSupport.SampleInvoke()));

            Assert.Equal("session/expired", ex.Reason);
            Assert.Equal(StarknetErrorCode.ValidationFailure, ex.ErrorCode);
            Assert.Contains("session/expired", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AddInvokeTransactionAsync_InvalidNonce_ExposesReason()
    {
        var stub = new StubHttpHandler().Then(StubHttpHandler.Error(52, "Invalid transaction nonce", "\"Account nonce: 0xfd; got: 0xfc.\""));
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            var ex = await Assert.ThrowsAsync<InvalidTransactionNonceException>(() => client.AddInvokeTransactionAsync(RpcTestSupport.SampleInvoke()));

            Assert.Equal("Account nonce: 0xfd; got: 0xfc.", ex.Reason);
        }
    }

    [Fact]
    public async Task AddInvokeTransactionAsync_ErrorWithoutData_HasNullData()
    {
        var stub = new StubHttpHandler().Then(StubHttpHandler.Error(59, "A transaction with the same hash already exists in the mempool"));
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            var ex = await Assert.ThrowsAsync<DuplicateTransactionException>(() => client.AddInvokeTransactionAsync(RpcTestSupport.SampleInvoke()));

            Assert.Null(ex.ErrorData);
            Assert.Null(ex.ErrorDataText);
        }
    }

    [Fact]
    public async Task CallAsync_ContractErrorWithNestedTrace_ExposesRevertErrorJson()
    {
        const string data = """{"revert_error":{"contract_address":"0x1","class_hash":"0x2","selector":"0x3","error":"game/unknown-item"}}""";
        var stub = new StubHttpHandler().Then(StubHttpHandler.Error(40, "Contract error", data));
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            var ex = await Assert.ThrowsAsync<ContractErrorException>(() => client.CallAsync(new FunctionCall(1, 3, []), BlockId.Latest));

            RpcTestSupport.AssertJsonEquivalent(
                RpcTestSupport.Parse("""{"contract_address":"0x1","class_hash":"0x2","selector":"0x3","error":"game/unknown-item"}"""),
                RpcTestSupport.Parse(ex.RevertError!));
            RpcTestSupport.AssertJsonEquivalent(RpcTestSupport.Parse(data), RpcTestSupport.Parse(ex.ErrorData!));
        }
    }

    [Fact]
    public async Task CallAsync_ContractErrorWithStringTrace_ExposesRevertErrorText()
    {
        var stub = new StubHttpHandler().Then(StubHttpHandler.Error(40, "Contract error", """{"revert_error":"Entry point not found"}"""));
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            var ex = await Assert.ThrowsAsync<ContractErrorException>(() => client.CallAsync(new FunctionCall(1, 3, []), BlockId.Latest));

            Assert.Equal("Entry point not found", ex.RevertError);
        }
    }

    [Fact]
    public async Task EstimateFeeAsync_TransactionExecutionError_ExposesIndexAndError()
    {
        const string data = """{"transaction_index":0,"execution_error":"Account validation failed: session/invalid-call"}""";
        var stub = new StubHttpHandler().Then(StubHttpHandler.Error(41, "Transaction execution error", data));
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            var ex = await Assert.ThrowsAsync<TransactionExecutionErrorException>(
                () => client.EstimateFeeAsync(RpcTestSupport.SampleInvoke(), SimulationOptions.None, BlockId.Latest));

            Assert.Equal(0UL, ex.TransactionIndex);
            Assert.Equal("Account validation failed: session/invalid-call", ex.ExecutionError);
        }
    }

    [Fact]
    public async Task GetTransactionReceiptAsync_UnknownHash_ThrowsTransactionHashNotFound()
    {
        var stub = new StubHttpHandler().Then(StubHttpHandler.Error(29, "Transaction hash not found"));
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            var ex = await Assert.ThrowsAsync<TransactionHashNotFoundException>(() => client.GetTransactionReceiptAsync(1));

            Assert.Equal("starknet_getTransactionReceipt", ex.Method);
        }
    }

    [Fact]
    public async Task ChainIdAsync_CodeOutsideSpec_ThrowsBaseExceptionWithCode()
    {
        var stub = new StubHttpHandler().Then(StubHttpHandler.Error(12345, "custom node error", "{\"a\":1}"));
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            var ex = await Assert.ThrowsAsync<StarknetRpcException>(() => client.ChainIdAsync());

            Assert.Equal(12345, ex.Code);
            Assert.False(Enum.IsDefined(ex.ErrorCode));
            Assert.Equal("{\"a\":1}", ex.ErrorDataText);
        }
    }

    [Theory]
    [InlineData(HttpStatusCode.OK)]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public async Task AddInvokeTransactionAsync_NodeErrorUnderAnyStatus_IsNotRetried(HttpStatusCode status)
    {
        var stub = new StubHttpHandler { Fallback = StubHttpHandler.Error(55, "Account validation failed", "\"session/revoked\"", status) };
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            var ex = await Assert.ThrowsAsync<ValidationFailureException>(() => client.AddInvokeTransactionAsync(RpcTestSupport.SampleInvoke()));

            Assert.Equal("session/revoked", ex.Reason);
            Assert.Single(stub.Requests);
        }
    }

    [Fact]
    public async Task ChainIdAsync_ProtocolErrorWithHttp400_ThrowsProtocolExceptionOnce()
    {
        var stub = new StubHttpHandler { Fallback = StubHttpHandler.Error(-32601, "Method not found", status: HttpStatusCode.BadRequest) };
        var (client, http) = RpcTestSupport.Create(stub);
        using (http)
        {
            var ex = await Assert.ThrowsAsync<StarknetRpcProtocolException>(() => client.ChainIdAsync());

            Assert.Equal(StarknetErrorCode.MethodNotFound, ex.ErrorCode);
            Assert.Single(stub.Requests);
        }
    }
}
