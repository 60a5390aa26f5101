using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vault.Archive.Jobs;

namespace Vault.Ingestion.Restore;

/// <summary>At start, runs again every restore a stopped (or killed) Vault left Running: each goes on from its checkpoint.</summary>
public sealed class RestoreResumption(IJobReportStore reports, RestoreRunner runner, ILogger<RestoreResumption> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var restore in await reports.ListRestoresAsync(cancellationToken))
        {
            if (restore.Status == JobStatus.Running)
            {
                RestoreLog.Resuming(logger, restore.Id);
                await runner.ResumeAsync(restore.Id, cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
