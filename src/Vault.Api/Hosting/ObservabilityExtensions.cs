using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Vault.Archive;

namespace Vault.Api.Hosting;

public static class ObservabilityExtensions
{
    /// <summary>
    /// Metrics (ASP.NET Core, runtime, the <c>Vault</c> meter) served at /metrics in Prometheus text;
    /// traces of the <c>Vault</c> activity source. With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, both also go over OTLP.
    /// </summary>
    public static IHostApplicationBuilder AddObservability(this IHostApplicationBuilder builder)
    {
        var exportOtlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("vault"))
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter(VaultTelemetry.MeterName)
                    .AddPrometheusExporter();
                if (exportOtlp)
                {
                    metrics.AddOtlpExporter();
                }
            })
            .WithTracing(tracing =>
            {
                tracing.AddAspNetCoreInstrumentation()
                    .AddSource(VaultTelemetry.ActivitySourceName);
                if (exportOtlp)
                {
                    tracing.AddOtlpExporter();
                }
            });
        return builder;
    }
}
