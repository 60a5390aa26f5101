using System.Diagnostics;
using System.Globalization;
using Vault.Archive.Embedded;
using Vault.Archive.Messages;
using Vault.Ingestion.Restore;
using Vault.Ingestion.Sync;
using Vault.Ingestion.ImportRunner;

// A child process for the kill -9 and large-message tests: one import pass of one source over a data directory, or one
// run of a restore, then exit 0.
// Usage: Vault.Ingestion.ImportRunner <dataDirectory> <sourceId> [--memory]
//        Vault.Ingestion.ImportRunner restore <dataDirectory> <restoreId>
// With --memory it runs two passes and measures the second: after the first it prints "warm <peak working set>" and waits
// for a line on stdin (the test delivers the message to measure meanwhile); after the second it prints "memory <peak before
// the pass> <peak after> <bytes allocated by the pass>". A fresh process, warmed by a first pass (code compiled, store and
// connection pools opened), measures exactly one import, which a test process running other tests in parallel cannot.
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
var memory = args.Contains("--memory");
// As the host does at its start: a killed run's half-fetched message is fetched again, its temp file is garbage.
MessageContentWriter.DeleteLeftovers(Path.Combine(dataDirectory, "tmp"));
await using var store = new EmbeddedArchiveStore(dataDirectory, TimeProvider.System);
await store.InitializeAsync(CancellationToken.None);
using var meters = new RunnerMeterFactory();
var synchronizer = EngineFactory.Create(store, new SyncOptions { BatchMaxMessages = 50 }, dataDirectory, TimeProvider.System, metrics: new SyncMetrics(meters));
await synchronizer.SyncOnceAsync(sourceId, CancellationToken.None);
if (!memory)
{
    return 0;
}

using var self = Process.GetCurrentProcess();
self.Refresh();
var peakBefore = self.PeakWorkingSet64;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warm {peakBefore}"));
await Console.In.ReadLineAsync();
var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
await synchronizer.SyncOnceAsync(sourceId, CancellationToken.None);
self.Refresh();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"memory {peakBefore} {self.PeakWorkingSet64} {GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore}"));
return 0;
