using Microsoft.Extensions.Hosting;
using Vault.Archive.Sources;
using Vault.Ingestion.Sync;

namespace Vault.Ingestion.Jobs;

/// <summary>
/// At startup resumes every source that is not paused from its checkpoint (the store is open by then: the archive's
/// start-up step runs before any hosted service starts); at shutdown interrupts every running
/// job, and every job that starts from then on, and waits for them, before the Quartz scheduler itself stops (hosted
/// services stop in reverse order).
/// </summary>
public sealed class SourceJobsHostedService(ISourceStore store, ISourceRunner runner, SourceJobRegistry registry, SyncMetrics metrics) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var source in await store.ListSourcesAsync(cancellationToken))
        {
            metrics.StatusChanged(source.Id, source.Status);
            if (source.Status != SourceStatus.Paused)
            {
                await runner.StartAsync(source.Id, cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        // Also the jobs whose triggers fire while the host stops: they would otherwise run until Quartz gives up on them.
        registry.StopAll();
        return Task.WhenAll(registry.Running.Select(id => runner.StopAsync(id, cancellationToken)));
    }
}
