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
using Vault.Ingestion.Sync;
using Vault.Ingestion.ImportRunner;

// A child process for the kill -9 test: one import pass of one source over a data directory, then exit 0.
// Usage: Vault.Ingestion.ImportRunner <dataDirectory> <sourceId>
var dataDirectory = args[0];
var sourceId = args[1];
await using var store = new EmbeddedArchiveStore(dataDirectory, TimeProvider.System);
await store.InitializeAsync(CancellationToken.None);
using var meters = new RunnerMeterFactory();
var synchronizer = EngineFactory.Create(store, new SyncOptions { BatchMaxMessages = 50 }, dataDirectory, TimeProvider.System, metrics: new SyncMetrics(meters));
await synchronizer.SyncOnceAsync(sourceId, CancellationToken.None);
return 0;
