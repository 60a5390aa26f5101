using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Vault.Search.Analysis;
using Vault.Search.Documents;

namespace Vault.Search.Indexing;

/// <summary>
/// The Lucene index under <c>{DataDirectory}/index</c>: one writer (thread-safe, documents are added from
/// several threads) and a near-real-time <see cref="SearcherManager"/>: <see cref="Refresh"/> makes what was added
/// searchable without making it durable, <see cref="CommitAsync"/> makes it durable too, with the archive change
/// number it reached in the commit's user data (<see cref="CommittedSequence"/>), where a restart resumes.
/// The files are opened on first use, not when the host builds its services: the host's start opens the archive first,
/// so a data directory whose archive is refused (written by a newer Vault) never has its index opened, let alone changed.
/// An index that cannot be read is derived data: it is replaced by an empty one, which IndexingWorker rebuilds from the store.
/// </summary>
public sealed class SearchIndex : IDisposable
{
    private readonly Lazy<(Lucene.Net.Store.Directory Directory, IndexWriter Writer, SearcherManager Searchers)> _lucene;
    /// <summary>The commit user data key of <see cref="CommittedSequence"/>.</summary>
    private const string SequenceKey = "vault.changeSequence";

    /// <summary>
    /// Index files read with positioned reads, not mapped: stored fields (.fdt, a chunk per hit), positions (.pos, phrases
    /// only), postings (.doc) and the terms dictionary (.tim) are nearly all of the index, and a merge reads every byte of
    /// its input segments. Mapped, those bytes count in Vault's resident memory until the merge ends (at the peaks of the
    /// 100,000-message benchmark, 20-27 MiB of mapped .doc and .tim); read, they stay in the kernel's page cache. A search
    /// reads a block or two of .tim and .doc per word and segment: about 0.25 ms more per search at 100,000 messages
    /// (README, Benchmark). What stays mapped is small or read per hit, such as the doc values every search sorts by.
    /// </summary>
    private static readonly HashSet<string> ReadByCalls = ["fdt", "pos", "doc", "tim"];

    private readonly SemaphoreSlim _commitLock = new(1, 1);
    private readonly IndexAnalyzer _indexAnalyzer = new();
    private Exception? _discardedBecause;
    private long _sequence = -1;

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

    private (Lucene.Net.Store.Directory, IndexWriter, SearcherManager) OpenOrReplace()
    {
        System.IO.Directory.CreateDirectory(Path);
        try
        {
            return Open(Path, _indexAnalyzer, OnMergeEnded);
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

            return Open(Path, _indexAnalyzer, OnMergeEnded);
        }
    }

    private static (Lucene.Net.Store.Directory Directory, IndexWriter Writer, SearcherManager Searchers) Open(string path, IndexAnalyzer analyzer, Action mergeEnded)
    {
        VaultCodec.Register();
        var directory = new FileSwitchDirectory(ReadByCalls, new PositionedReadDirectory(path), new MMapDirectory(path), doClose: true);
        IndexWriter? writer = null;
        try
        {
            var config = new IndexWriterConfig(MailAnalyzer.Version, analyzer)
            {
                OpenMode = OpenMode.CREATE_OR_APPEND,
                Codec = new VaultCodec(),
                // Bigger segments flush less often during a bulk import; 48 MB keeps the peak RSS target in reach.
                RAMBufferSizeMB = 48,
                // Twice Lucene's 10 segments per tier: an import's near-real-time refreshes write many small segments, and
                // merging them less eagerly cut the merge work during the benchmark's import (see README, Benchmark).
                // No compound files, new or merged: a segment's files stay apart, so ReadByCalls can reach its .fdt and .pos.
                MergePolicy = new TieredMergePolicy { SegmentsPerTier = 20, MaxMergeAtOnce = 20, NoCFSRatio = 0 },
                UseCompoundFile = false,
                MergeScheduler = new SignallingMergeScheduler(mergeEnded),
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

    /// <summary>
    /// The archive change number the last durable commit covers (everything up to it is in the index); 0 for an empty,
    /// new, replaced or rebuilt index, and for one written before the change sequence existed, which is rebuilt.
    /// </summary>
    public long CommittedSequence =>
        Writer.CommitData.TryGetValue(SequenceKey, out var value) && long.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var sequence)
            ? sequence
            : 0;

    /// <summary>The archive change number searches see everything up to; starts at <see cref="CommittedSequence"/>.</summary>
    public long Sequence
    {
        get
        {
            var sequence = Interlocked.Read(ref _sequence);
            return sequence >= 0 ? sequence : CommittedSequence;
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

    /// <summary>
    /// Makes everything added so far visible to searches that start after this returns (a near-real-time reopen: no
    /// fsync), and records that they see the archive up to change number <paramref name="sequence"/>.
    /// </summary>
    public void Refresh(long sequence)
    {
        Searchers.MaybeRefreshBlocking();
        long seen;
        while ((seen = Interlocked.Read(ref _sequence)) < sequence && Interlocked.CompareExchange(ref _sequence, sequence, seen) != seen)
        {
        }
    }

    /// <summary>Makes what was added or deleted so far durable and visible, at the change number searches already see.</summary>
    public Task CommitAsync(CancellationToken cancellationToken) => CommitAsync(Sequence, cancellationToken);

    /// <summary>Empties the index, durably, back to change number 0: the indexer then rebuilds it from the whole archive.</summary>
    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        Writer.DeleteAll();
        Interlocked.Exchange(ref _sequence, 0);
        await CommitAsync(0, cancellationToken);
    }

    /// <summary>
    /// Makes everything added so far durable and visible, recording that the index holds the archive up to change number
    /// <paramref name="sequence"/>: where the indexer resumes after a restart or a crash.
    /// </summary>
    public async Task CommitAsync(long sequence, CancellationToken cancellationToken)
    {
        await _commitLock.WaitAsync(cancellationToken);
        try
        {
            // Commit fsyncs the segment files; it is blocking I/O, kept off the caller's thread.
            await Task.Run(() =>
            {
                Writer.SetCommitData(new Dictionary<string, string> { [SequenceKey] = sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                Writer.Commit();
                Refresh(sequence);
            }, CancellationToken.None);
        }
        finally
        {
            _commitLock.Release();
        }
    }

    /// <summary>Blocks until the merges running in the background are done (a measurement that must not count them waits here).</summary>
    public void WaitForMerges() => Writer.WaitForMerges();

    /// <summary>
    /// Raised on a merge thread when a background merge has ended. Until the next commit its inputs stay on disk beside
    /// its output, since the last commit still names them: the indexer commits once more when it is idle.
    /// </summary>
    public event EventHandler? MergeEnded;

    /// <summary>True when the writer holds what the last durable commit lacks: documents, deletions, or a merge that ended since.</summary>
    public bool HasUncommittedChanges => Writer.HasUncommittedChanges();

    /// <summary>Starts merging the whole index into one segment in the background (tests use it to end a merge on cue).</summary>
    internal void MergeInBackground() => Writer.ForceMerge(1, doWait: false);

    private void OnMergeEnded() => MergeEnded?.Invoke(this, EventArgs.Empty);

    /// <summary>Lucene's own background merges, which say when each one ends.</summary>
    private sealed class SignallingMergeScheduler(Action ended) : ConcurrentMergeScheduler
    {
        protected override void DoMerge(MergePolicy.OneMerge merge)
        {
            base.DoMerge(merge);
            ended();
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
        _indexAnalyzer.Dispose();
        _commitLock.Dispose();
    }
}
