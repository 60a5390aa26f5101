using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vault.Archive.Messages;
using Vault.Search.Attachments;

namespace Vault.Search.Indexing;

/// <summary>
/// Follows the archive change sequence: it asks the store for the messages changed after the last change number the index
/// has, indexes them chunk by chunk, and makes each chunk searchable at once (a near-real-time refresh). Durable commits,
/// with the change number in the commit's user data, come less often: every <see cref="CommitInterval"/> while busy,
/// <see cref="IdleCommitDelay"/> after the last change, and once more when a background merge ends while it is idle (the
/// last commit still names the merge's inputs, so they would stay on disk beside its output until the next mail). A
/// restart or a crash resumes from the last durable commit and re-indexes what came after it (replacing a document is idempotent); an empty or replaced index starts from 0, which
/// is the whole archive. Several indexes (several instances on one MongoDB) can follow one archive this way.
/// </summary>
public sealed class IndexingWorker : BackgroundService
{
    private const int ChunkSize = 512;
    private static readonly TimeSpan CommitInterval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan IdleCommitDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private readonly IndexHandOver _queue;
    private readonly SearchIndex _index;
    private readonly ReindexProgress _progress;
    private readonly IArchiveChangeFeed _store;
    private readonly MessageIndexer _indexer;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<IndexingWorker> _logger;

    /// <summary>Messages that failed once in this process: tried again once (with a new change number), then left out.</summary>
    private readonly HashSet<string> _failedOnce = new(StringComparer.Ordinal);

    /// <summary>1 when a background merge has ended since the worker last looked (set on the merge's thread).</summary>
    private int _mergeEnded;

    public IndexingWorker(
        IndexHandOver queue,
        SearchIndex index,
        ReindexProgress progress,
        IArchiveChangeFeed store,
        AttachmentTextExtraction attachmentText,
        IOptions<SearchOptions> options,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _queue = queue;
        _index = index;
        _progress = progress;
        _store = store;
        _timeProvider = timeProvider;
        _indexer = new MessageIndexer(index, store, queue, options.Value.AttachmentText ? attachmentText : null, loggerFactory.CreateLogger<MessageIndexer>());
        _logger = loggerFactory.CreateLogger<IndexingWorker>();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_index.DiscardedBecause is { } damage)
        {
            SearchLog.IndexDiscarded(_logger, _index.Path, damage.Message);
        }

        var position = _index.CommittedSequence;
        var committed = position;
        var lastCommit = _timeProvider.GetTimestamp();
        var lastRefresh = lastCommit;
        long caughtUp = 0;
        var reindexing = false;
        _index.MergeEnded += WakeOnMergeEnded;
        try
        {
            while (true)
            {
                // Taken before the store is asked: a batch committed after the question leaves a wake-up for the wait below.
                _queue.Wakeups.TryRead(out _);
                if (_queue.TakeReindexRequest())
                {
                    await _index.ResetAsync(stoppingToken);
                    position = committed = 0;
                    caughtUp = 0;
                    reindexing = true;
                    _progress.SetTotal(await _store.CountMessagesAsync(null, stoppingToken));
                }

                IReadOnlyList<Archive.Messages.ArchivedMessage> changes;
                try
                {
                    changes = await _store.ListChangesAsync(position, ChunkSize, stoppingToken);
                    if (changes.Count > 0)
                    {
                        await RetryFailedAsync(await _indexer.IndexAsync(changes, stoppingToken), stoppingToken);
                    }
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // Loop boundary: the store or the index failed; the same changes are asked for again after a pause.
                    SearchLog.BatchFailed(_logger, ex);
                    await WaitForWakeUpAsync(RetryDelay, stoppingToken);
                    continue;
                }

                if (changes.Count > 0)
                {
                    position = changes[^1].ChangeSequence;
                    // Searchable at once when this was the last of it (a new mail, the end of an import); while a backlog
                    // is worked through, at most every RefreshInterval: each refresh writes a small segment to merge later.
                    if (changes.Count < ChunkSize || _timeProvider.GetElapsedTime(lastRefresh) >= RefreshInterval)
                    {
                        _index.Refresh(position);
                        lastRefresh = _timeProvider.GetTimestamp();
                    }

                    caughtUp += changes.Count;
                    if (reindexing)
                    {
                        _progress.Add(changes.Count);
                    }

                    if (_timeProvider.GetElapsedTime(lastCommit) >= CommitInterval)
                    {
                        await _index.CommitAsync(position, stoppingToken);
                        committed = position;
                        lastCommit = _timeProvider.GetTimestamp();
                    }

                    continue;
                }

                // Caught up with the archive: everything indexed is searchable.
                _index.Refresh(position);
                _queue.DropHandedOff();
                if (caughtUp > 0)
                {
                    SearchLog.CaughtUp(_logger, caughtUp);
                    caughtUp = 0;
                }

                if (reindexing)
                {
                    reindexing = false;
                    _progress.Finish();
                    SearchLog.Reindexed(_logger, _index.DocumentCount);
                }

                if (committed != position)
                {
                    if (!await WaitForWakeUpAsync(IdleCommitDelay, stoppingToken))
                    {
                        await _index.CommitAsync(position, stoppingToken);
                        committed = position;
                        lastCommit = _timeProvider.GetTimestamp();
                    }
                }
                else if (Interlocked.Exchange(ref _mergeEnded, 0) == 1 && _index.HasUncommittedChanges)
                {
                    // A merge ended since the last commit, which still names the merge's inputs: they stay on disk beside
                    // its output until a commit no longer names them.
                    await _index.CommitAsync(position, stoppingToken);
                    lastCommit = _timeProvider.GetTimestamp();
                }
                else
                {
                    await _queue.Wakeups.WaitToReadAsync(stoppingToken);
                }
            }
        }
        finally
        {
            _index.MergeEnded -= WakeOnMergeEnded;
            if (reindexing)
            {
                _progress.Finish();
            }

            if (committed != position)
            {
                // Stopping: what is searchable becomes durable, so the next start does not index it again.
                await _index.CommitAsync(position, CancellationToken.None);
            }
        }
    }

    private void WakeOnMergeEnded(object? sender, EventArgs e)
    {
        Interlocked.Exchange(ref _mergeEnded, 1);
        _queue.Wake();
    }

    /// <summary>True when woken before <paramref name="delay"/> passed.</summary>
    private async Task<bool> WaitForWakeUpAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        using var timeout = new CancellationTokenSource(delay, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
        try
        {
            return await _queue.Wakeups.WaitToReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>A message that failed for the first time gets a new change number, so it comes round once more.</summary>
    private async Task RetryFailedAsync(IReadOnlyList<string> failed, CancellationToken cancellationToken)
    {
        var first = failed.Where(_failedOnce.Add).ToList();
        if (first.Count > 0)
        {
            await _store.MarkChangedAsync(first, cancellationToken);
        }
    }
}
