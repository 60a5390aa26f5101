using System.Text;
using Vault.Archive.Messages;
using Vault.Search.Indexing;
using Vault.TestSupport;

namespace Vault.Search.Tests.Indexing;

/// <summary>What a committed batch hands to the indexer: the bytes of new messages held in memory, nothing else.</summary>
public sealed class MessageIndexerTests : IDisposable
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
        var indexer = new MessageIndexer(new ReindexProgress());
        await indexer.EnqueueAsync(batch, new BatchResult([ids[0], ids[2]], [ids[1]], 0), Ct);

        Assert.True(indexer.Wakeups.TryRead(out _));
        Assert.Equal(small, indexer.TakeHandedOff(ids[0])!.Value.ToArray());
        Assert.Null(indexer.TakeHandedOff(ids[0]));
        Assert.Null(indexer.TakeHandedOff(ids[1]));
        Assert.Null(indexer.TakeHandedOff(ids[2]));
    }

    [Fact]
    public async Task What_was_not_taken_is_dropped_when_the_worker_caught_up()
    {
        await using var content = await Content(Encoding.ASCII.GetBytes("Subject: a\r\n\r\nb\r\n"));
        var id = MessageIds.For("s", content.Sha256);
        var indexer = new MessageIndexer(new ReindexProgress());
        await indexer.EnqueueAsync(new MessageBatch("s", [Incoming(content, 1)], null), new BatchResult([id], [], 0), Ct);

        indexer.DropHandedOff();

        Assert.Null(indexer.TakeHandedOff(id));
    }

    [Fact]
    public async Task The_change_number_a_new_message_was_added_with_is_given_once_and_forgotten_when_caught_up()
    {
        await using var first = await Content(Encoding.ASCII.GetBytes("Subject: 1\r\n\r\nb\r\n"));
        await using var second = await Content(Encoding.ASCII.GetBytes("Subject: 2\r\n\r\nb\r\n"));
        var ids = new[] { MessageIds.For("s", first.Sha256), MessageIds.For("s", second.Sha256) };
        var indexer = new MessageIndexer(new ReindexProgress());
        var batch = new MessageBatch("s", [Incoming(first, 1), Incoming(second, 2)], null);

        await indexer.EnqueueAsync(batch, new BatchResult(ids, [], 0) { AddedSequences = [41, 42] }, Ct);

        Assert.Equal(41, indexer.TakeFirstChange(ids[0]));
        Assert.Null(indexer.TakeFirstChange(ids[0]));
        indexer.DropHandedOff();
        Assert.Null(indexer.TakeFirstChange(ids[1]));

        // A writer that does not say which numbers it gave (an older store) leaves nothing to take: documents are updated.
        await indexer.EnqueueAsync(batch, new BatchResult(ids, [], 0), Ct);
        Assert.Null(indexer.TakeFirstChange(ids[0]));
    }

    private async Task<MessageContent> Content(byte[] bytes) => await MessageContent.CopyFromAsync(new MemoryStream(bytes), _temp.Path, Ct);

    private static IncomingMessage Incoming(MessageContent content, long uid) =>
        new(new MessageLocation("INBOX", 1, uid), content, null, [], MessageHeaderSummary.Empty);
}
