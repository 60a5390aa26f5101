using Vault.Archive.CrashWriter;
using Vault.Archive.Embedded;

// Usage: Vault.Archive.CrashWriter <dataDirectory>. Commits batch after batch and prints "committed N" once batch N is durable.
await using var store = new EmbeddedArchiveStore(args[0], TimeProvider.System);
await store.InitializeAsync(CancellationToken.None);
for (var number = 0; ; number++)
{
    await store.CommitBatchAsync(CrashBatches.Batch(number), CancellationToken.None);
    Console.WriteLine($"committed {number}");
    Console.Out.Flush();
}
