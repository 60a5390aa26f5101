using Quartz;
using Vault.Archive.Jobs;

namespace Vault.Ingestion.Restore;

/// <summary>
/// Creates restores and runs them as Quartz jobs (JobKey = restore id): a new one, a resume of one that failed (it goes
/// on from its checkpoint), and at start every restore a stopped Vault left Running.
/// </summary>
public sealed class RestoreRunner(ISchedulerFactory schedulerFactory, IJobReportStore reports)
{
    private const string Group = "restore";

    /// <summary>Saves the new restore (Running, so it shows at once) and starts it.</summary>
    public async Task<RestoreRecord> StartAsync(RestoreRecord restore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(restore);
        await reports.SaveRestoreAsync(restore, cancellationToken);
        await ScheduleAsync(restore.Id, cancellationToken);
        return restore;
    }

    /// <summary>A Failed restore runs again from its checkpoint; a Running one is left alone, a Completed one as it is.</summary>
    public async Task<RestoreRecord?> ResumeAsync(string restoreId, CancellationToken cancellationToken)
    {
        var restore = await reports.GetRestoreAsync(restoreId, cancellationToken);
        if (restore is null)
        {
            return null;
        }

        if (restore.Status == JobStatus.Failed)
        {
            restore = restore with { Status = JobStatus.Running, FinishedAt = null, Error = null };
            await reports.SaveRestoreAsync(restore, cancellationToken);
        }

        if (restore.Status == JobStatus.Running)
        {
            await ScheduleAsync(restore.Id, cancellationToken);
        }

        return restore;
    }

    private async Task ScheduleAsync(string restoreId, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        var key = new JobKey(restoreId, Group);
        var job = JobBuilder.Create<RestoreJob>().WithIdentity(key).UsingJobData(RestoreJob.RestoreIdKey, restoreId).Build();
        var trigger = TriggerBuilder.Create().WithIdentity(restoreId, Group).StartNow().Build();
        try
        {
            await scheduler.ScheduleJob(job, trigger, new ScheduleJobOptions(), cancellationToken);
        }
        catch (ObjectAlreadyExistsException)
        {
            // It runs already (a second resume, two clicks): one run is enough, and the run skips what is there anyway.
        }
    }
}
