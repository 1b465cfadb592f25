using Broker.Hosting;

namespace Deployment.Tests;

/// <summary>
/// The Dapr resources in dapr/components and dapr/components-postgres against the names in the code
/// (<see cref="BrokerComponents"/>): components, the declarative subscription, the resiliency policy.
/// </summary>
public sealed class DaprResourceTests
{
    private static readonly string[] s_componentSets = ["dapr/components", "dapr/components-postgres"];

    private static IReadOnlyList<(string File, Dictionary<string, object?> Resource)> Resources(string folder) =>
        [.. Directory.GetFiles(Repository.PathOf(folder), "*.yaml").Order(StringComparer.Ordinal)
            .Select(f => (Path.GetFileName(f), Yaml.Load(Path.GetRelativePath(Repository.Root, f))))];

    private static IEnumerable<Dictionary<string, object?>> OfKind(string folder, string kind) =>
        Resources(folder).Select(r => r.Resource).Where(r => r.Text("kind") == kind);

    [Theory]
    [InlineData("dapr/components", "state.redis")]
    [InlineData("dapr/components-postgres", "state.postgresql")]
    public void Components_TheStateStoreAndPubSubNamedInCodeExist(string folder, string stateType)
    {
        var components = OfKind(folder, "Component").ToDictionary(c => c.Get("metadata").Text("name")!, StringComparer.Ordinal);
        Assert.Equal(stateType, components[BrokerComponents.StateStore].Get("spec").Text("type"));
        Assert.Equal("pubsub.redis", components[BrokerComponents.PubSub].Get("spec").Text("type"));
        Assert.Equal(2, components.Count);
        foreach (var component in components.Values)
        {
            Assert.Equal("dapr.io/v1alpha1", component.Text("apiVersion"));
            // Only the broker's services load them; the devnet's sidecar serves service invocation only.
            Assert.Equal(["session-broker", "guardian-signer", "tx-relayer"], component.Strings("scopes"));
        }
        Assert.Equal("appid", Metadata(components[BrokerComponents.StateStore])["keyPrefix"]);
    }

    [Fact]
    public void ComponentSets_DifferOnlyInTheStateStore()
    {
        var redis = Directory.GetFiles(Repository.PathOf("dapr/components")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        var postgres = Directory.GetFiles(Repository.PathOf("dapr/components-postgres")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(redis, postgres);
        foreach (var file in redis.Where(f => f != "statestore.yaml"))
        {
            Assert.Equal(File.ReadAllText(Repository.PathOf($"dapr/components/{file}")), File.ReadAllText(Repository.PathOf($"dapr/components-postgres/{file}")));
        }
    }

    [Theory]
    [InlineData("dapr/components")]
    [InlineData("dapr/components-postgres")]
    public void Subscriptions_UseAnExistingPubSub_TopicsOfTheCode_AndADeadLetterTopic(string folder)
    {
        var pubsubs = OfKind(folder, "Component").Where(c => c.Get("spec").Text("type")!.StartsWith("pubsub.", StringComparison.Ordinal))
            .Select(c => c.Get("metadata").Text("name")).ToHashSet();
        var subscriptions = OfKind(folder, "Subscription").ToList();
        Assert.NotEmpty(subscriptions);
        foreach (var subscription in subscriptions)
        {
            Assert.Equal("dapr.io/v2alpha1", subscription.Text("apiVersion"));
            var spec = subscription.Get("spec");
            Assert.Contains(spec.Text("pubsubname"), pubsubs);
            Assert.Equal(BrokerComponents.Topics.DeadLetter, spec.Text("topic"));
            Assert.Equal(BrokerComponents.Topics.DeadLetterParked, spec.Text("deadLetterTopic"));
            Assert.Equal(BrokerComponents.Routes.DeadLetter, spec.Get("routes").Text("default"));
            Assert.All(subscription.Strings("scopes"), s => Assert.Contains(s, BrokerComponents.AppIds.All));
        }
    }

    [Theory]
    [InlineData("dapr/components")]
    [InlineData("dapr/components-postgres")]
    public void Resiliency_TargetsExistingComponentsAndApps_WithDefinedPolicies(string folder)
    {
        var components = OfKind(folder, "Component").Select(c => c.Get("metadata").Text("name")).ToHashSet();
        var resiliency = Assert.Single(OfKind(folder, "Resiliency"));
        var spec = resiliency.Get("spec");
        var policies = spec.Get("policies");
        var defined = new Dictionary<string, HashSet<string>>
        {
            ["timeout"] = [.. policies.Get("timeouts").Keys],
            ["retry"] = [.. policies.Get("retries").Keys],
            ["circuitBreaker"] = [.. policies.Get("circuitBreakers").Keys],
        };
        var targets = spec.Get("targets");
        foreach (var (name, value) in targets.Get("components"))
        {
            Assert.Contains(name, components);
            foreach (var direction in Yaml.Map(value)!.Values.Select(Yaml.Map))
            {
                foreach (var (kind, policy) in direction!) Assert.Contains(policy?.ToString() ?? "", defined[kind]);
            }
        }
        foreach (var (name, value) in targets.Get("apps"))
        {
            Assert.Contains(name, BrokerComponents.AppIds.All);
            foreach (var (kind, policy) in Yaml.Map(value)!) Assert.Contains(policy?.ToString() ?? "", defined[kind]);
        }
        // Deliveries to the apps are retried (then dead-lettered); state writes are never retried by the sidecar.
        Assert.True(targets.Get("components").Get(BrokerComponents.PubSub).Get("inbound").ContainsKey("retry"));
        Assert.False(targets.Get("components").Get(BrokerComponents.StateStore).Get("outbound").ContainsKey("retry"));
    }

    private static Dictionary<string, string?> Metadata(Dictionary<string, object?> component) =>
        Yaml.List(component.Get("spec").GetValueOrDefault("metadata")).Select(Yaml.Map)
            .ToDictionary(m => m!.Text("name")!, m => m!.Text("value"), StringComparer.Ordinal);
}
