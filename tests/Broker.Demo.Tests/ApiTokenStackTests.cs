using Broker.Client;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Sessions;
using GuardianContracts = Broker.Contracts.Guardian.V1;
using RelayerContracts = Broker.Contracts.Relayer.V1;

namespace Broker.Demo.Tests;

/// <summary>
/// The three real service hosts on loopback with an API token (<see cref="LocalStackOptions.ApiToken"/>), against the
/// devnet stand-in (src/Starknet.Devnet, a development node, not Starknet). Each gRPC API refuses a call without the
/// token or with another one, health stays open, and the broker reaches the guardian and the relayer with its call
/// tokens. The whole journey with tokens (register, both execution paths, revoke) is the demo mission's, which runs
/// behind a random token (DemoMissionTests).
/// </summary>
public sealed class ApiTokenStackTests : IAsyncLifetime
{
    private readonly string _token = LocalStack.NewApiToken();
    private LocalStack _stack = null!;

    public async Task InitializeAsync() => _stack = await LocalStack.StartAsync(new LocalStackOptions { ApiToken = _token });

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task Broker_WithoutOrWithAnotherToken_ApiTokenRejectedWithTheReason()
    {
        var open = new BrokerClient(_stack.BrokerChannel, TimeSpan.FromSeconds(10));
        var missing = await Assert.ThrowsAsync<ApiTokenRejectedException>(() => open.ListByDappAsync(LocalStack.ProjectId));
        Assert.Equal(BrokerErrorReasons.ApiTokenMissing, missing.Reason);
        Assert.Equal(StatusCode.Unauthenticated, missing.StatusCode);

        var other = new BrokerClient(_stack.BrokerChannel, TimeSpan.FromSeconds(10), LocalStack.NewApiToken());
        var invalid = await Assert.ThrowsAsync<ApiTokenRejectedException>(() => other.ListByDappAsync(LocalStack.ProjectId));
        Assert.Equal(BrokerErrorReasons.ApiTokenInvalid, invalid.Reason);
        Assert.DoesNotContain(_token, invalid.Message, StringComparison.Ordinal);

        var page = await _stack.Broker.ListByDappAsync(LocalStack.ProjectId);
        Assert.Empty(page.Sessions);
    }

    [Fact]
    public async Task GuardianAndRelayer_OnlyWithTheToken_HealthOpen()
    {
        using var guardianChannel = GrpcChannel.ForAddress(_stack.GuardianAddress);
        using var relayerChannel = GrpcChannel.ForAddress(_stack.RelayerAddress);
        var guardian = new GuardianContracts.GuardianSigner.GuardianSignerClient(guardianChannel);
        var relayer = new RelayerContracts.TxRelayer.TxRelayerClient(relayerChannel);
        var withToken = new Metadata { { "authorization", "Bearer " + _token } };

        var guardianRefusal = await Assert.ThrowsAsync<RpcException>(() => guardian.GetGuardianInfoAsync(new GuardianContracts.GetGuardianInfoRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, guardianRefusal.StatusCode);
        var relayerRefusal = await Assert.ThrowsAsync<RpcException>(() => relayer.GetRelayerInfoAsync(new RelayerContracts.GetRelayerInfoRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, relayerRefusal.StatusCode);

        var guardianInfo = await guardian.GetGuardianInfoAsync(new GuardianContracts.GetGuardianInfoRequest(), withToken);
        Assert.False(string.IsNullOrEmpty(guardianInfo.PublicKey));
        var relayerInfo = await relayer.GetRelayerInfoAsync(new RelayerContracts.GetRelayerInfoRequest(), withToken);
        Assert.NotEmpty(relayerInfo.Accounts);

        foreach (var channel in new[] { guardianChannel, relayerChannel, _stack.BrokerChannel })
        {
            var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        }
    }

    [Fact]
    public async Task GuardianClient_DirectPath_OnlyWithItsToken()
    {
        var key = SessionKey.Generate();
        var session = await RegisterAsync(key);
        using var guardianChannel = GrpcChannel.ForAddress(_stack.GuardianAddress);
        var now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        SessionOutsideExecution Move() => new([new SessionCall(_stack.GameContract, "move", [7])], Mission.RandomNonce(), now - 60, now + 600);

        var refused = await Assert.ThrowsAsync<ApiTokenRejectedException>(() =>
            new GuardianClient(guardianChannel, TimeSpan.FromSeconds(10)).CosignOutsideExecutionAsync(session, key, Move()));
        Assert.Equal(BrokerErrorReasons.ApiTokenMissing, refused.Reason);

        var cosigned = await new GuardianClient(guardianChannel, TimeSpan.FromSeconds(10), _token).CosignOutsideExecutionAsync(session, key, Move());
        // The client has checked the guardian's signature over the message hash it computed itself.
        Assert.Equal(_stack.Genesis.ArgentAccounts[0].Address, cosigned.AccountAddress);
        Assert.Equal(9, cosigned.Token.Authorization.Count);
    }

    /// <summary>A session on the sample account, registered through the broker with the stack's token (the broker
    /// has the guardian cosign the authorization with its call token).</summary>
    private async Task<RegisteredSession> RegisterAsync(SessionKey key)
    {
        var account = _stack.Genesis.ArgentAccounts[0];
        var specification = SessionSpecification.Create(_stack.ChainId, account.Address, key, TimeSpan.FromHours(1),
            [new AllowedMethod(_stack.GameContract, "move")],
            new SessionMetadata(LocalStack.ProjectId, [new SessionTxFee(_stack.FeeToken, 1_000_000_000_000_000_000)]));
        var prepared = await _stack.Broker.PrepareAsync(specification);
        return await _stack.Broker.RegisterAsync(prepared, account.OwnerPublicKey, Starknet.Ecdsa.Sign(account.OwnerPrivateKey!.Value, prepared.SessionHash));
    }
}
