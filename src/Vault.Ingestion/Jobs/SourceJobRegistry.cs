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

    // Set at host shutdown: a job whose trigger fires afterwards stops at once instead of running on until Quartz gives up
    // waiting for it (30 s: a source created or resumed just before a shutdown was one).
    private int _stoppingAll;

    public bool IsRunning(string sourceId) => _running.ContainsKey(sourceId);

    /// <summary>Marks the job running; the token it returns is cancelled by <see cref="Cancel"/>.</summary>
    public CancellationToken Started(string sourceId)
    {
        var running = new RunningJob();
        _running[sourceId] = running;

        // After the job is listed: StopAll either sees it there or is seen here.
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _stoppingAll) == 1 || _stopBeforeStart.TryRemove(sourceId, out _))
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

    /// <summary>Host shutdown: stops every running job and every job that starts from now on.</summary>
    public void StopAll()
    {
        Interlocked.Exchange(ref _stoppingAll, 1);
        foreach (var sourceId in _running.Keys)
        {
            Cancel(sourceId);
        }
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
