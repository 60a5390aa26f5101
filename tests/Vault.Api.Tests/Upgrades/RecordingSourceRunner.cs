using System.Collections.Concurrent;
using Vault.Ingestion.Jobs;

namespace Vault.Api.Tests.Upgrades;

/// <summary>
/// Stands in for the Quartz runner where no mail server exists: it records which sources the host asked to start and
/// connects nowhere, so a source's stored status stays what the data directory says.
/// </summary>
internal sealed class RecordingSourceRunner : ISourceRunner
{
    public ConcurrentQueue<string> Started { get; } = new();

    public Task StartAsync(string sourceId, CancellationToken cancellationToken)
    {
        Started.Enqueue(sourceId);
        return Task.CompletedTask;
    }

    public Task StopAsync(string sourceId, CancellationToken cancellationToken) => Task.CompletedTask;
}
