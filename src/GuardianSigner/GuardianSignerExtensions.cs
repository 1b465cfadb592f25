using Broker.Hosting;
using Broker.Hosting.PubSub;
using Broker.Hosting.State;
using GuardianSigner.Cosigning;
using GuardianSigner.Events;
using GuardianSigner.Grpc;
using GuardianSigner.Http;
using GuardianSigner.Keys;
using GuardianSigner.Policy;
using Microsoft.Extensions.Options;

namespace GuardianSigner;

/// <summary>The guardian's wiring, kept out of Program.cs.</summary>
internal static class GuardianSignerExtensions
{
    public static WebApplicationBuilder AddGuardianSigner(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<GuardianOptions>().BindConfiguration(GuardianOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GuardianOptions>, GuardianOptionsValidator>();
        services.AddOptions<PolicyOptions>().BindConfiguration(PolicyOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PolicyOptions>, PolicyOptionsValidator>();

        services.AddSingleton(GuardianKeyLoader.Load);
        services.AddSingleton<DappPolicies>();
        services.AddSingleton<SessionCosigner>();

        // Embedded adapters unless a test or the Dapr adapter registered others first.
        services.AddEmbeddedComponents();
        services.AddEventHandler<SessionRevokedHandler>(BrokerComponents.Topics.SessionRevoked);
        return builder;
    }

    public static WebApplication MapGuardianSigner(this WebApplication app)
    {
        // Unlock the key now, so a wrong password or a missing keystore stops the host at startup.
        _ = app.Services.GetRequiredService<GuardianKey>();
        app.MapGrpcService<GuardianSignerService>();
        app.MapCosignerApi();
        return app;
    }
}
