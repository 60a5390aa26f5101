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
