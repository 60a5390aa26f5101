using System.Collections.Concurrent;

namespace Vault.Ingestion.Jobs;

/// <summary>Which sources' jobs are running right now, so a stop can wait until a job has really finished.</summary>
public sealed class SourceJobRegistry
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _running = new(StringComparer.Ordinal);

    public bool IsRunning(string sourceId) => _running.ContainsKey(sourceId);

    public void Started(string sourceId) =>
        _running[sourceId] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Finished(string sourceId)
    {
        if (_running.TryRemove(sourceId, out var finished))
        {
            finished.TrySetResult();
        }
    }

    /// <summary>Completes when the source's job has finished (at once when none runs).</summary>
    public Task WhenFinished(string sourceId) =>
        _running.TryGetValue(sourceId, out var running) ? running.Task : Task.CompletedTask;

    public IReadOnlyList<string> Running => _running.Keys.ToList();
}
