using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vault.Archive.Messages;
using Vault.Archive.Schema;

namespace Vault.Archive;

/// <summary>
/// Opens the store (tables, indexes, schema upgrades) while the host is starting, before any hosted service's StartAsync,
/// so sync jobs and the indexer never see an unopened store. An archive written by a newer Vault stops the start with
/// one plain log line that says so; the exception still ends the start so nothing else touches the archive.
/// First it deletes the temp files of messages whose fetch a crash interrupted.
/// </summary>
internal sealed class ArchiveInitializer(IArchiveStore store, string dataDirectory, ILogger<ArchiveInitializer> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var tempDirectory = Path.Combine(dataDirectory, "tmp");
        if (MessageContentWriter.DeleteLeftovers(tempDirectory) is > 0 and var deleted)
        {
            ArchiveLog.TempFilesDeleted(logger, deleted, tempDirectory);
        }

        try
        {
            await store.InitializeAsync(cancellationToken);
        }
        catch (ArchiveSchemaTooNewException e)
        {
            // The message is the whole story (where, which versions, what to do); a stack trace would only bury it.
            ArchiveLog.SchemaTooNew(logger, e.Message);
            throw;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
