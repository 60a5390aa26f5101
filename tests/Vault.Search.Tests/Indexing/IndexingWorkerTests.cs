using System.Text;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vault.Archive.Embedded;
using Vault.Archive.Folders;
using Vault.Archive.Messages;
using Vault.Search.Attachments;
using Vault.Search.Indexing;
using Vault.TestSupport;

namespace Vault.Search.Tests.Indexing;

/// <summary>The worker following the archive change sequence with a real embedded store and a real index on disk.</summary>
public sealed class IndexingWorkerTests : IDisposable
{
    private readonly TempDirectory _data = new("vault-worker");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string IndexPath => Path.Combine(_data.Path, "index");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task A_restart_resumes_from_the_committed_change_number_and_indexes_only_what_came_after()
    {
        await using var store = new EmbeddedArchiveStore(_data.Path, TimeProvider.System);
        await store.InitializeAsync(Ct);
        var first = await store.CommitBatchAsync(Batch(1, 3), Ct);
        long committed;
        using (var index = new SearchIndex(IndexPath))
        {
            var queue = new IndexHandOver(new ReindexProgress());
            await using (var worker = await StartAsync(queue, index, store))
            {
                await Deadline.UntilAsync(() => Task.FromResult(index.DocumentCount == 3), TimeSpan.FromSeconds(30), "the first three messages indexed", Ct);
            }

            // Stopped: what was searchable is durable, at the last change number the worker saw.
            committed = index.CommittedSequence;
            Assert.Equal((await store.ListChangesAsync(0, 10, Ct))[^1].ChangeSequence, committed);

            // A document removed behind the worker's back proves the restart does not start over from 0.
            index.Delete(first.Added[0]);
            await index.CommitAsync(committed, Ct);
        }

        var second = await store.CommitBatchAsync(Batch(4, 2), Ct);
        using (var index = new SearchIndex(IndexPath))
        {
            Assert.Equal(committed, index.CommittedSequence);
            var queue = new IndexHandOver(new ReindexProgress());
            await using var worker = await StartAsync(queue, index, store);
            await queue.EnqueueAsync(second.Added, Ct);
            await Deadline.UntilAsync(() => Task.FromResult(second.Added.All(index.Contains)), TimeSpan.FromSeconds(30), "the two new messages indexed", Ct);

            Assert.False(index.Contains(first.Added[0]));
            Assert.True(index.Contains(first.Added[1]));
            Assert.Equal(4, index.DocumentCount);
            Assert.Empty(await new IndexBacklog(index, store).CountBySourceAsync(Ct));

            // A message marked changed (what an integrity check does for a missing one) comes back.
            await store.MarkChangedAsync([first.Added[0]], Ct);
            await queue.EnqueueAsync([first.Added[0]], Ct);
            await Deadline.UntilAsync(() => Task.FromResult(index.Contains(first.Added[0])), TimeSpan.FromSeconds(30), "the message marked changed indexed again", Ct);
        }
    }

    [Fact]
    public async Task A_reindex_starts_from_0_and_reports_its_progress_to_the_end()
    {
        await using var store = new EmbeddedArchiveStore(_data.Path, TimeProvider.System);
        await store.InitializeAsync(Ct);
        await store.CommitBatchAsync(Batch(1, 4), Ct);
        using var index = new SearchIndex(IndexPath);
        var progress = new ReindexProgress();
        var queue = new IndexHandOver(progress);
        await using var worker = await StartAsync(queue, index, store, progress);
        await Deadline.UntilAsync(() => Task.FromResult(index.DocumentCount == 4), TimeSpan.FromSeconds(30), "indexed", Ct);

        var status = await queue.RequestReindexAsync(Ct);
        Assert.True(status.Running);
        await Deadline.UntilAsync(() => Task.FromResult(!progress.Current.Running), TimeSpan.FromSeconds(30), "the reindex finished", Ct);

        Assert.Equal((4L, 4L), (progress.Current.Total, progress.Current.Indexed));
        Assert.Equal(4, index.DocumentCount);
    }

    [Fact]
    public async Task A_merge_that_ends_while_the_worker_is_idle_is_committed_and_its_inputs_leave_the_disk()
    {
        await using var store = new EmbeddedArchiveStore(_data.Path, TimeProvider.System);
        await store.InitializeAsync(Ct);
        using var index = new SearchIndex(IndexPath);
        var queue = new IndexHandOver(new ReindexProgress());
        await using var worker = await StartAsync(queue, index, store);

        // Three batches, each indexed and refreshed before the next: three segments.
        for (var batch = 0; batch < 3; batch++)
        {
            var result = await store.CommitBatchAsync(Batch(1 + (batch * 2), 2), Ct);
            await queue.EnqueueAsync(result.Added, Ct);
            await Deadline.UntilAsync(() => Task.FromResult(result.Added.All(index.Contains)), TimeSpan.FromSeconds(30), $"batch {batch + 1} indexed", Ct);
        }

        var last = (await store.ListChangesAsync(0, 10, Ct))[^1].ChangeSequence;
        await Deadline.UntilAsync(() => Task.FromResult(index.CommittedSequence == last && !index.HasUncommittedChanges), TimeSpan.FromSeconds(30), "the worker's idle commit", Ct);
        Assert.True(CommittedSegments().Count >= 2, $"{CommittedSegments().Count} segments committed");

        // The worker is idle with nothing new to index when the merge ends; the commit after it lets the inputs go (the
        // deleter removes them just after the new segments_N appears, hence the wait for both).
        index.MergeInBackground();
        await Deadline.UntilAsync(
            () => Task.FromResult(!index.HasUncommittedChanges && OnlyOneCommittedSegmentOnDisk()),
            TimeSpan.FromSeconds(30),
            "the merged index committed and nothing else on disk",
            Ct);
        Assert.Equal(6, index.DocumentCount);
        Assert.Equal(last, index.CommittedSequence);
    }

    private SegmentInfos CommittedSegments()
    {
        using var directory = FSDirectory.Open(IndexPath);
        var infos = new SegmentInfos();
        infos.Read(directory);
        return infos;
    }

    /// <summary>
    /// True when the last commit names one segment and every index file on disk is one it names (besides the lock and
    /// segments.gen); false while a commit is replacing the one read.
    /// </summary>
    private bool OnlyOneCommittedSegmentOnDisk()
    {
        try
        {
            using var directory = FSDirectory.Open(IndexPath);
            var infos = new SegmentInfos();
            infos.Read(directory);
            var committed = infos.GetFiles(directory, includeSegmentsFile: true).ToHashSet(StringComparer.Ordinal);
            return infos.Count == 1 && System.IO.Directory.EnumerateFiles(IndexPath)
                .Select(path => Path.GetFileName(path))
                .All(name => name is "write.lock" or "segments.gen" || committed.Contains(name));
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task<WorkerRun> StartAsync(IndexHandOver queue, SearchIndex index, EmbeddedArchiveStore store, ReindexProgress? progress = null)
    {
        var worker = new IndexingWorker(
            queue, index, progress ?? new ReindexProgress(), store, new AttachmentTextExtraction(AttachmentTextLimits.Default, TimeProvider.System),
            Options.Create(new SearchOptions { AttachmentText = false }), TimeProvider.System, NullLoggerFactory.Instance);
        await worker.StartAsync(Ct);
        return new WorkerRun(worker);
    }

    private static MessageBatch Batch(int first, int count) =>
        new("s", Enumerable.Range(first, count).Select(n =>
        {
            var bytes = Encoding.ASCII.GetBytes($"From: a{n}@example.org\r\nSubject: worker {n}\r\nMessage-ID: <w{n}@x>\r\n\r\nbody {n}\r\n");
            return new IncomingMessage(new MessageLocation("INBOX", 1, n), MessageContent.FromBytes(bytes), null, [], MessageHeaderSummary.Read(new MemoryStream(bytes)));
        }).ToList(), new FolderSyncState { SourceId = "s", Folder = "INBOX", UidValidity = 1, Watermark = first + count - 1, UidNext = first + count });

    private sealed class WorkerRun(IndexingWorker worker) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await worker.StopAsync(CancellationToken.None);
            worker.Dispose();
        }
    }
}
