using System.Diagnostics;
using Vault.Search.Indexing;
using Vault.Search.Searching;
using Vault.Search.Tests.Mailboxes;
using Vault.TestSupport;

namespace Vault.Search.Tests.Searching;

/// <summary>The 2,000-message generated mailbox (seed 7) indexed once for a test class, with what indexing it took.</summary>
public sealed class GeneratedMailboxIndex : IAsyncLifetime
{
    public const string SourceId = "src-gen";

    private readonly TempDirectory _data = new("vault-search");

    public GeneratedMailbox Mailbox { get; private set; } = null!;

    public SearchIndex Index { get; private set; } = null!;

    public SearchService Search { get; private set; } = null!;

    public string IndexPath => Path.Combine(_data.Path, "index");

    public TimeSpan IndexingTime { get; private set; }

    public long RawBytes { get; private set; }

    public int MessageCount { get; private set; }

    public async ValueTask InitializeAsync()
    {
        Mailbox = await GeneratedMailbox.RequireAsync(2000, 7, CancellationToken.None);
        var files = Mailbox.Messages();
        MessageCount = files.Count;
        Index = new SearchIndex(IndexPath);
        var paths = files.Select((f, i) => (f.Path, Id: Vault.Search.Tests.Mailboxes.FileIndexing.Metadata(File.ReadAllBytes(f.Path), SourceId, f.Folder, i + 1).Id))
            .ToDictionary(x => x.Id, x => x.Path);
        Search = new SearchService(Index, TimeProvider.System, (id, _) => Task.FromResult<Stream?>(paths.TryGetValue(id, out var path) ? File.OpenRead(path) : null));
        var clock = Stopwatch.StartNew();
        RawBytes = await FileIndexing.IndexAsync(Index, files, SourceId, CancellationToken.None);
        IndexingTime = clock.Elapsed;
    }

    public long IndexBytesOnDisk() => new DirectoryInfo(IndexPath).EnumerateFiles().Sum(f => f.Length);

    public ValueTask DisposeAsync()
    {
        Index?.Dispose();
        _data.Dispose();
        return ValueTask.CompletedTask;
    }
}
