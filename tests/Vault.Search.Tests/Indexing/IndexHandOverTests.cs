using System.Text;
using Vault.Archive.Messages;
using Vault.Search.Indexing;
using Vault.TestSupport;

namespace Vault.Search.Tests.Indexing;

/// <summary>What a committed batch hands to the indexer: the bytes of new messages held in memory, nothing else.</summary>
public sealed class IndexHandOverTests : IDisposable
{
    private readonly TempDirectory _temp = new("vault-handoff");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task New_messages_in_memory_are_handed_over_once_and_spilled_or_known_ones_are_not()
    {
        var small = Encoding.ASCII.GetBytes("Subject: small\r\n\r\nbody\r\n");
        var known = Encoding.ASCII.GetBytes("Subject: known\r\n\r\nbody\r\n");
        await using var smallContent = await Content(small);
        await using var knownContent = await Content(known);
        await using var spilled = await Content(new byte[MessageContent.MemoryLimit + 10]);
        Assert.Null(spilled.InMemory);

        var batch = new MessageBatch("s", [Incoming(smallContent, 1), Incoming(knownContent, 2), Incoming(spilled, 3)], null);
        var ids = batch.Messages.Select(m => MessageIds.For("s", m.Content.Sha256)).ToList();
        var indexer = new IndexHandOver(new ReindexProgress());
        await indexer.EnqueueAsync(batch, new BatchResult([ids[0], ids[2]], [ids[1]], 0), Ct);

        Assert.True(indexer.Wakeups.TryRead(out _));
        using (var hold = indexer.TakeHandedOff(ids[0])!)
        {
            Assert.Equal(small, hold.Bytes.ToArray());
        }

        Assert.Null(indexer.TakeHandedOff(ids[0]));
        Assert.Null(indexer.TakeHandedOff(ids[1]));
        Assert.Null(indexer.TakeHandedOff(ids[2]));
    }

    [Fact]
    public async Task Pooled_bytes_handed_over_outlive_the_batch_that_fetched_them()
    {
        var first = Encoding.ASCII.GetBytes("Subject: first\r\n\r\n" + new string('a', 3000) + "\r\n");
        var content = await Content(first, pooled: true);
        var id = MessageIds.For("s", content.Sha256);
        var indexer = new IndexHandOver(new ReindexProgress());
        await indexer.EnqueueAsync(new MessageBatch("s", [Incoming(content, 1)], null), new BatchResult([id], [], 0), Ct);

        // The sync engine is done with the batch; the next batch's message of the same size rents from the pool.
        await content.DisposeAsync();
        var second = Encoding.ASCII.GetBytes("Subject: other\r\n\r\n" + new string('b', 3000) + "\r\n");
        await using var next = await Content(second, pooled: true);

        using var hold = indexer.TakeHandedOff(id)!;
        Assert.Equal(first, hold.Bytes.ToArray());
        Assert.Equal(second, next.InMemory!.Value.ToArray());
    }

    [Fact]
    public async Task What_was_not_taken_is_dropped_when_the_worker_caught_up()
    {
        await using var content = await Content(Encoding.ASCII.GetBytes("Subject: a\r\n\r\nb\r\n"));
        var id = MessageIds.For("s", content.Sha256);
        var indexer = new IndexHandOver(new ReindexProgress());
        await indexer.EnqueueAsync(new MessageBatch("s", [Incoming(content, 1)], null), new BatchResult([id], [], 0), Ct);

        indexer.DropHandedOff();

        Assert.Null(indexer.TakeHandedOff(id));
    }

    private async Task<MessageContent> Content(byte[] bytes, bool pooled = false) => await MessageContent.CopyFromAsync(new MemoryStream(bytes), _temp.Path, pooled, Ct);

    private static IncomingMessage Incoming(MessageContent content, long uid) =>
        new(new MessageLocation("INBOX", 1, uid), content, null, [], MessageHeaderSummary.Empty);
}
