using Microsoft.Extensions.Diagnostics.HealthChecks;
using Vault.Archive;

namespace Vault.Api.Health;

/// <summary>The archive store answers a read (SQLite opens and reads, MongoDB answers ping).</summary>
public sealed class StoreHealthCheck(IArchiveStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.CheckHealthAsync(cancellationToken);
            return HealthCheckResult.Healthy("The archive store answers.");
        }
        catch (ArchiveStorageException e)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
    }
}
