using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using Vault.Api.Tests.Sources;
using Vault.TestSupport;

namespace Vault.Api.Tests.Hosting;

/// <summary>A stop leaves no job running in the process: a restore that ran on would append next to the one the next start resumes.</summary>
public sealed class ShutdownTests
{
    private static readonly ConcurrentDictionary<string, Probe> Probes = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stopping_Vault_cancels_a_job_that_would_wait_forever_and_waits_for_it_to_end()
    {
        var probe = Guid.NewGuid().ToString("N");
        var seen = Probes.GetOrAdd(probe, _ => new Probe());
        var vault = new SourceApiFactory();
        var scheduler = await vault.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(Ct);
        var job = JobBuilder.Create<WaitsUntilCancelledJob>().WithIdentity(probe, "shutdown-test").UsingJobData(WaitsUntilCancelledJob.ProbeKey, probe).Build();
        await scheduler.ScheduleJob(job, TriggerBuilder.Create().StartNow().Build(), new ScheduleJobOptions(), Ct);
        await Deadline.UntilAsync(() => Task.FromResult(seen.Started.Task.IsCompleted), TimeSpan.FromSeconds(30), "the probe job runs", Ct);

        var stopping = Task.Run(vault.Dispose, Ct);
        await Deadline.UntilAsync(() => Task.FromResult(seen.Cancelled.Task.IsCompleted), TimeSpan.FromSeconds(20), "the stop cancels the running job", Ct);
        await Deadline.UntilAsync(() => Task.FromResult(stopping.IsCompleted), TimeSpan.FromSeconds(20), "the stop ends", Ct);
        await stopping;
        Probes.TryRemove(probe, out _);
    }

    private sealed class Probe
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Waits on its cancellation token and nothing else, as a restore waiting to retry does.</summary>
    private sealed class WaitsUntilCancelledJob : IJob
    {
        public const string ProbeKey = "probe";

        public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
        {
            var probe = Probes[context.MergedJobDataMap.GetString(ProbeKey)!];
            probe.Started.TrySetResult();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, cancellationToken);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            finally
            {
                probe.Cancelled.TrySetResult();
            }
        }
    }
}
