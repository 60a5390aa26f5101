using Quartz;
using Vault.Archive.Jobs;

namespace Vault.Ingestion.Integrity;

/// <summary>Starts a source's integrity check as a Quartz job, unless one runs; the Running report is saved first, so it shows at once.</summary>
public sealed class VerifyRunner(ISchedulerFactory schedulerFactory, IJobReportStore reports, TimeProvider timeProvider)
{
    private const string Group = "verify";

    /// <returns>The report of the check that now runs (a new one, or the one already running).</returns>
    public async Task<VerifyReport> StartAsync(string sourceId, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        var key = new JobKey(sourceId, Group);
        var existing = await reports.GetVerifyReportAsync(sourceId, cancellationToken);
        if (existing is { Status: JobStatus.Running } running && await scheduler.Exists(key, cancellationToken))
        {
            return running;
        }

        var report = new VerifyReport { SourceId = sourceId, StartedAt = timeProvider.GetUtcNow() };
        await reports.SaveVerifyReportAsync(report, cancellationToken);
        var job = JobBuilder.Create<VerifySourceJob>().WithIdentity(key).UsingJobData(VerifySourceJob.SourceIdKey, sourceId).Build();
        var trigger = TriggerBuilder.Create().WithIdentity(sourceId, Group).StartNow().Build();
        try
        {
            await scheduler.ScheduleJob(job, trigger, new ScheduleJobOptions(), cancellationToken);
        }
        catch (ObjectAlreadyExistsException)
        {
            // Two starts raced; one check is enough.
        }

        return report;
    }
}
