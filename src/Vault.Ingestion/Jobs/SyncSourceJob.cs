using Quartz;
using Vault.Ingestion.Sync;

namespace Vault.Ingestion.Jobs;

/// <summary>
/// The one Quartz job of a source: a thin adapter that runs <see cref="SourceSynchronizer"/> until the job is
/// interrupted (<see cref="IScheduler.Interrupt(JobKey, CancellationToken)"/> cancels
/// <see cref="IJobExecutionContext.CancellationToken"/>) or the scheduler shuts down.
/// </summary>
[DisallowConcurrentExecution]
public sealed class SyncSourceJob(SourceSynchronizer synchronizer, SourceJobRegistry registry) : IJob
{
    public const string SourceIdKey = "sourceId";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var sourceId = context.MergedJobDataMap.GetString(SourceIdKey)
            ?? throw new JobExecutionException("The job has no source id.");
        var stopped = registry.Started(sourceId);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, cancellationToken, stopped);
        try
        {
            await synchronizer.RunAsync(sourceId, stop.Token);
        }
        finally
        {
            registry.Finished(sourceId);
        }
    }
}
