using Vault.Ingestion.Jobs;

namespace Vault.Ingestion.Tests.Jobs;

/// <summary>The registry's stops: one source's, also before its job starts, and the host's, also for jobs that start after it.</summary>
public sealed class SourceJobRegistryTests
{
    [Fact]
    public void A_stop_cancels_a_running_job_and_one_that_had_not_started_yet()
    {
        var registry = new SourceJobRegistry();
        var running = registry.Started("a");
        Assert.True(registry.Cancel("a"));
        Assert.True(running.IsCancellationRequested);

        Assert.False(registry.Cancel("b"));
        Assert.True(registry.Started("b").IsCancellationRequested);

        registry.Cancel("c");
        registry.ClearStop("c");
        Assert.False(registry.Started("c").IsCancellationRequested);
    }

    [Fact]
    public void Stopping_all_cancels_every_running_job_and_every_job_that_starts_afterwards()
    {
        var registry = new SourceJobRegistry();
        var first = registry.Started("a");
        registry.Started("b");
        registry.Finished("b");

        registry.StopAll();

        Assert.True(first.IsCancellationRequested);
        Assert.Equal(["a"], registry.Running);

        // A trigger that fired while the host was stopping: its job must not run on until Quartz gives up waiting.
        registry.ClearStop("late");
        Assert.True(registry.Started("late").IsCancellationRequested);
        registry.Finished("a");
        registry.Finished("late");
        Assert.Empty(registry.Running);
        Assert.True(registry.WhenFinished("a").IsCompleted);
    }
}
