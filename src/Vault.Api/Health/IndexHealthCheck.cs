using Microsoft.Extensions.Diagnostics.HealthChecks;
using Vault.Search.Indexing;

namespace Vault.Api.Health;

/// <summary>The search index folder exists and its writer and searcher still work.</summary>
public sealed class IndexHealthCheck(SearchIndex index) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            index.CheckHealth();
            return Task.FromResult(HealthCheckResult.Healthy("The search index can serve."));
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"The search index cannot serve: {e.Message}"));
        }
    }
}
