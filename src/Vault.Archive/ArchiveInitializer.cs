using Microsoft.Extensions.Hosting;

namespace Vault.Archive;

/// <summary>
/// Opens the store (tables, indexes) while the host is starting, before any hosted service's StartAsync,
/// so sync jobs and the indexer never see an unopened store.
/// </summary>
internal sealed class ArchiveInitializer(IArchiveStore store) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
