using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vault.Archive;
using Vault.Archive.Embedded;
using Vault.Archive.Sources;
using Vault.Ingestion.Connections;
using Vault.Ingestion.Errors;
using Vault.Ingestion.Connectors;
using Vault.Ingestion.Imap;
using Vault.Ingestion.Restore;
using Vault.Ingestion.Sync;
using Vault.Ingestion.ImportRunner;

// A child process for the kill -9 tests: one import pass of one source over a data directory, or one run of a restore,
// then exit 0.
// Usage: Vault.Ingestion.ImportRunner <dataDirectory> <sourceId>
//        Vault.Ingestion.ImportRunner restore <dataDirectory> <restoreId>
if (args[0] == "restore")
{
    await using var restoreStore = new EmbeddedArchiveStore(args[1], TimeProvider.System);
    await restoreStore.InitializeAsync(CancellationToken.None);
    var restorer = RestoreFactory.Create(restoreStore, args[1], new RestoreOptions { BatchMaxMessages = 20 });
    var restored = await restorer.RunAsync(args[2], CancellationToken.None);
    return restored?.Status == Vault.Archive.Jobs.JobStatus.Completed ? 0 : 1;
}

var dataDirectory = args[0];
var sourceId = args[1];
await using var store = new EmbeddedArchiveStore(dataDirectory, TimeProvider.System);
await store.InitializeAsync(CancellationToken.None);
using var meters = new RunnerMeterFactory();
var synchronizer = EngineFactory.Create(store, new SyncOptions { BatchMaxMessages = 50 }, dataDirectory, TimeProvider.System, metrics: new SyncMetrics(meters));
await synchronizer.SyncOnceAsync(sourceId, CancellationToken.None);
return 0;
