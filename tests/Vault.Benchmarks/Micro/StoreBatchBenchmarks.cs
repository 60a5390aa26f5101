using BenchmarkDotNet.Attributes;
using Vault.Archive.Embedded;
using Vault.Archive.Folders;
using Vault.Archive.Messages;
using Vault.Archive.Sources;

namespace Vault.Benchmarks.Micro;

/// <summary>
/// One durable batch into the embedded store: 100 real messages compressed and written with their checkpoint in one
/// transaction (one fsync). Each invocation uses a fresh source, so nothing dedups against an earlier invocation.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
[WarmupCount(3)]
[IterationCount(20)]
public class StoreBatchBenchmarks
{
    private const int BatchSize = 100;

    // Warm-up, measured and BenchmarkDotNet's own overhead iterations, each with its own source.
    private const int Sources = 64;

    private string dataDirectory = "";
    private EmbeddedArchiveStore store = null!;
    private IReadOnlyList<byte[]> messages = [];
    private MessageBatch batch = null!;
    private int sourceNumber;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        messages = (await BenchmarkMailbox.LoadAsync(CancellationToken.None)).Take(BatchSize).ToList();
        dataDirectory = Path.Combine(Path.GetTempPath(), $"vault-bench-store-{Guid.NewGuid():N}");
        store = new EmbeddedArchiveStore(dataDirectory, TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None);
        for (var i = 0; i < Sources; i++)
        {
            // The source row must exist before its messages; creating it is not what is measured.
            await store.CreateSourceAsync(
                new Source
                {
                    Id = $"bench-{i}",
                    Settings = new SourceSettings { Name = $"bench-{i}", Host = "127.0.0.1", Username = "bench" },
                    EncryptedPassword = [],
                    CreatedAt = TimeProvider.System.GetUtcNow(),
                },
                CancellationToken.None);
        }
    }

    [IterationSetup]
    public void PrepareBatch()
    {
        if (sourceNumber == Sources)
        {
            throw new InvalidOperationException($"More than {Sources} iterations: raise Sources so no batch dedups against an earlier one.");
        }

        var sourceId = $"bench-{sourceNumber++}";
        var incoming = messages.Select((bytes, i) =>
        {
            using var headers = new MemoryStream(bytes, writable: false);
            return new IncomingMessage(
                new MessageLocation("INBOX", 1, i + 1),
                MessageContent.FromBytes(bytes),
                TimeProvider.System.GetUtcNow(),
                ["\\Seen"],
                MessageHeaderSummary.Read(headers));
        }).ToList();
        batch = new MessageBatch(sourceId, incoming, new FolderSyncState { SourceId = sourceId, Folder = "INBOX", UidValidity = 1, Watermark = BatchSize });
    }

    [Benchmark]
    public Task<BatchResult> CommitBatch() => store.CommitBatchAsync(batch, CancellationToken.None);

    [IterationCleanup]
    public void DisposeBatch()
    {
        foreach (var message in batch.Messages)
        {
            message.Content.Dispose();
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await store.DisposeAsync();
        Directory.Delete(dataDirectory, recursive: true);
    }
}
