using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Vault.Archive.Messages;
using Vault.Archive.Schema;
using Vault.Archive.Sources;
using Vault.TestSupport;
using static Vault.Archive.Tests.TestMessages;

namespace Vault.Archive.Tests;

/// <summary>
/// The rules every <see cref="IArchiveStore"/> keeps (ARCHITECTURE.md, "Storage"), run against each store.
/// Every test opens a fresh, empty store.
/// </summary>
public abstract partial class ArchiveStoreContractTests : IAsyncDisposable
{
    private readonly List<IArchiveStore> _stores = [];

    protected TempDirectory Temp { get; } = new("vault-store");

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A fresh, empty, initialized store (or a visible skip when the store's server is not available).</summary>
    protected abstract Task<IArchiveStore> CreateStoreAsync();

    /// <summary>Bytes the store occupies on disk, where that can be measured.</summary>
    protected virtual long? OnDiskBytes() => null;

    /// <summary>The schema version this build of the store writes.</summary>
    protected abstract int LatestSchemaVersion { get; }

    /// <summary>The version recorded in the store's archive, read around the store.</summary>
    protected abstract Task<int> ReadSchemaVersionAsync(IArchiveStore store);

    /// <summary>Records <paramref name="version"/> as another Vault would have left it; 0 is an archive written before versions.</summary>
    protected abstract Task WriteSchemaVersionAsync(IArchiveStore store, int version);

    /// <summary>A second, not yet initialized store over the same archive, as the next start of Vault would open it.</summary>
    protected abstract IArchiveStore OpenAgain(IArchiveStore store);

    protected async Task<IArchiveStore> NewStoreAsync()
    {
        var store = await CreateStoreAsync();
        _stores.Add(store);
        return store;
    }

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            if (store is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }

        Temp.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Every_corpus_message_round_trips_byte_exact()
    {
        var files = SharedFolder.CorpusMessages();
        var store = await NewStoreAsync();
        var ids = new List<(string Id, string Path, string Sha256)>(files.Count);
        long rawBytes = 0;
        var write = new Stopwatch();
        foreach (var chunk in files.Chunk(200))
        {
            var messages = new List<IncomingMessage>();
            foreach (var path in chunk)
            {
                await using var file = File.OpenRead(path);
                var content = await MessageContent.CopyFromAsync(file, Temp.Path, Ct);
                file.Position = 0;
                messages.Add(Incoming(content, MessageHeaderSummary.Read(file), "INBOX", 1, ids.Count + messages.Count + 1));
                rawBytes += content.Length;
            }

            write.Start();
            var result = await store.CommitBatchAsync(new MessageBatch("corpus", messages, Checkpoint("corpus", "INBOX", ids.Count + messages.Count)), Ct);
            write.Stop();
            foreach (var message in messages)
            {
                ids.Add((MessageIds.For("corpus", message.Content.Sha256), "", message.Content.Sha256));
                await message.Content.DisposeAsync();
            }

            Assert.Equal(messages.Select(m => m.Content.Sha256).Distinct().Count(), result.Added.Count);
        }

        ids = ids.Select((entry, i) => entry with { Path = files[i] }).ToList();

        var read = new Stopwatch();
        foreach (var (id, path, sha256) in ids)
        {
            read.Start();
            var stored = await StoredBytes.ReadAllAsync(store, id, Ct);
            read.Stop();
            Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(stored)));
            var original = await File.ReadAllBytesAsync(path, Ct);
            Assert.True(stored.AsSpan().SequenceEqual(original), $"{path} came back different");
        }

        Assert.Equal(ids.Select(i => i.Id).Distinct().LongCount(), await store.CountMessagesAsync("corpus", Ct));

        var mb = rawBytes / 1e6;
        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"{files.Count} messages, {mb:F1} MB raw (one cold pass: JIT warm-up included)");
        output?.WriteLine($"CommitBatchAsync (batches of 200, durable): {write.Elapsed.TotalSeconds:F2} s = {mb / write.Elapsed.TotalSeconds:F1} MB/s");
        output?.WriteLine($"OpenRawAsync + read to the end: {read.Elapsed.TotalSeconds:F2} s = {mb / read.Elapsed.TotalSeconds:F1} MB/s");
        if (OnDiskBytes() is { } onDisk)
        {
            output?.WriteLine($"on disk, store still open: {onDisk / 1e6:F1} MB = {100.0 * onDisk / rawBytes:F0}% of the raw bytes");
        }
    }

    [Fact]
    public async Task A_50_MB_message_round_trips()
    {
        var store = await NewStoreAsync();
        var path = Path.Combine(Temp.Path, "big.eml");
        await using (var file = File.Create(path))
        {
            var header = "From: big@example.com\r\nSubject: 50 MB\r\n\r\n"u8.ToArray();
            await file.WriteAsync(header, Ct);
            var random = new Random(50);
            var block = new byte[1024 * 1024];
            for (var i = 0; i < 50; i++)
            {
                // Half text (compressible), half noise (not): both paths of the compressor see real work.
                for (var j = 0; j < block.Length / 2; j++)
                {
                    block[j] = (byte)('a' + random.Next(26));
                }

                random.NextBytes(block.AsSpan(block.Length / 2));
                await file.WriteAsync(block, Ct);
            }
        }

        await using var source = File.OpenRead(path);
        await using var content = await MessageContent.CopyFromAsync(source, Temp.Path, Ct);
        await store.CommitBatchAsync(new MessageBatch("s", [Incoming(content, MessageHeaderSummary.Empty, "INBOX", 1, 1)], null), Ct);

        var (sha256, length) = await StoredBytes.HashAsync(store, MessageIds.For("s", content.Sha256), Ct);
        Assert.Equal(new FileInfo(path).Length, length);
        Assert.True(length > 50L * 1024 * 1024);
        Assert.Equal(content.Sha256, sha256);
        Assert.Equal(length, (await store.FindBySha256Async("s", content.Sha256, Ct))!.Size);
    }

    [Fact]
    public async Task Empty_and_chunk_sized_messages_round_trip()
    {
        var store = await NewStoreAsync();
        var random = new Random(3);
        var sizes = new[] { 0, 1, MessageContent.MemoryLimit - 1, MessageContent.MemoryLimit, MessageContent.MemoryLimit + 1, 3 * MessageContent.MemoryLimit + 17 };
        var contents = new List<MessageContent>();
        foreach (var size in sizes)
        {
            var bytes = new byte[size];
            random.NextBytes(bytes);
            contents.Add(await MessageContent.CopyFromAsync(new MemoryStream(bytes), Temp.Path, Ct));
        }

        await store.CommitBatchAsync(new MessageBatch("s", contents.Select((c, i) => Incoming(c, MessageHeaderSummary.Empty, "INBOX", 1, i + 1)).ToList(), null), Ct);

        foreach (var content in contents)
        {
            var (sha256, length) = await StoredBytes.HashAsync(store, MessageIds.For("s", content.Sha256), Ct);
            Assert.Equal((content.Sha256, content.Length), (sha256, length));
            await content.DisposeAsync();
        }
    }

    [Fact]
    public async Task Raw_streams_seek_anywhere_and_read_the_stored_bytes_from_there()
    {
        // MimeKit parses the stored stream with persistent content (issue 21): it reads a part again by seeking back to it.
        var store = await NewStoreAsync();
        var random = new Random(21);
        // Small (one call), several chunk rows, and beyond MongoDB's inline limit (GridFS).
        var sizes = new[] { 10_000, (3 * MessageContent.MemoryLimit) + 17, (int)(16.5 * 1024 * 1024) };
        var messages = sizes.Select(size =>
        {
            var bytes = new byte[size];
            random.NextBytes(bytes.AsSpan(size / 2));
            bytes.AsSpan(0, size / 2).Fill((byte)'m');
            return bytes;
        }).ToList();
        var contents = new List<MessageContent>();
        foreach (var bytes in messages)
        {
            contents.Add(await MessageContent.CopyFromAsync(new MemoryStream(bytes), Temp.Path, Ct));
        }

        await store.CommitBatchAsync(new MessageBatch("s", contents.Select((c, i) => Incoming(c, MessageHeaderSummary.Empty, "INBOX", 1, i + 1)).ToList(), null), Ct);

        foreach (var (bytes, content) in messages.Zip(contents))
        {
            await using var raw = await store.OpenRawAsync(MessageIds.For("s", content.Sha256), Ct);
            Assert.NotNull(raw);
            Assert.True(raw.CanSeek);
            Assert.Equal(bytes.Length, raw.Length);
            var size = bytes.Length;
            foreach (var (offset, count) in new[] { (size / 3, 5000), (7L, 100), (size - 10L, 10), (size / 2 - 50L, 100), (0L, 64) })
            {
                raw.Position = offset;
                var read = new byte[count];
                await raw.ReadExactlyAsync(read, Ct);
                Assert.True(bytes.AsSpan((int)offset, count).SequenceEqual(read), $"{count} bytes at {offset} of a {size}-byte message");
                Assert.Equal(offset + count, raw.Position);
            }

            raw.Position = size;
            Assert.Equal(0, await raw.ReadAsync(new byte[1], Ct));
            raw.Seek(-20, SeekOrigin.End);
            Assert.Equal(size - 20, raw.Position);
            await content.DisposeAsync();
        }
    }

    [Fact]
    public async Task Replaying_a_batch_changes_nothing()
    {
        var store = await NewStoreAsync();
        var first = await store.CommitBatchAsync(Batch("s", 1, 5), Ct);
        var mark = await LastChangeAsync(store);

        var replay = await store.CommitBatchAsync(Batch("s", 1, 5), Ct);

        Assert.Equal(5, first.Added.Count);
        Assert.Empty(replay.Added);
        Assert.Empty(replay.Relocated);
        Assert.Equal(0, replay.BytesAdded);
        Assert.Equal(5, await store.CountMessagesAsync("s", Ct));
        Assert.Empty(await ChangedAfterAsync(store, mark));
        var message = await store.FindBySha256Async("s", Sha(Mail(3)), Ct);
        Assert.Equal([new MessageLocation("INBOX", 1, 3)], message!.Locations);
    }

    [Fact]
    public async Task Same_bytes_in_two_folders_are_one_message_with_two_locations()
    {
        var store = await NewStoreAsync();
        var bytes = Mail(1);
        var first = await store.CommitBatchAsync(new MessageBatch("s", [Incoming(bytes, "INBOX", 1, 10)], null), Ct);
        var mark = await LastChangeAsync(store);

        var second = await store.CommitBatchAsync(new MessageBatch("s", [Incoming(bytes, "Archive/2022", 7, 3)], null), Ct);

        var id = MessageIds.For("s", Sha(bytes));
        Assert.Equal([id], first.Added);
        Assert.Empty(second.Added);
        Assert.Equal([id], second.Relocated);
        Assert.Equal(1, await store.CountMessagesAsync("s", Ct));
        var message = await store.GetMessageAsync(id, Ct);
        Assert.Equal(["Archive/2022", "INBOX"], message!.Folders.Order(StringComparer.Ordinal));
        Assert.True(message.ChangeSequence > mark);
        Assert.Equal([id], await ChangedAfterAsync(store, mark));
    }

    [Fact]
    public async Task Same_bytes_in_two_sources_are_two_messages()
    {
        var store = await NewStoreAsync();
        var bytes = Mail(1);
        var a = await store.CommitBatchAsync(new MessageBatch("a", [Incoming(bytes)], null), Ct);
        var b = await store.CommitBatchAsync(new MessageBatch("b", [Incoming(bytes)], null), Ct);

        Assert.Single(a.Added);
        Assert.Single(b.Added);
        Assert.NotEqual(a.Added[0], b.Added[0]);
        Assert.Equal(2, await store.CountMessagesAsync(null, Ct));
        Assert.Equal("a", (await store.GetMessageAsync(a.Added[0], Ct))!.SourceId);
        Assert.Equal(bytes, await StoredBytes.ReadAllAsync(store, b.Added[0], Ct));
    }

    [Fact]
    public async Task A_failing_batch_leaves_neither_its_messages_nor_its_checkpoint()
    {
        var store = await NewStoreAsync();
        await store.SaveFolderStateAsync(Checkpoint("s", "INBOX", 0), Ct);

        // A content spilled to disk whose file vanished: reading it throws after the batch's first messages are written.
        await using var broken = await MessageContent.CopyFromAsync(new MemoryStream(new byte[MessageContent.MemoryLimit + 1]), Temp.Path, Ct);
        Directory.GetFiles(Temp.Path, "msg-*.tmp").ToList().ForEach(File.Delete);
        var batch = Batch("s", 1, 3);
        var failing = batch with { Messages = [.. batch.Messages, Incoming(broken, MessageHeaderSummary.Empty, "INBOX", 1, 4)], Checkpoint = Checkpoint("s", "INBOX", 4) };

        // The store's own failure, reported as one (the sync engine shows it as StorageError, not as the server's fault).
        var failure = await Assert.ThrowsAsync<ArchiveStorageException>(() => store.CommitBatchAsync(failing, Ct));
        Assert.IsAssignableFrom<IOException>(failure.InnerException);

        Assert.Equal(0, await store.CountMessagesAsync("s", Ct));
        Assert.Equal(0, Assert.Single(await store.ListFolderStatesAsync("s", Ct)).Watermark);

        var retry = await store.CommitBatchAsync(Batch("s", 1, 3), Ct);
        Assert.Equal(3, retry.Added.Count);
        Assert.Equal(3, Assert.Single(await store.ListFolderStatesAsync("s", Ct)).Watermark);
        Assert.Equal(Mail(2), await StoredBytes.ReadAllAsync(store, MessageIds.For("s", Sha(Mail(2))), Ct));
    }

    [Fact]
    public async Task Readers_see_whole_batches_while_a_batch_is_written()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "holds a batch open with a named pipe (mkfifo)");
        var store = await NewStoreAsync();
        await store.CommitBatchAsync(Batch("s", 1, 1), Ct);

        // The batch's last message reads from a named pipe: the store has written the messages before it and sits
        // inside its open transaction until this test feeds the pipe. No timing involved.
        var spill = Directory.CreateDirectory(Path.Combine(Temp.Path, "spill")).FullName;
        var bytes = new byte[MessageContent.MemoryLimit * 2];
        new Random(7).NextBytes(bytes);
        await using var blocked = await MessageContent.CopyFromAsync(new MemoryStream(bytes), spill, Ct);
        var pipe = Assert.Single(Directory.GetFiles(spill));
        File.Delete(pipe);
        using (var mkfifo = Process.Start("mkfifo", [pipe]))
        {
            await mkfifo.WaitForExitAsync(Ct);
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var batch = new MessageBatch("s", [Incoming(Mail(2), "INBOX", 1, 2), Incoming(Mail(3), "INBOX", 1, 3), Incoming(blocked, MessageHeaderSummary.Empty, "INBOX", 1, 4)], Checkpoint("s", "INBOX", 4));
        var write = Task.Run(() => store.CommitBatchAsync(batch, Ct), Ct);

        // Opening the pipe's write end returns once the store has opened its read end: the batch is half written.
        await using (var feed = await Task.Run(() => new FileStream(pipe, FileMode.Open, FileAccess.Write), Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct))
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(Mail(1), await StoredBytes.ReadAllAsync(store, MessageIds.For("s", Sha(Mail(1))), Ct));
                Assert.Equal(1, await store.CountMessagesAsync("s", Ct));
                Assert.Null(await store.FindBySha256Async("s", Sha(Mail(2)), Ct));
                Assert.Equal(1, Assert.Single(await store.ListFolderStatesAsync("s", Ct)).Watermark);
                Assert.Single((await store.ListMessagesAsync("s", 1, 10, Ct)).Items);
            }

            Assert.False(write.IsCompleted);
            await feed.WriteAsync(bytes, Ct);
        }

        var result = await write.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        Assert.Equal(3, result.Added.Count);
        Assert.Equal(4, await store.CountMessagesAsync("s", Ct));
        Assert.Equal(4, Assert.Single(await store.ListFolderStatesAsync("s", Ct)).Watermark);
        Assert.Equal((blocked.Sha256, blocked.Length), await StoredBytes.HashAsync(store, MessageIds.For("s", blocked.Sha256), Ct));
    }

    [Fact]
    public async Task Sources_are_created_read_updated_and_deleted()
    {
        var store = await NewStoreAsync();
        var source = NewSource("src1");
        await store.CreateSourceAsync(source, Ct);
        await store.CreateSourceAsync(NewSource("src2") with { CreatedAt = source.CreatedAt.AddMinutes(1) }, Ct);

        var read = await store.GetSourceAsync("src1", Ct);
        Assert.Equal(source.Settings with { IncludeFolders = [], ExcludeFolders = [] }, read!.Settings with { IncludeFolders = [], ExcludeFolders = [] });
        Assert.Equal(["INBOX", "Archive/*"], read.Settings.IncludeFolders);
        Assert.Equal(source.EncryptedPassword, read.EncryptedPassword);
        Assert.Equal(SourceStatus.Importing, read.Status);
        Assert.Equal(source.CreatedAt, read.CreatedAt);
        Assert.Equal(["src1", "src2"], (await store.ListSourcesAsync(Ct)).Select(s => s.Id));

        await store.UpdateSourceSettingsAsync("src1", source.Settings with { Host = "imap.other.example" }, [9, 9], Ct);
        var error = new SourceError("AuthenticationFailed", "The server refused the password.", "Check it.", "NO [AUTHENTICATIONFAILED] nope", Time.GetUtcNow(), 3, null);
        await store.UpdateSourceStatusAsync("src1", SourceStatus.Error, error, importCompleted: true, Ct);
        await store.UpdateSourceStatusAsync("src1", SourceStatus.Error, error, importCompleted: null, Ct);
        var progress = new SyncProgress(10, 20, 3000, 1, 4);
        await store.UpdateSourceProgressAsync("src1", progress, Time.GetUtcNow(), Ct);
        await store.UpdateSourceProgressAsync("src1", progress, null, Ct);

        read = await store.GetSourceAsync("src1", Ct);
        Assert.Equal("imap.other.example", read!.Settings.Host);
        Assert.Equal([9, 9], read.EncryptedPassword);
        Assert.Equal(SourceStatus.Error, read.Status);
        Assert.Equal(error, read.Error);
        Assert.True(read.ImportCompleted);
        Assert.Equal(progress, read.Progress);
        Assert.Equal(Time.GetUtcNow(), read.LastSyncAt);

        await store.UpdateSourceStatusAsync("src1", SourceStatus.Active, null, null, Ct);
        Assert.Null((await store.GetSourceAsync("src1", Ct))!.Error);

        await store.DeleteSourceAsync("src1", purgeMessages: false, Ct);
        Assert.Null(await store.GetSourceAsync("src1", Ct));
        Assert.Equal(["src2"], (await store.ListSourcesAsync(Ct)).Select(s => s.Id));
    }

    [Fact]
    public async Task Events_list_most_recent_first_up_to_the_limit()
    {
        var store = await NewStoreAsync();
        for (var i = 0; i < 5; i++)
        {
            await store.AppendEventAsync(new SourceEvent("s", Time.GetUtcNow().AddSeconds(i), "StateChanged", $"event {i}"), Ct);
        }

        await store.AppendEventAsync(new SourceEvent("other", Time.GetUtcNow(), "Error", "not mine"), Ct);

        var events = await store.ListEventsAsync("s", 3, Ct);
        Assert.Equal(["event 4", "event 3", "event 2"], events.Select(e => e.Message));
        Assert.Equal(Time.GetUtcNow().AddSeconds(4), events[0].At);
        Assert.Equal("StateChanged", events[0].Kind);
    }

    [Fact]
    public async Task Folder_states_round_trip_with_their_retry_lists()
    {
        var store = await NewStoreAsync();
        var state = Checkpoint("s", "Projekte/Übersicht", 42, 77) with
        {
            HighestModSeq = ulong.MaxValue - 1,
            MessagesOnServer = 50,
            RetryList = [new Folders.RetryEntry(12, 2, "BAD fetch")],
            ImportDone = true,
            GoneAt = Time.GetUtcNow(),
        };
        await store.SaveFolderStateAsync(state, Ct);
        await store.SaveFolderStateAsync(Checkpoint("s", "INBOX", 1), Ct);

        var states = await store.ListFolderStatesAsync("s", Ct);
        var read = Assert.Single(states, s => s.Folder == "Projekte/Übersicht");
        Assert.Equal(state with { RetryList = read.RetryList }, read);
        Assert.Equal(state.RetryList, read.RetryList);

        await store.SaveFolderStateAsync(state with { Watermark = 43, RetryList = [] }, Ct);
        read = Assert.Single(await store.ListFolderStatesAsync("s", Ct), s => s.Folder == "Projekte/Übersicht");
        Assert.Equal(43, read.Watermark);
        Assert.Empty(read.RetryList);
    }

    [Fact]
    public async Task Messages_list_newest_first_in_pages()
    {
        var store = await NewStoreAsync();
        var start = new DateTimeOffset(2023, 3, 1, 0, 0, 0, TimeSpan.Zero);
        // Written out of date order, so the listing has to sort.
        var order = new[] { 3, 0, 4, 1, 2 };
        await store.CommitBatchAsync(new MessageBatch("s", order.Select(n => Incoming(Mail(n, start.AddDays(n)), "INBOX", 1, n + 1)).ToList(), null), Ct);
        await store.CommitBatchAsync(new MessageBatch("other", [Incoming(Mail(9))], null), Ct);

        var page1 = await store.ListMessagesAsync("s", 1, 2, Ct);
        var page3 = await store.ListMessagesAsync("s", 3, 2, Ct);

        Assert.Equal(5, page1.Total);
        Assert.Equal(["Message 4", "Message 3"], page1.Items.Select(m => m.Headers.Subject));
        Assert.Equal(["Message 0"], page3.Items.Select(m => m.Headers.Subject));
        Assert.Equal(start.AddDays(4), page1.Items[0].Headers.Date);
        Assert.Equal(Time.GetUtcNow(), page1.Items[0].FirstSeen);
        Assert.Empty((await store.ListMessagesAsync("s", 4, 2, Ct)).Items);
    }

    [Fact]
    public async Task A_page_far_beyond_the_end_is_empty_and_keeps_the_total()
    {
        var store = await NewStoreAsync();
        await store.CommitBatchAsync(new MessageBatch("s", [Incoming(Mail(1))], null), Ct);

        // (page - 1) * pageSize does not fit in an int here.
        var page = await store.ListMessagesAsync("s", int.MaxValue, 200, Ct);

        Assert.Equal(1, page.Total);
        Assert.Equal(int.MaxValue, page.PageNumber);
        Assert.Empty(page.Items);
    }

    [Fact]
    public async Task The_change_sequence_lists_what_changed_after_a_checkpoint_in_commit_order()
    {
        var store = await NewStoreAsync();
        var result = await store.CommitBatchAsync(Batch("s", 1, 4), Ct);
        var other = await store.CommitBatchAsync(Batch("t", 1, 2), Ct);

        var all = await store.ListChangesAsync(0, 100, Ct);
        Assert.Equal([.. result.Added, .. other.Added], all.Select(m => m.Id));
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.ChangeSequence < p.Second.ChangeSequence), "change numbers are unique and grow in commit order");
        Assert.Equal([result.Added[2]], (await store.ListChangesAsync(all[1].ChangeSequence, 1, Ct)).Select(m => m.Id));
        var counts = await store.CountChangesBySourceAsync(all[2].ChangeSequence, Ct);
        Assert.Equal(1, counts["s"]);
        Assert.Equal(2, counts["t"]);

        // A message marked changed (found missing from an index) comes after everything before it, once.
        var last = all[^1].ChangeSequence;
        Assert.Empty(await store.CountChangesBySourceAsync(last, Ct));
        await store.MarkChangedAsync([result.Added[0], result.Added[0]], Ct);
        Assert.Equal([result.Added[0]], await ChangedAfterAsync(store, last));
        Assert.Equal(1, (await store.CountChangesBySourceAsync(last, Ct))["s"]);
        Assert.Equal(6, (await store.ListChangesAsync(0, 100, Ct)).Count);
    }

    [Fact]
    public async Task The_change_sequence_survives_a_reopen()
    {
        var store = await NewStoreAsync();
        await store.CommitBatchAsync(Batch("s", 1, 3), Ct);
        var last = await LastChangeAsync(store);

        var reopened = Track(OpenAgain(store));
        await reopened.InitializeAsync(Ct);
        await reopened.CommitBatchAsync(Batch("s", 4, 1), Ct);

        var after = await reopened.ListChangesAsync(last, 10, Ct);
        Assert.Equal([MessageIds.For("s", Sha(Mail(4)))], after.Select(m => m.Id));
        Assert.True(after[0].ChangeSequence > last);
    }

    [Fact]
    public async Task A_message_deleted_on_the_server_stays_and_is_marked_once_every_location_is_gone()
    {
        var store = await NewStoreAsync();
        var bytes = Mail(1);
        await store.CommitBatchAsync(new MessageBatch("s", [Incoming(bytes, "INBOX", 1, 5), Incoming(bytes, "Sent", 2, 8)], null), Ct);
        var id = MessageIds.For("s", Sha(bytes));
        var mark = await LastChangeAsync(store);
        var at = Time.GetUtcNow();

        Assert.Equal([id], await store.MarkDeletedOnServerAsync("s", "INBOX", 1, [5], at, Ct));
        var message = await store.GetMessageAsync(id, Ct);
        Assert.Null(message!.DeletedOnServerAt);
        Assert.Equal(["Sent"], message.Folders);
        Assert.Equal([id], await ChangedAfterAsync(store, mark));

        // UID 9 was never archived; a location already gone is not marked (nor its message reindexed) twice.
        mark = await LastChangeAsync(store);
        Assert.Equal([id], await store.MarkDeletedOnServerAsync("s", "Sent", 2, [8, 9], at, Ct));
        mark = await LastChangeAsync(store);
        Assert.Empty(await store.MarkDeletedOnServerAsync("s", "Sent", 2, [8], at.AddHours(1), Ct));
        Assert.Empty(await ChangedAfterAsync(store, mark));
        message = await store.GetMessageAsync(id, Ct);
        Assert.Equal(at, message!.DeletedOnServerAt);
        Assert.Equal(bytes, await StoredBytes.ReadAllAsync(store, id, Ct));
        Assert.Equal(2, message.Locations.Count);
    }

    [Fact]
    public async Task Remapping_moves_locations_to_the_new_uidvalidity_without_duplicating()
    {
        var store = await NewStoreAsync();
        await store.CommitBatchAsync(Batch("s", 1, 3), Ct);

        await store.RemapLocationsAsync("s", "INBOX", [(Sha(Mail(1)), new MessageLocation("INBOX", 9, 101)), (Sha(Mail(2)), new MessageLocation("INBOX", 9, 102))], Ct);

        var inFolder = await ToListAsync(store.ListMessagesInFolderAsync("s", "INBOX", Ct));
        Assert.Equal(3, inFolder.Count);
        Assert.Equal([new MessageLocation("INBOX", 9, 101)], inFolder.Single(m => m.Sha256 == Sha(Mail(1))).Locations);
        Assert.Equal([new MessageLocation("INBOX", 1, 3)], inFolder.Single(m => m.Sha256 == Sha(Mail(3))).Locations);

        // The same bytes fetched again under the new UIDVALIDITY are already there.
        var refetch = await store.CommitBatchAsync(new MessageBatch("s", [Incoming(Mail(2), "INBOX", 9, 102)], null), Ct);
        Assert.Empty(refetch.Added);
        Assert.Empty(refetch.Relocated);
        Assert.Equal(3, await store.CountMessagesAsync("s", Ct));
    }

    [Fact]
    public async Task Flags_are_updated_by_location()
    {
        var store = await NewStoreAsync();
        await store.CommitBatchAsync(new MessageBatch("s", [Incoming(Mail(1), "INBOX", 1, 1, ["\\Seen"])], null), Ct);
        var id = MessageIds.For("s", Sha(Mail(1)));
        Assert.Equal(["\\Seen"], (await store.GetMessageAsync(id, Ct))!.Flags);

        await store.UpdateFlagsAsync("s", "INBOX", 1, [(1, ["\\Seen", "\\Flagged"])], Ct);

        Assert.Equal(["\\Seen", "\\Flagged"], (await store.GetMessageAsync(id, Ct))!.Flags);
    }

    [Fact]
    public async Task A_real_flag_change_marks_the_message_for_the_indexer_and_returns_its_id()
    {
        var store = await NewStoreAsync();
        await store.CommitBatchAsync(new MessageBatch("s", [Incoming(Mail(1), "INBOX", 1, 1, ["\\Seen"]), Incoming(Mail(2), "INBOX", 1, 2)], null), Ct);
        var (first, second) = (MessageIds.For("s", Sha(Mail(1))), MessageIds.For("s", Sha(Mail(2))));
        var mark = await LastChangeAsync(store);

        // UID 1 unchanged, UID 2 flagged, UID 3 unknown: only UID 2's message is stale.
        var changed = await store.UpdateFlagsAsync("s", "INBOX", 1, [(1, ["\\Seen"]), (2, ["\\Flagged"]), (3, ["\\Seen"])], Ct);
        Assert.Equal([second], changed);
        Assert.Equal([second], await ChangedAfterAsync(store, mark));
        Assert.True((await store.GetMessageAsync(first, Ct))!.ChangeSequence <= mark);

        // Back to no flags at all: a change too; the same flags again: none.
        mark = await LastChangeAsync(store);
        Assert.Equal([second], await store.UpdateFlagsAsync("s", "INBOX", 1, [(2, [])], Ct));
        Assert.Empty((await store.GetMessageAsync(second, Ct))!.Flags);
        mark = await LastChangeAsync(store);
        Assert.Empty(await store.UpdateFlagsAsync("s", "INBOX", 1, [(2, [])], Ct));
        Assert.Empty(await ChangedAfterAsync(store, mark));
    }

    [Fact]
    public async Task Deleting_a_source_keeps_its_messages_unless_purged()
    {
        var store = await NewStoreAsync();
        foreach (var id in new[] { "keep", "purge" })
        {
            await store.CreateSourceAsync(NewSource(id), Ct);
            await store.CommitBatchAsync(Batch(id, 1, 3), Ct);
            await store.AppendEventAsync(new SourceEvent(id, Time.GetUtcNow(), "ImportFinished", "done"), Ct);
        }

        await store.DeleteSourceAsync("keep", purgeMessages: false, Ct);
        await store.DeleteSourceAsync("purge", purgeMessages: true, Ct);

        Assert.Empty(await store.ListSourcesAsync(Ct));
        Assert.Empty(await store.ListFolderStatesAsync("keep", Ct));
        Assert.Empty(await store.ListEventsAsync("keep", 10, Ct));
        Assert.Equal(3, await store.CountMessagesAsync("keep", Ct));
        Assert.Equal(Mail(1), await StoredBytes.ReadAllAsync(store, MessageIds.For("keep", Sha(Mail(1))), Ct));
        Assert.Equal(0, await store.CountMessagesAsync("purge", Ct));
        Assert.Null(await store.OpenRawAsync(MessageIds.For("purge", Sha(Mail(1))), Ct));
        Assert.Null(await store.GetMessageAsync(MessageIds.For("purge", Sha(Mail(1))), Ct));
    }

    [Fact]
    public async Task Unknown_ids_are_null()
    {
        var store = await NewStoreAsync();
        Assert.Null(await store.GetMessageAsync("nope", Ct));
        Assert.Null(await store.OpenRawAsync("nope", Ct));
        Assert.Null(await store.GetSourceAsync("nope", Ct));
        Assert.Null(await store.FindBySha256Async("s", Sha(Mail(1)), Ct));
    }

    [Fact]
    public async Task A_new_archive_is_created_at_the_latest_schema_version()
    {
        var store = await NewStoreAsync();

        Assert.True(LatestSchemaVersion >= 1);
        Assert.Equal(LatestSchemaVersion, await ReadSchemaVersionAsync(store));

        // Opening it again runs nothing and changes no version.
        var again = Track(OpenAgain(store));
        await again.InitializeAsync(Ct);
        Assert.Equal(LatestSchemaVersion, await ReadSchemaVersionAsync(again));
    }

    [Fact]
    public async Task An_archive_written_before_schema_versions_is_stamped_version_1_and_keeps_everything()
    {
        var store = await NewStoreAsync();
        await store.CreateSourceAsync(NewSource("old"), Ct);
        await store.CommitBatchAsync(Batch("old", 1, 3), Ct);
        await WriteSchemaVersionAsync(store, 0);

        var again = Track(OpenAgain(store));
        await again.InitializeAsync(Ct);

        Assert.Equal(LatestSchemaVersion, await ReadSchemaVersionAsync(again));
        Assert.Equal(NewSource("old").Settings.Name, (await again.GetSourceAsync("old", Ct))!.Settings.Name);
        Assert.Equal(3, await again.CountMessagesAsync("old", Ct));
        Assert.Equal(Mail(2), await StoredBytes.ReadAllAsync(again, MessageIds.For("old", Sha(Mail(2))), Ct));
        Assert.Equal(3, Assert.Single(await again.ListFolderStatesAsync("old", Ct)).Watermark);
    }

    [Fact]
    public async Task An_archive_from_a_newer_Vault_is_refused_with_a_clear_message_and_left_as_it_was()
    {
        var store = await NewStoreAsync();
        await store.CommitBatchAsync(Batch("s", 1, 3), Ct);
        var newer = LatestSchemaVersion + 6;
        await WriteSchemaVersionAsync(store, newer);

        var again = Track(OpenAgain(store));
        var refused = await Assert.ThrowsAsync<ArchiveSchemaTooNewException>(() => again.InitializeAsync(Ct));

        Assert.Equal(newer, refused.SchemaVersion);
        Assert.Equal(LatestSchemaVersion, refused.KnownVersion);
        Assert.Contains($"was written by a newer Vault (schema {newer}); this Vault knows schema {LatestSchemaVersion}. Upgrade Vault or restore a backup.", refused.Message, StringComparison.Ordinal);
        Assert.StartsWith($"The archive at {refused.Archive} ", refused.Message, StringComparison.Ordinal);
        Assert.Equal(newer, await ReadSchemaVersionAsync(store));
        Assert.Equal(3, await store.CountMessagesAsync("s", Ct));

        // Every later start refuses the same way: nothing was half-upgraded by the first attempt.
        await Assert.ThrowsAsync<ArchiveSchemaTooNewException>(() => Track(OpenAgain(store)).InitializeAsync(Ct));
    }

    protected IArchiveStore Track(IArchiveStore store)
    {
        _stores.Add(store);
        return store;
    }

    protected Source NewSource(string id) => new()
    {
        Id = id,
        Settings = new SourceSettings
        {
            Name = $"Mailbox {id}",
            Host = "imap.example.com",
            Username = "user@example.com",
            TlsMode = TlsMode.StartTls,
            Port = 143,
            IncludeFolders = ["INBOX", "Archive/*"],
            SyncMode = SyncMode.Poll,
            PollInterval = TimeSpan.FromSeconds(90),
        },
        EncryptedPassword = [1, 2, 3, 4],
        CreatedAt = Time.GetUtcNow(),
    };

    protected static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The highest change number so far (0 for an empty archive).</summary>
    protected static async Task<long> LastChangeAsync(IArchiveStore store)
    {
        long last = 0;
        IReadOnlyList<ArchivedMessage> page;
        while ((page = await store.ListChangesAsync(last, 1000, Ct)).Count > 0)
        {
            last = page[^1].ChangeSequence;
        }

        return last;
    }

    /// <summary>The ids of the messages changed after <paramref name="sequence"/>, in change order.</summary>
    protected static async Task<List<string>> ChangedAfterAsync(IArchiveStore store, long sequence) =>
        (await store.ListChangesAsync(sequence, 1000, Ct)).Select(m => m.Id).ToList();

    protected static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
