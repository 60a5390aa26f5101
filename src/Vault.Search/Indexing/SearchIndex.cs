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
/// The files are opened on first use, not when the host builds its services: the host's start opens the archive first,
/// so a data directory whose archive is refused (written by a newer Vault) never has its index opened, let alone changed.
/// An index that cannot be read is derived data: it is replaced by an empty one, which IndexingWorker rebuilds from the store.
/// </summary>
public sealed class SearchIndex : IDisposable
{
    private readonly Lazy<(FSDirectory Directory, IndexWriter Writer, SearcherManager Searchers)> _lucene;
    private readonly SemaphoreSlim _commitLock = new(1, 1);
    private Exception? _discardedBecause;

    public SearchIndex(string path)
    {
        Path = path;
        Analyzer = new MailAnalyzer();
        _lucene = new(OpenOrReplace, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Why the index found on disk could not be opened and was replaced by an empty one; null when it opened.</summary>
    public Exception? DiscardedBecause
    {
        get
        {
            _ = _lucene.Value;
            return _discardedBecause;
        }
    }

    public string Path { get; }

    public MailAnalyzer Analyzer { get; }

    private IndexWriter Writer => _lucene.Value.Writer;

    private SearcherManager Searchers => _lucene.Value.Searchers;

    private (FSDirectory, IndexWriter, SearcherManager) OpenOrReplace()
    {
        System.IO.Directory.CreateDirectory(Path);
        try
        {
            return Open(Path, Analyzer);
        }
        catch (IOException e) when (e is not LockObtainFailedException)
        {
            // Corrupt or truncated: CorruptIndexException, IndexFormatTooOld/TooNewException (garbage where a format
            // number should be reads as one), EndOfStreamException, FileNotFoundException for a file the commit names.
            // A held lock is not damage (another Vault has this data directory open) and is thrown.
            _discardedBecause = e;
            foreach (var file in System.IO.Directory.EnumerateFiles(Path))
            {
                File.Delete(file);
            }

            return Open(Path, Analyzer);
        }
    }

    private static (FSDirectory Directory, IndexWriter Writer, SearcherManager Searchers) Open(string path, MailAnalyzer analyzer)
    {
        var directory = FSDirectory.Open(path);
        IndexWriter? writer = null;
        try
        {
            var config = new IndexWriterConfig(MailAnalyzer.Version, analyzer)
            {
                OpenMode = OpenMode.CREATE_OR_APPEND,
                // Bigger segments flush less often during a bulk import; 48 MB keeps the peak RSS target in reach.
                RAMBufferSizeMB = 48,
            };
            writer = new IndexWriter(directory, config);
            // Opening the first searcher reads every segment, so damage past the commit point shows here, not in a search.
            return (directory, writer, new SearcherManager(writer, applyAllDeletes: true, searcherFactory: null));
        }
        catch
        {
            // Rollback closes without committing: nothing is written over an index that failed to open.
            writer?.Rollback();
            directory.Dispose();
            throw;
        }
    }

    /// <summary>Adds the document or replaces the one with the same id (a relocated message gets its new folders).</summary>
    public void Upsert(Document document)
    {
        ArgumentNullException.ThrowIfNull(document);
        Writer.UpdateDocument(new Term(SearchFields.Id, document.Get(SearchFields.Id, System.Globalization.CultureInfo.InvariantCulture)), document);
    }

    public void Delete(string messageId) => Writer.DeleteDocuments(new Term(SearchFields.Id, messageId));

    /// <summary>Drops every document of a source (its archive was purged); visible after the next commit.</summary>
    public void DeleteSource(string sourceId) => Writer.DeleteDocuments(new Term(SearchFields.Source, sourceId));

    public void DeleteAll() => Writer.DeleteAll();

    /// <summary>Makes everything added so far durable and visible to searches that start after this returns.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await _commitLock.WaitAsync(cancellationToken);
        try
        {
            // Commit fsyncs the segment files; it is blocking I/O, kept off the caller's thread.
            await Task.Run(() =>
            {
                Writer.Commit();
                Searchers.MaybeRefreshBlocking();
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
        var searchers = Searchers;
        var searcher = searchers.Acquire();
        try
        {
            return search(searcher);
        }
        finally
        {
            searchers.Release(searcher);
        }
    }

    public int DocumentCount => Search(s => s.IndexReader.NumDocs);

    /// <summary>True when the index has a (live) document for the message.</summary>
    public bool Contains(string messageId) => Search(s => s.Search(new TermQuery(new Term(SearchFields.Id, messageId)), 1).TotalHits > 0);

    /// <summary>How many documents the index has for a source.</summary>
    public int CountSource(string sourceId) =>
        Search(s =>
        {
            var count = new TotalHitCountCollector();
            s.Search(new TermQuery(new Term(SearchFields.Source, sourceId)), count);
            return count.TotalHits;
        });

    /// <summary>The message id of every document of a source (for finding documents whose message is gone).</summary>
    public IReadOnlyList<string> IdsOfSource(string sourceId)
    {
        var fields = new HashSet<string>(StringComparer.Ordinal) { SearchFields.Id };
        return Search(s =>
        {
            var top = s.Search(new TermQuery(new Term(SearchFields.Source, sourceId)), Math.Max(1, s.IndexReader.MaxDoc));
            return top.ScoreDocs.Select(d => s.Doc(d.Doc, fields).Get(SearchFields.Id, System.Globalization.CultureInfo.InvariantCulture)).OfType<string>().ToList();
        });
    }

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

        _ = Writer.MaxDoc;
        _ = DocumentCount;
    }

    public void Dispose()
    {
        if (_lucene.IsValueCreated)
        {
            var (directory, writer, searchers) = _lucene.Value;
            searchers.Dispose();
            writer.Dispose();
            directory.Dispose();
        }

        Analyzer.Dispose();
        _commitLock.Dispose();
    }
}
