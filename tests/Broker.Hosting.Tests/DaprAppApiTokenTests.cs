using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Broker.DaprStandIn;
using Broker.Hosting.Components;
using Broker.Hosting.PubSub;
using Broker.Hosting.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Hosting.Tests;

/// <summary>
/// The Dapr routes of a service with an app API token (daprd's <c>APP_API_TOKEN</c>): a stand-in sidecar hosted in the
/// test (<see cref="StandInSidecar"/>, not daprd) that sends the token as daprd does reads the subscriptions and
/// delivers; a caller without it, or with another token, gets 401 and reaches no handler.
/// </summary>
public sealed class DaprAppApiTokenTests : IAsyncLifetime
{
    private const string Topic = "guarded-topic";
    private const string Token = "app-token-0123456789abcdef";
    private readonly StandInDaprCluster _cluster = new(new StandInDeliveryPolicy { MaxAttempts = 2, RetryInterval = TimeSpan.FromMilliseconds(10) });
    private readonly ConcurrentQueue<string> _handled = new();
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(ComponentsMode.Dapr, services =>
        {
            services.AddSingleton(_handled);
            services.AddEventHandler<RecordingHandler>(Topic);
        }, _cluster, appId: "guarded-app", appApiToken: Token);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task SidecarWithTheToken_ReadsTheSubscriptionsAndDelivers()
    {
        Assert.Contains(_app.Sidecar!.Subscriptions, s => s.Topic == Topic);

        var published = await _app.Services.GetRequiredService<IEventPublisher>().PublishAsync(Topic, new { text = "hello" });
        await _cluster.WaitForIdleAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([published.Id], _handled);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("another-token-0123456789")]
    public async Task CallerWithoutTheToken_401AndNoHandlerRuns(string? token)
    {
        using var client = _app.App.GetTestClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Add("dapr-api-token", token);
        }
        var envelope = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["specversion"] = "1.0", ["id"] = "forged-1", ["source"] = "attacker", ["type"] = "com.dapr.event.sent",
            ["topic"] = Topic, ["pubsubname"] = BrokerComponents.PubSub, ["datacontenttype"] = "application/json",
            ["data"] = new { text = "forged" },
        });

        using var delivery = await client.PostAsync(BrokerComponents.Routes.Events(Topic), new StringContent(envelope, Encoding.UTF8, "application/cloudevents+json"));
        using var subscribe = await client.GetAsync("/dapr/subscribe");
        using var deadLetter = await client.PostAsync(BrokerComponents.Routes.DeadLetter, new StringContent(envelope, Encoding.UTF8, "application/cloudevents+json"));

        Assert.Equal(HttpStatusCode.Unauthorized, delivery.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, subscribe.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, deadLetter.StatusCode);
        using var body = JsonDocument.Parse(await delivery.Content.ReadAsStringAsync());
        Assert.Equal("APP_API_TOKEN_INVALID", body.RootElement.GetProperty("status").GetString());
        Assert.DoesNotContain(Token, body.RootElement.GetRawText(), StringComparison.Ordinal);
        Assert.Empty(_handled);
    }

    private sealed class RecordingHandler(ConcurrentQueue<string> handled) : ITopicHandler
    {
        public Task<EventHandlingResult> HandleAsync(CloudEvent cloudEvent, CancellationToken cancellationToken)
        {
            handled.Enqueue(cloudEvent.Id);
            return Task.FromResult(EventHandlingResult.Success);
        }
    }
}
