using Dapr.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Broker.Hosting.Dapr;

/// <summary>
/// Readiness of the Dapr sidecar: its outbound health endpoint (<c>/v1.0/healthz/outbound</c>), which turns healthy
/// once its components are loaded and does not wait for this app, so the two never wait for each other.
/// </summary>
internal sealed class DaprSidecarHealthCheck(DaprClient dapr) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await dapr.CheckOutboundHealthAsync(cancellationToken).ConfigureAwait(false)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("the Dapr sidecar is not ready");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("the Dapr sidecar is unreachable", ex);
        }
    }
}
