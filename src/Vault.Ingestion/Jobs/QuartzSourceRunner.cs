using Quartz;

namespace Vault.Ingestion.Jobs;

/// <summary>Starts and stops a source's <see cref="SyncSourceJob"/> (JobKey = source id) on the Quartz scheduler.</summary>
public sealed class QuartzSourceRunner(ISchedulerFactory schedulerFactory, SourceJobRegistry registry, TimeProvider timeProvider) : ISourceRunner
{
    /// <summary>Quartz's concurrency, far above any number of sources one instance serves (an awaiting job costs a few KB, no thread).</summary>
    public const int MaxRunningJobs = 1_000_000;

    private const string Group = "sources";
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The scheduler that runs our jobs, kept from the first start. A stop never asks the factory: at host shutdown
    /// the factory may already have dropped the shut-down scheduler and would try to build a new one from a disposed
    /// service provider. No scheduler yet means no job of ours has ever run.
    /// </summary>
    private IScheduler? _scheduler;

    public async Task StartAsync(string sourceId, CancellationToken cancellationToken)
    {
        var scheduler = _scheduler ??= await schedulerFactory.GetScheduler(cancellationToken);
        var key = new JobKey(sourceId, Group);
        registry.ClearStop(sourceId);
        if (registry.IsRunning(sourceId) || await scheduler.Exists(key, cancellationToken))
        {
            return;
        }

        var job = JobBuilder.Create<SyncSourceJob>()
            .WithIdentity(key)
            .UsingJobData(SyncSourceJob.SourceIdKey, sourceId)
            .Build();
        var trigger = TriggerBuilder.Create()
            .WithIdentity(sourceId, Group)
            .StartNow()
            .Build();
        try
        {
            await scheduler.ScheduleJob(job, trigger, new ScheduleJobOptions(), cancellationToken);
        }
        catch (ObjectAlreadyExistsException)
        {
            // Two starts raced; one job is enough.
        }
    }

    public async Task StopAsync(string sourceId, CancellationToken cancellationToken)
    {
        var scheduler = _scheduler;
        if (scheduler is null || scheduler.Status is SchedulerStatus.Shutdown or SchedulerStatus.ShuttingDown)
        {
            // At host shutdown the scheduler has already cancelled its jobs; wait for ours to let go of its connections.
            await WaitForFinishAsync(sourceId, cancellationToken);
            return;
        }

        var key = new JobKey(sourceId, Group);
        try
        {
            if (!registry.IsRunning(sourceId))
            {
                // Scheduled but not fired yet: dropping the trigger drops the (non-durable) job with it. A fired trigger
                // cannot be unscheduled while its job runs; that job is cancelled below.
                await scheduler.UnscheduleJob(new TriggerKey(sourceId, Group), cancellationToken);
            }

            // Through the registry, not IScheduler.Interrupt (which looks through every executing job): it also stops a
            // job whose trigger fired just before the unscheduling but that has not started yet.
            registry.Cancel(sourceId);
        }
        catch (Exception e) when (e is SchedulerException or ObjectDisposedException)
        {
            // The scheduler shut down between the check and the call (it cancels the job itself), or the job ended
            // just as it was interrupted (Quartz then cancels an already disposed token).
            await WaitForFinishAsync(sourceId, cancellationToken);
            return;
        }

        var started = timeProvider.GetTimestamp();
        try
        {
            await registry.WhenFinished(sourceId).WaitAsync(StopTimeout, timeProvider, cancellationToken);

            // Quartz drops the finished one-shot job just after Execute returns; wait for that too, so a start
            // right after this stop schedules a new run instead of finding the old job.
            while (!(scheduler.Status is SchedulerStatus.Shutdown or SchedulerStatus.ShuttingDown) && await scheduler.Exists(key, cancellationToken) && timeProvider.GetElapsedTime(started) < StopTimeout)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), timeProvider, cancellationToken);
            }
        }
        catch (TimeoutException)
        {
            // Still closing its sockets; the job ends on its own and holds no lock the caller needs.
        }
        catch (SchedulerException) when (scheduler.Status is SchedulerStatus.Shutdown or SchedulerStatus.ShuttingDown)
        {
            // The host shut the scheduler down between the status check and Exists (CI saw it once at host stop):
            // the job has finished, and a stopped scheduler has nothing left to drop.
        }
    }

    private async Task WaitForFinishAsync(string sourceId, CancellationToken cancellationToken)
    {
        try
        {
            await registry.WhenFinished(sourceId).WaitAsync(StopTimeout, timeProvider, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Still closing its sockets; the job ends on its own.
        }
    }
}
