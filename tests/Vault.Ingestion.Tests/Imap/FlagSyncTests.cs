using System.Collections.Concurrent;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Vault.Archive.Folders;
using Vault.Archive.Messages;
using Vault.Ingestion.Tests.Sync;
using Vault.Search.Indexing;
using Vault.TestSupport;

namespace Vault.Ingestion.Tests.Imap;

/// <summary>
/// Flags set or cleared on the server (IMAP STORE from another client) reach the store and the indexer on the next
/// pass, without the messages being downloaded again: every command Vault sends goes through an
/// <see cref="ImapCommandRecorder"/>, which counts the FETCHes of a body.
/// </summary>
public sealed class FlagSyncTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_flag_changed_on_the_server_is_stored_and_reindexed_by_condstore_without_a_download()
    {
        var dovecot = TestDovecot.Require();
        await using var recorder = new ImapCommandRecorder(dovecot.Host, dovecot.ImapPort);
        await using var harness = await SyncHarness.CreateAsync("flagsync", port: recorder.Port, cancellationToken: Token);
        for (var i = 1; i <= 4; i++)
        {
            await dovecot.AppendAsync(harness.User, "INBOX", SourceSynchronizerTests.Message($"inbox {i}"), Token);
        }

        for (var i = 1; i <= 2; i++)
        {
            await dovecot.AppendAsync(harness.User, "Archive", SourceSynchronizerTests.Message($"archive {i}"), Token);
        }

        var indexer = new RecordingIndexer();
        var synchronizer = harness.CreateSynchronizer(indexer: indexer);
        await synchronizer.SyncOnceAsync(harness.SourceId, Token);
        var downloads = recorder.BodyFetches.Count;
        Assert.InRange(downloads, 1, 6);
        Assert.Equal(6, indexer.Ids.Count);

        using (var client = await harness.ConnectAsync(Token))
        {
            await client.Inbox.OpenAsync(FolderAccess.ReadWrite, Token);
            await client.Inbox.AddFlagsAsync(new UniqueId(1), MessageFlags.Flagged, silent: true, Token);
            await client.Inbox.AddFlagsAsync(new UniqueId(2), MessageFlags.Seen | MessageFlags.Answered, silent: true, Token);
            var archive = await client.GetFolderAsync("Archive", Token);
            await archive.OpenAsync(FolderAccess.ReadWrite, Token);
            await archive.AddFlagsAsync(new UniqueId(2), MessageFlags.Draft, silent: true, Token);
        }

        indexer.Clear();
        await synchronizer.SyncOnceAsync(harness.SourceId, Token);

        var archived = await ByLocationAsync(harness);
        Assert.Equal(["\\Flagged"], archived[("INBOX", 1)].Flags);
        Assert.Equal(["\\Seen", "\\Answered"], archived[("INBOX", 2)].Flags);
        Assert.Empty(archived[("INBOX", 3)].Flags);
        Assert.Equal(["\\Draft"], archived[("Archive", 2)].Flags);
        Assert.Equal(
            new[] { archived[("INBOX", 1)].Id, archived[("INBOX", 2)].Id, archived[("Archive", 2)].Id }.Order(StringComparer.Ordinal),
            indexer.Ids.Order(StringComparer.Ordinal));
        Assert.Equal(downloads, recorder.BodyFetches.Count);
        Assert.Contains(recorder.Commands, c => c.Contains("CHANGEDSINCE", StringComparison.OrdinalIgnoreCase));

        // Nothing changed since: nothing is handed to the indexer again.
        indexer.Clear();
        await synchronizer.SyncOnceAsync(harness.SourceId, Token);
        Assert.Empty(indexer.Ids);
        Assert.Equal(downloads, recorder.BodyFetches.Count);
    }

    [Fact]
    public async Task A_message_expunged_on_the_server_is_marked_deleted_and_handed_to_the_indexer()
    {
        var dovecot = TestDovecot.Require();
        await using var harness = await SyncHarness.CreateAsync("flaggone", cancellationToken: Token);
        for (var i = 1; i <= 3; i++)
        {
            await dovecot.AppendAsync(harness.User, "Archive", SourceSynchronizerTests.Message($"archive {i}"), Token);
        }

        var indexer = new RecordingIndexer();
        var synchronizer = harness.CreateSynchronizer(indexer: indexer);
        await synchronizer.SyncOnceAsync(harness.SourceId, Token);
        using (var client = await harness.ConnectAsync(Token))
        {
            var archive = await client.GetFolderAsync("Archive", Token);
            await archive.OpenAsync(FolderAccess.ReadWrite, Token);
            await archive.AddFlagsAsync(new UniqueId(3), MessageFlags.Deleted, silent: true, Token);
            await archive.ExpungeAsync(Token);
        }

        indexer.Clear();
        await synchronizer.SyncOnceAsync(harness.SourceId, Token);

        var archived = await ByLocationAsync(harness);
        Assert.Equal([archived[("Archive", 3)].Id], indexer.Ids);
        Assert.NotNull(archived[("Archive", 3)].DeletedOnServerAt);
        Assert.Null(archived[("Archive", 2)].DeletedOnServerAt);
    }

    [Fact]
    public async Task Without_condstore_every_flag_is_compared_and_only_the_changed_ones_are_reindexed()
    {
        var dovecot = TestDovecot.Require();
        await using var recorder = new ImapCommandRecorder(dovecot.Host, dovecot.ImapPort);
        await using var harness = await SyncHarness.CreateAsync("flagplain", cancellationToken: Token);
        for (var i = 1; i <= 5; i++)
        {
            await dovecot.AppendAsync(harness.User, "INBOX", SourceSynchronizerTests.Message($"plain {i}"), Token);
        }

        using var client = new ImapClient();
        await client.ConnectAsync(dovecot.Host, recorder.Port, SecureSocketOptions.None, Token);
        await client.AuthenticateAsync(harness.User.Name, harness.User.Password, Token);

        // A server without CONDSTORE (RFC 7162): MailKit no longer asks for MODSEQs or HIGHESTMODSEQ.
        client.Capabilities &= ~(ImapCapabilities.CondStore | ImapCapabilities.QuickResync);
        var indexer = new RecordingIndexer();
        var folders = harness.CreateFolderSynchronizer(indexer);
        var imported = await folders.SyncAsync(client.Inbox, new FolderSyncState { SourceId = harness.SourceId, Folder = "INBOX" }, (_, _) => Task.CompletedTask, Token);
        Assert.Equal(0UL, imported.State.HighestModSeq);
        Assert.Equal(5, indexer.Ids.Count);
        var downloads = recorder.BodyFetches.Count;

        using (var other = await harness.ConnectAsync(Token))
        {
            await other.Inbox.OpenAsync(FolderAccess.ReadWrite, Token);
            await other.Inbox.AddFlagsAsync(new UniqueId(4), MessageFlags.Flagged | MessageFlags.Seen, silent: true, Token);
        }

        indexer.Clear();
        var next = await folders.SyncAsync(client.Inbox, imported.State, (_, _) => Task.CompletedTask, Token);
        var archived = await ByLocationAsync(harness);
        Assert.Equal([archived[("INBOX", 4)].Id], indexer.Ids);
        Assert.Equal(["\\Seen", "\\Flagged"], archived[("INBOX", 4)].Flags);
        Assert.Equal(downloads, recorder.BodyFetches.Count);

        indexer.Clear();
        await folders.SyncAsync(client.Inbox, next.State, (_, _) => Task.CompletedTask, Token);
        Assert.Empty(indexer.Ids);
    }

    /// <summary>Every archived message of the source by (folder, UID).</summary>
    private static async Task<Dictionary<(string Folder, long Uid), ArchivedMessage>> ByLocationAsync(SyncHarness harness)
    {
        var messages = new Dictionary<(string, long), ArchivedMessage>();
        var items = await harness.Store.ListMessagesAsync(harness.SourceId, 1, 200, Token);
        foreach (var message in items.Items)
        {
            foreach (var location in message.Locations)
            {
                messages[(location.Folder, location.Uid)] = message;
            }
        }

        return messages;
    }

    /// <summary>What the engine hands to the indexer.</summary>
    private sealed class RecordingIndexer : IIndexHandOver
    {
        private readonly ConcurrentQueue<string> _ids = new();

        public IReadOnlyList<string> Ids => [.. _ids];

        public ValueTask EnqueueAsync(IReadOnlyList<string> messageIds, CancellationToken cancellationToken)
        {
            foreach (var id in messageIds)
            {
                _ids.Enqueue(id);
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask EnqueueAsync(Vault.Archive.Messages.MessageBatch batch, Vault.Archive.Messages.BatchResult result, CancellationToken cancellationToken) =>
            EnqueueAsync(result.ChangedIds.ToList(), cancellationToken);

        public void Clear() => _ids.Clear();
    }
}
