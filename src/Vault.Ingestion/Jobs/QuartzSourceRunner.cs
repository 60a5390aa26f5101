using Quartz;

namespace Vault.Ingestion.Jobs;

/// <summary>Starts and stops a source's <see cref="SyncSourceJob"/> (JobKey = source id) on the Quartz scheduler.</summary>
public sealed class QuartzSourceRunner(ISchedulerFactory schedulerFactory, SourceJobRegistry registry, TimeProvider timeProvider) : ISourceRunner
{
    private const string Group = "sources";
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(2);

    public async Task StartAsync(string sourceId, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        var key = new JobKey(sourceId, Group);
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
        IScheduler scheduler;
        try
        {
            scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        }
        catch (SchedulerException)
        {
            // At host shutdown Quartz may already be gone (the factory refuses a shut-down scheduler): it cancelled
            // our job on its way out; wait for it to let go of its connections.
            await WaitForFinishAsync(sourceId, cancellationToken);
            return;
        }

        var key = new JobKey(sourceId, Group);
        if ((scheduler.Status is SchedulerStatus.Shutdown or SchedulerStatus.ShuttingDown))
        {
            // At host shutdown the scheduler has already cancelled its jobs; wait for ours to let go of its connections.
            await WaitForFinishAsync(sourceId, cancellationToken);
            return;
        }

        if (!registry.IsRunning(sourceId))
        {
            // Scheduled but not fired yet: dropping the trigger drops the (non-durable) job with it. A fired trigger
            // cannot be unscheduled while its job runs; that job is interrupted below.
            await scheduler.UnscheduleJob(new TriggerKey(sourceId, Group), cancellationToken);
        }

        await scheduler.Interrupt(key, cancellationToken);
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
