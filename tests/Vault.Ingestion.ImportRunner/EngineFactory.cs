using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vault.Archive;
using Vault.Archive.Embedded;
using Vault.Ingestion.Connections;
using Vault.Ingestion.Connectors;
using Vault.Ingestion.Errors;
using Vault.Ingestion.Imap;
using Vault.Ingestion.Sync;

namespace Vault.Ingestion.ImportRunner;

/// <summary>The sync engine wired by hand, as the sync tests and this child process use it: no Quartz, no host, no index.</summary>
public static class EngineFactory
{
    public static SourceSynchronizer Create(
        EmbeddedArchiveStore store, SyncOptions syncOptions, string dataDirectory, TimeProvider time, ImportSlots? importSlots = null, SyncMetrics? metrics = null,
        Vault.Search.Indexing.IIndexHandOver? indexer = null, InFlightBudget? inFlight = null, Vault.Archive.Sources.ISourceStore? sources = null)
    {
        ArgumentNullException.ThrowIfNull(syncOptions);
        metrics ??= new SyncMetrics(new RunnerMeterFactory());
        var options = Options.Create(syncOptions);
        inFlight ??= new InFlightBudget(options);
        indexer ??= new NoIndexer();
        var folders = new ImapFolderSynchronizer(
            store, store, store, indexer, metrics, inFlight, options, Options.Create(new ArchiveOptions { DataDirectory = dataDirectory }), time, NullLogger<ImapFolderSynchronizer>.Instance);
        var imap = new ImapSourceSynchronizer(
            store, store, folders, new PlainPasswords(), new MailConnector(NullLogger<MailConnector>.Instance), metrics, options, time, NullLogger<ImapSourceSynchronizer>.Instance);
        var pop3 = new Pop3.Pop3SourceSynchronizer(
            store, store, store, indexer, new PlainPasswords(), new MailConnector(NullLogger<MailConnector>.Instance), metrics, inFlight, options,
            Options.Create(new ArchiveOptions { DataDirectory = dataDirectory }), time, NullLogger<Pop3.Pop3SourceSynchronizer>.Instance);
        return new SourceSynchronizer(
            sources ?? store, store, store, [imap, pop3], new RetryPolicy(time), importSlots ?? new ImportSlots(options), new ConnectorBudgets(), metrics, options, time, NullLogger<SourceSynchronizer>.Instance);
    }
}
