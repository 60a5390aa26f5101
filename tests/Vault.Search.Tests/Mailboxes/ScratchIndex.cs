using System.Text;
using Microsoft.Extensions.Time.Testing;
using Vault.Archive.Messages;
using Vault.Search.Attachments;
using Vault.Search.Indexing;
using Vault.Search.Searching;
using Vault.TestSupport;

namespace Vault.Search.Tests.Mailboxes;

/// <summary>A fresh index in a temp folder for one test, fed with raw messages.</summary>
internal sealed class ScratchIndex : IDisposable
{
    public const string SourceId = "src-test";

    private readonly TempDirectory _data = new("vault-search");
    private readonly Dictionary<string, byte[]> _raw = new(StringComparer.Ordinal);
    private long _uid;

    /// <summary>With <paramref name="attachmentText"/> null, the host's default reader (attachment text on).</summary>
    public ScratchIndex(AttachmentTextExtraction? attachmentText = null)
    {
        AttachmentText = attachmentText ?? FileIndexing.AttachmentText;
        Index = new SearchIndex(IndexPath);
        Search = new SearchService(Index, Clock, (id, _) => Task.FromResult<Stream?>(_raw.TryGetValue(id, out var bytes) ? new MemoryStream(bytes) : null), AttachmentText);
    }

    public AttachmentTextExtraction AttachmentText { get; }

    public string IndexPath => Path.Combine(_data.Path, "index");

    /// <summary>The search's clock (for newer_than: and older_than:), at <see cref="Now"/> until a test moves it.</summary>
    public FakeTimeProvider Clock { get; } = new(Now);

    public static DateTimeOffset Now { get; } = new(2026, 3, 15, 12, 0, 0, TimeSpan.Zero);

    public SearchIndex Index { get; private set; }

    public SearchService Search { get; private set; }

    public string Add(string rawMessage, string folder = "INBOX") => Add(Encoding.UTF8.GetBytes(rawMessage.ReplaceLineEndings("\r\n")), folder);

    /// <summary>Adds a message with archive metadata changed by <paramref name="adjust"/> (its flags, its deletion on the server).</summary>
    public string Add(string rawMessage, Func<ArchivedMessage, ArchivedMessage> adjust, string folder = "INBOX") =>
        Add(Encoding.UTF8.GetBytes(rawMessage.ReplaceLineEndings("\r\n")), folder, adjust);

    public string Add(byte[] raw, string folder = "INBOX", Func<ArchivedMessage, ArchivedMessage>? adjust = null)
    {
        var metadata = FileIndexing.Metadata(raw, SourceId, folder, ++_uid);
        metadata = adjust is null ? metadata : adjust(metadata);
        var document = FileIndexing.Build(raw, metadata, AttachmentText);
        var id = metadata.Id;
        _raw[id] = raw;
        Index.Upsert(document);
        return id;
    }

    public async Task<SearchResults> QueryAsync(string query, int pageSize = 20) =>
        await Search.SearchAsync(query, 1, pageSize, SearchSort.Date, TestContext.Current.CancellationToken);

    public async Task<IReadOnlyList<string>> IdsAsync(string query) => (await QueryAsync(query, 200)).Hits.Select(h => h.Id).ToList();

    public void Dispose()
    {
        Index.Dispose();
        _data.Dispose();
    }
}
