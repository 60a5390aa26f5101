using System.Collections.Concurrent;

namespace Vault.Ingestion.Jobs;

/// <summary>
/// Which sources' jobs are running right now, with a way to stop each one directly (its own cancellation, linked into
/// the job's token) and to wait until it has really finished. Stopping through the registry costs the same for the
/// thousandth running job as for the first; Quartz's interrupt looks through every executing job.
/// </summary>
public sealed class SourceJobRegistry
{
    private readonly ConcurrentDictionary<string, RunningJob> _running = new(StringComparer.Ordinal);

    // A stop that came before its job started (the trigger had fired but Execute had not begun): the job stops at once.
    private readonly ConcurrentDictionary<string, bool> _stopBeforeStart = new(StringComparer.Ordinal);

    public bool IsRunning(string sourceId) => _running.ContainsKey(sourceId);

    /// <summary>Marks the job running; the token it returns is cancelled by <see cref="Cancel"/>.</summary>
    public CancellationToken Started(string sourceId)
    {
        var running = new RunningJob();
        _running[sourceId] = running;
        if (_stopBeforeStart.TryRemove(sourceId, out _))
        {
            running.Stop.Cancel();
        }

        return running.Stop.Token;
    }

    public void Finished(string sourceId)
    {
        if (_running.TryRemove(sourceId, out var finished))
        {
            finished.Done.TrySetResult();
            finished.Stop.Dispose();
        }
    }

    /// <summary>Asks the source's job to stop, also one about to start; false when none runs yet.</summary>
    public bool Cancel(string sourceId)
    {
        if (!_running.TryGetValue(sourceId, out var running))
        {
            _stopBeforeStart[sourceId] = true;
            return false;
        }

        try
        {
            running.Stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // It finished meanwhile.
        }

        return true;
    }

    /// <summary>A new start: an earlier stop that found no job must not stop this one.</summary>
    public void ClearStop(string sourceId) => _stopBeforeStart.TryRemove(sourceId, out _);

    /// <summary>Completes when the source's job has finished (at once when none runs).</summary>
    public Task WhenFinished(string sourceId) =>
        _running.TryGetValue(sourceId, out var running) ? running.Done.Task : Task.CompletedTask;

    public IReadOnlyList<string> Running => _running.Keys.ToList();

    private sealed class RunningJob
    {
        public CancellationTokenSource Stop { get; } = new();

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
