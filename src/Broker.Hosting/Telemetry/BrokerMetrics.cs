using System.Diagnostics.Metrics;

namespace Broker.Hosting.Telemetry;

/// <summary>
/// Meter and instrument names of the services, in one place. Every meter named <c>Broker.*</c> is exported by
/// <see cref="ServiceDefaultsExtensions.AddServiceDefaults"/> (OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set;
/// the collector in docker-compose hands them to Prometheus, where dots become underscores).
/// </summary>
public static class BrokerMetrics
{
    /// <summary>Meter of GuardianSigner (<see cref="GuardianMetrics"/>).</summary>
    public const string GuardianMeterName = "Broker.GuardianSigner";

    /// <summary>
    /// Meter (and ActivitySource) of TxRelayer. The relayer owns its instruments (<c>relayer.*</c> in
    /// src/TxRelayer/Internal/RelayerTelemetry.cs), exported because the name matches <c>Broker.*</c>.
    /// </summary>
    public const string RelayerMeterName = "Broker.TxRelayer";

    /// <summary>Counter of cosign requests, tagged <c>kind</c> and <c>outcome</c>.</summary>
    public const string Cosigns = "broker.guardian.cosigns";

    /// <summary>Histogram of the time one cosign request took, in seconds, tagged <c>kind</c> and <c>outcome</c>.</summary>
    public const string CosignDuration = "broker.guardian.cosign.duration";
}

/// <summary>
/// GuardianSigner's instruments: cosigns by kind (<c>authorization</c>, <c>invoke</c>, <c>outside-execution</c>)
/// and outcome (<c>cosigned</c>, the refusal reason in lower case, or <c>error</c>), with a latency histogram.
/// </summary>
public sealed class GuardianMetrics
{
    private readonly Counter<long> _cosigns;
    private readonly Histogram<double> _duration;

    /// <summary>Creates the instruments on the <see cref="BrokerMetrics.GuardianMeterName"/> meter.</summary>
    public GuardianMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(BrokerMetrics.GuardianMeterName);
        _cosigns = meter.CreateCounter<long>(BrokerMetrics.Cosigns, "{request}", "Cosign requests by kind and outcome.");
        _duration = meter.CreateHistogram<double>(BrokerMetrics.CosignDuration, "s", "Time one cosign request took.");
    }

    /// <summary>Records one cosign request.</summary>
    public void Cosign(string kind, string outcome, TimeSpan elapsed)
    {
        KeyValuePair<string, object?>[] tags = [new("kind", kind), new("outcome", outcome)];
        _cosigns.Add(1, tags);
        _duration.Record(elapsed.TotalSeconds, tags);
    }
}
