using Vault.Archive.Embedded;

namespace Vault.Archive.Tests;

public sealed class EmbeddedArchiveStoreTests : ArchiveStoreContractTests
{
    protected override async Task<IArchiveStore> CreateStoreAsync()
    {
        var store = new EmbeddedArchiveStore(Path.Combine(Temp.Path, $"data-{Guid.NewGuid():N}"), Time);
        await store.InitializeAsync(Ct);
        return store;
    }

    protected override int LatestSchemaVersion => EmbeddedArchiveStore.SchemaVersion;

    protected override Task<int> ReadSchemaVersionAsync(IArchiveStore store) => EmbeddedDatabase.UserVersionAsync(Database(store), Ct);

    protected override Task WriteSchemaVersionAsync(IArchiveStore store, int version) => EmbeddedDatabase.SetUserVersionAsync(Database(store), version, Ct);

    protected override IArchiveStore OpenAgain(IArchiveStore store) => new EmbeddedArchiveStore(Path.GetDirectoryName(Database(store))!, Time);

    private static string Database(IArchiveStore store) => ((EmbeddedArchiveStore)store).DatabasePath;

    /// <summary>The database and its write-ahead log (up to journal_size_limit while the store is open).</summary>
    protected override long? OnDiskBytes() =>
        Directory.EnumerateFiles(Temp.Path, "archive.db*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    [Fact]
    public async Task Messages_read_back_one_after_another_in_pooled_buffers_each_have_their_own_bytes()
    {
        await using var store = (EmbeddedArchiveStore)await CreateStoreAsync();
        await store.CommitBatchAsync(TestMessages.Batch("s", 1, 20), Ct);
        var expected = Enumerable.Range(1, 20).Select(n => TestMessages.Mail(n)).ToList();
        // Open all at once, then read them: a buffer handed out twice would show another message's bytes.
        var streams = new List<Stream>();
        foreach (var bytes in expected)
        {
            streams.Add((await store.OpenRawAsync(Messages.MessageIds.For("s", Sha(bytes)), Ct))!);
        }

        for (var i = 0; i < streams.Count; i++)
        {
            using var copy = new MemoryStream();
            await streams[i].CopyToAsync(copy, Ct);
            Assert.Equal(expected[i], copy.ToArray());
            await streams[i].DisposeAsync();
        }

        // Disposing twice returns the buffer once: later renters never share an array.
        var raw = (await store.OpenRawAsync(Messages.MessageIds.For("s", Sha(expected[0])), Ct))!;
        await raw.DisposeAsync();
        await raw.DisposeAsync();
        var rented = Enumerable.Range(0, 3).Select(_ => System.Buffers.ArrayPool<byte>.Shared.Rent(expected[0].Length)).ToList();
        Assert.Equal(3, rented.Distinct().Count());
        Assert.Throws<ObjectDisposedException>(() => streams[0].ReadByte());
    }

    [Fact]
    public async Task A_small_message_reads_back_from_several_rows_and_one_without_rows_is_an_error()
    {
        await using var store = (EmbeddedArchiveStore)await CreateStoreAsync();
        await store.CommitBatchAsync(TestMessages.Batch("s", 1, 2), Ct);
        var (split, gone) = (TestMessages.Mail(1), TestMessages.Mail(2));
        var (splitId, goneId) = (Messages.MessageIds.For("s", Sha(split)), Messages.MessageIds.For("s", Sha(gone)));

        // The store writes a small message as one row; the reader joins rows in order, so cut the first one in two.
        const string Row = "(SELECT rowid FROM messages WHERE id = '{0}')";
        await EmbeddedDatabase.ScalarAsync(Database(store), string.Format(System.Globalization.CultureInfo.InvariantCulture,
            "INSERT INTO blob_chunks (message_rowid, seq, data) SELECT message_rowid, 1, substr(data, 11) FROM blob_chunks WHERE message_rowid = " + Row + ";" +
            "UPDATE blob_chunks SET data = substr(data, 1, 10) WHERE message_rowid = " + Row + " AND seq = 0;" +
            "DELETE FROM blob_chunks WHERE message_rowid = (SELECT rowid FROM messages WHERE id = '{1}');", splitId, goneId), Ct);
        Assert.Equal(2L, await EmbeddedDatabase.ScalarAsync(Database(store), $"SELECT count(*) FROM blob_chunks WHERE message_rowid = {string.Format(System.Globalization.CultureInfo.InvariantCulture, Row, splitId)}", Ct));

        await using (var raw = (await store.OpenRawAsync(splitId, Ct))!)
        using (var copy = new MemoryStream())
        {
            await raw.CopyToAsync(copy, Ct);
            Assert.Equal(split, copy.ToArray());
        }

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => store.OpenRawAsync(goneId, Ct));
        Assert.Contains("no stored bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_archive_has_8_KB_pages_and_reads_back_what_it_stored()
    {
        await using var store = (EmbeddedArchiveStore)await CreateStoreAsync();
        await store.CommitBatchAsync(TestMessages.Batch("s", 1, 3), Ct);

        Assert.Equal(8192L, await EmbeddedDatabase.ScalarAsync(Database(store), "PRAGMA page_size", Ct));
        foreach (var n in Enumerable.Range(1, 3))
        {
            var bytes = TestMessages.Mail(n);
            Assert.Equal(bytes, await StoredBytes.ReadAllAsync(store, Messages.MessageIds.For("s", Sha(bytes)), Ct));
        }
    }

    [Fact]
    public async Task A_progress_write_leaves_every_other_write_durable()
    {
        await using var store = (EmbeddedArchiveStore)await CreateStoreAsync();
        await store.CreateSourceAsync(NewSource("src1"), Ct);
        const long Full = 2;
        Assert.Equal(Full, await store.WriterSynchronousAsync(Ct));

        // Progress commits without an fsync of its own; the writer is back to synchronous=FULL before anything else writes.
        var progress = new Sources.SyncProgress(10, 20, 3000, 1, 4);
        await store.UpdateSourceProgressAsync("src1", progress, Time.GetUtcNow(), Ct);
        Assert.Equal(Full, await store.WriterSynchronousAsync(Ct));
        Assert.Equal(progress, (await store.GetSourceAsync("src1", Ct))!.Progress);

        // Also when the write fails.
        using (var cancelled = new CancellationTokenSource())
        {
            await cancelled.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.UpdateSourceProgressAsync("src1", progress, null, cancelled.Token));
        }

        Assert.Equal(Full, await store.WriterSynchronousAsync(Ct));
        await store.CommitBatchAsync(TestMessages.Batch("s", 1, 2), Ct);
        Assert.Equal(Full, await store.WriterSynchronousAsync(Ct));
    }

    [Fact]
    public async Task Reopening_the_store_finds_what_was_committed()
    {
        var dataDirectory = Path.Combine(Temp.Path, "reopen");
        await using (var first = new EmbeddedArchiveStore(dataDirectory, Time))
        {
            await first.InitializeAsync(Ct);
            await first.CommitBatchAsync(TestMessages.Batch("s", 1, 3), Ct);
            Assert.Equal(3, await first.CountMessagesAsync("s", Ct));
        }

        // Closing checkpoints the write-ahead log into the database and removes it.
        Assert.False(File.Exists(Path.Combine(dataDirectory, "archive.db-wal")));

        await using var second = new EmbeddedArchiveStore(dataDirectory, Time);
        await second.InitializeAsync(Ct);
        Assert.Equal(3, await second.CountMessagesAsync("s", Ct));
        Assert.Equal(3, Assert.Single(await second.ListFolderStatesAsync("s", Ct)).Watermark);
    }
}
