using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Vault.Search.Analysis;
using Vault.Search.Documents;

namespace Vault.Search.Indexing;

/// <summary>
/// The Lucene index under <c>{DataDirectory}/index</c>: one writer (thread-safe, documents are added from
/// several threads), a <see cref="SearcherManager"/> refreshed on every commit so a batch is searchable
/// as soon as <see cref="CommitAsync"/> returns.
/// </summary>
public sealed class SearchIndex : IDisposable
{
    private readonly FSDirectory _directory;
    private readonly IndexWriter _writer;
    private readonly SearcherManager _searchers;
    private readonly SemaphoreSlim _commitLock = new(1, 1);

    public SearchIndex(string path)
    {
        System.IO.Directory.CreateDirectory(path);
        Path = path;
        Analyzer = new MailAnalyzer();
        _directory = FSDirectory.Open(path);
        var config = new IndexWriterConfig(MailAnalyzer.Version, Analyzer)
        {
            OpenMode = OpenMode.CREATE_OR_APPEND,
            // Bigger segments flush less often during a bulk import; 48 MB keeps the peak RSS target in reach.
            RAMBufferSizeMB = 48,
        };
        _writer = new IndexWriter(_directory, config);
        _searchers = new SearcherManager(_writer, applyAllDeletes: true, searcherFactory: null);
    }

    public string Path { get; }

    public MailAnalyzer Analyzer { get; }

    /// <summary>Adds the document or replaces the one with the same id (a relocated message gets its new folders).</summary>
    public void Upsert(Document document)
    {
        ArgumentNullException.ThrowIfNull(document);
        _writer.UpdateDocument(new Term(SearchFields.Id, document.Get(SearchFields.Id, System.Globalization.CultureInfo.InvariantCulture)), document);
    }

    public void Delete(string messageId) => _writer.DeleteDocuments(new Term(SearchFields.Id, messageId));

    /// <summary>Drops every document of a source (its archive was purged); visible after the next commit.</summary>
    public void DeleteSource(string sourceId) => _writer.DeleteDocuments(new Term(SearchFields.Source, sourceId));

    public void DeleteAll() => _writer.DeleteAll();

    /// <summary>Makes everything added so far durable and visible to searches that start after this returns.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await _commitLock.WaitAsync(cancellationToken);
        try
        {
            // Commit fsyncs the segment files; it is blocking I/O, kept off the caller's thread.
            await Task.Run(() =>
            {
                _writer.Commit();
                _searchers.MaybeRefreshBlocking();
            }, CancellationToken.None);
        }
        finally
        {
            _commitLock.Release();
        }
    }

    /// <summary>Runs <paramref name="search"/> on the current searcher and releases it afterwards.</summary>
    public T Search<T>(Func<IndexSearcher, T> search)
    {
        ArgumentNullException.ThrowIfNull(search);
        var searcher = _searchers.Acquire();
        try
        {
            return search(searcher);
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    public int DocumentCount => Search(s => s.IndexReader.NumDocs);

    /// <summary>
    /// Throws when the index cannot serve: its folder is gone, or the writer was closed by an I/O failure it could not
    /// survive (Lucene.NET then throws ObjectDisposedException, its AlreadyClosedException, on every use).
    /// </summary>
    public void CheckHealth()
    {
        if (!System.IO.Directory.Exists(Path))
        {
            throw new DirectoryNotFoundException($"The search index folder {Path} is missing.");
        }

        _ = _writer.MaxDoc;
        _ = DocumentCount;
    }

    public void Dispose()
    {
        _searchers.Dispose();
        _writer.Dispose();
        _directory.Dispose();
        Analyzer.Dispose();
        _commitLock.Dispose();
    }
}
