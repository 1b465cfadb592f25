using Broker.Tests.Shared;
using Broker.Contracts.Relayer.V1;
using Broker.Hosting.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Starknet;
using Starknet.Transactions;
using TxRelayer.Services;
using TxRelayer.Tests.EndToEnd;
using TxRelayer.Tests.Infrastructure;
using Proto = Broker.Contracts.Common.V1;

namespace TxRelayer.Tests.Unit;

/// <summary>
/// The service class called directly (its dependencies from the running relayer of the shared stack, on the devnet
/// stand-in): bad input is a precise refusal naming the field, never a server error.
/// </summary>
[Collection(InstantStackDefinition.Name)]
public sealed class TxRelayerServiceTests(InstantStackFixture fixture)
{
    private TxRelayerService Service => ActivatorUtilities.CreateInstance<TxRelayerService>(fixture.Stack.RelayerServices);

    private static SubmitOutsideExecutionRequest Valid(Stack stack, Action<SubmitOutsideExecutionRequest>? change = null)
    {
        var request = new SubmitOutsideExecutionRequest
        {
            RequestId = "unit-" + Guid.NewGuid(),
            AccountAddress = stack.Account.Address.ToString(),
            OutsideExecution = new Proto.OutsideExecutionFields
            {
                Caller = OutsideExecution.AnyCaller.ToString(),
                Nonce = "0x1",
                ExecuteAfter = Stack.Now - 10,
                ExecuteBefore = Stack.Now + 600,
                Calls = { new Proto.Call { To = stack.GameContract.ToString(), EntryPoint = "move", Calldata = { "0x1" } } },
            },
            Signature = { "0x1" },
        };
        change?.Invoke(request);
        return request;
    }

    [Theory]
    [InlineData("request_id")]
    [InlineData("account_address")]
    [InlineData("outside_execution.calls[0].to")]
    [InlineData("outside_execution.calls[0].entry_point")]
    [InlineData("outside_execution.execute_before")]
    [InlineData("signature")]
    public async Task SubmitOutsideExecution_BadField_InvalidArgumentNamingIt(string field)
    {
        var request = Valid(fixture.Stack, r =>
        {
            switch (field)
            {
                case "request_id": r.RequestId = ""; break;
                case "account_address": r.AccountAddress = "0xnot-a-felt"; break;
                case "outside_execution.calls[0].to": r.OutsideExecution.Calls[0].To = "0x" + new string('f', 64); break;
                case "outside_execution.calls[0].entry_point": r.OutsideExecution.Calls[0].EntryPoint = "0x12"; break;
                case "outside_execution.execute_before": r.OutsideExecution.ExecuteBefore = r.OutsideExecution.ExecuteAfter; break;
                case "signature": r.Signature.Clear(); break;
            }
        });

        var error = await Assert.ThrowsAsync<BrokerRpcException>(() => Service.SubmitOutsideExecution(request, TestServerCallContext.Create()));

        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public async Task SubmitOutsideExecution_WindowPassed_FailedPreconditionOutsideExecutionExpired()
    {
        var request = Valid(fixture.Stack, r => (r.OutsideExecution.ExecuteAfter, r.OutsideExecution.ExecuteBefore) = (Stack.Now - 100, Stack.Now - 50));

        var error = await Assert.ThrowsAsync<BrokerRpcException>(() => Service.SubmitOutsideExecution(request, TestServerCallContext.Create()));

        Assert.Equal("OUTSIDE_EXECUTION_EXPIRED", error.Reason);
        Assert.Equal("outside_execution.execute_before", error.Field);
    }

    [Fact]
    public async Task SubmitOutsideExecution_CallerNotARelayerAccount_FailedPreconditionCallerNotRelayer()
    {
        var request = Valid(fixture.Stack, r => r.OutsideExecution.Caller = "0x1234");

        var error = await Assert.ThrowsAsync<BrokerRpcException>(() => Service.SubmitOutsideExecution(request, TestServerCallContext.Create()));

        Assert.Equal("CALLER_NOT_RELAYER", error.Reason);
        Assert.Equal("outside_execution.caller", error.Field);
    }

    [Fact]
    public async Task SubmitOutsideExecution_BadSignature_StoredThenRejectedWithTheAccountsReason()
    {
        var request = Valid(fixture.Stack);

        var answer = await Service.SubmitOutsideExecution(request, TestServerCallContext.Create());

        Assert.Equal(Proto.TransactionStatus.Rejected, answer.Transaction.Status);
        Assert.Contains("would fail", answer.Transaction.Reason);
        var stored = await Service.GetTransaction(new GetTransactionRequest { RequestId = request.RequestId }, TestServerCallContext.Create());
        Assert.Equal(Proto.TransactionStatus.Rejected, stored.Status);
    }

    [Fact]
    public async Task SubmitInvoke_QueryVersionOrForeignChain_Refused()
    {
        var fields = new Proto.InvokeV3Fields
        {
            SenderAddress = fixture.Stack.Account.Address.ToString(),
            Calls = { new Proto.Call { To = fixture.Stack.GameContract.ToString(), EntryPoint = "move" } },
            Nonce = "0x0",
            ResourceBounds = new Proto.ResourceBoundsMapping { L2Gas = new Proto.ResourceBounds { MaxAmount = 1, MaxPricePerUnit = "1" } },
            ChainId = CairoShortString.Encode("SN_OTHER").ToString(),
            QueryVersion = true,
        };
        var query = await Assert.ThrowsAsync<BrokerRpcException>(() => Service.SubmitInvoke(
            new SubmitInvokeRequest { RequestId = "q-" + Guid.NewGuid(), Transaction = fields, Signature = { "0x1" } }, TestServerCallContext.Create()));
        Assert.Equal("transaction.query_version", query.Field);

        fields.QueryVersion = false;
        var chain = await Assert.ThrowsAsync<BrokerRpcException>(() => Service.SubmitInvoke(
            new SubmitInvokeRequest { RequestId = "c-" + Guid.NewGuid(), Transaction = fields, Signature = { "0x1" } }, TestServerCallContext.Create()));
        Assert.Equal("CHAIN_MISMATCH", chain.Reason);
        Assert.Equal("transaction.chain_id", chain.Field);
    }

    [Fact]
    public async Task PrepareInvoke_UndeployedAccount_FailedPreconditionNamingTheSender()
    {
        var error = await Assert.ThrowsAsync<BrokerRpcException>(() => Service.PrepareInvoke(new PrepareInvokeRequest
        {
            SenderAddress = "0xdead",
            Calls = { new Proto.Call { To = fixture.Stack.GameContract.ToString(), EntryPoint = "move" } },
            EstimateSignature = { "0x1" },
        }, TestServerCallContext.Create()));

        Assert.Equal("ACCOUNT_NOT_DEPLOYED", error.Reason);
        Assert.Equal("sender_address", error.Field);
    }
}
