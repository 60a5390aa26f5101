using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;
using Vault.Archive.Jobs;
using Vault.Archive.Sources;

namespace Vault.Ingestion.Integrity;

/// <summary>
/// Every <see cref="IntegrityOptions.ScheduleCheck"/> (a Quartz job), starts the check of each source whose last check
/// (or, never checked, whose creation) is older than <see cref="IntegrityOptions.Interval"/>: weekly by default. At start
/// it also closes the reports a stopped Vault left Running.
/// </summary>
public sealed class IntegritySchedule(
    ISchedulerFactory schedulerFactory,
    IJobReportStore reports,
    IOptions<IntegrityOptions> options,
    TimeProvider timeProvider) : IHostedService
{
    private static readonly JobKey Key = new("integrity-schedule", "verify");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var report in await reports.ListVerifyReportsAsync(cancellationToken))
        {
            if (report.Status == JobStatus.Running)
            {
                await reports.SaveVerifyReportAsync(
                    report with { Status = JobStatus.Failed, FinishedAt = timeProvider.GetUtcNow(), Error = "Vault stopped while the check ran; start it again." },
                    cancellationToken);
            }
        }

        var interval = options.Value.Interval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        var every = options.Value.ScheduleCheck < interval ? options.Value.ScheduleCheck : interval;
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        var job = JobBuilder.Create<DueChecksJob>().WithIdentity(Key).Build();
        var trigger = TriggerBuilder.Create()
            .WithIdentity("integrity-schedule", "verify")
            .StartAt(timeProvider.GetUtcNow() + every)
            .WithSimpleSchedule(s => s.WithInterval(every).RepeatForever())
            .Build();
        await scheduler.ScheduleJob(job, [trigger], new ScheduleJobOptions { Replace = true }, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Starts the checks that are due.</summary>
    [DisallowConcurrentExecution]
    public sealed class DueChecksJob(
        ISourceStore store, IJobReportStore reports, VerifyRunner runner, IOptions<IntegrityOptions> options, TimeProvider timeProvider, ILogger<DueChecksJob> logger) : IJob
    {
        public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
        {
            var last = (await reports.ListVerifyReportsAsync(cancellationToken)).ToDictionary(r => r.SourceId, StringComparer.Ordinal);
            var now = timeProvider.GetUtcNow();
            foreach (var source in await store.ListSourcesAsync(cancellationToken))
            {
                var since = last.TryGetValue(source.Id, out var report) ? report.StartedAt : source.CreatedAt;
                if (report?.Status != JobStatus.Running && now - since >= options.Value.Interval)
                {
                    IntegrityLog.Due(logger, source.Id);
                    await runner.StartAsync(source.Id, cancellationToken);
                }
            }
        }
    }
}
