using Microsoft.Extensions.Logging;
using Vault.Archive.Messages;
using Vault.Archive.Sources;
using Vault.Ingestion.Connectors;

namespace Vault.Ingestion.Sync;

/// <summary>
/// One connected run of a source, as every protocol sees it: the source, its progress counters, its connector's budget,
/// and what all protocols do alike: status changes in the event log, the import slot, the recount, and progress that
/// resolves earlier failures. Made by <see cref="SourceSynchronizer"/>, handed to an <see cref="IProtocolSynchronizer"/>.
/// </summary>
public sealed class SourceRun
{
    private readonly ISourceStore _sources;
    private readonly IMessageStore _messages;
    private readonly ImportSlots _importSlots;
    private readonly SyncMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private int _marked;

    internal SourceRun(
        Source source,
        ConnectorBudget? budget,
        TimeSpan pollInterval,
        ISourceStore sources,
        IMessageStore messages,
        ImportSlots importSlots,
        SyncMetrics metrics,
        TimeProvider timeProvider,
        ILogger logger)
    {
        Source = source;
        Budget = budget;
        PollInterval = pollInterval;
        ImportCompleted = source.ImportCompleted;
        _sources = sources;
        _messages = messages;
        _importSlots = importSlots;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _logger = logger;
        Progress = new SyncProgressTracker(sources, timeProvider, source.Id, source.Progress);
    }

    public Source Source { get; }

    public string SourceId => Source.Id;

    /// <summary>The connections and import slots of the source's connector; null for a source of its own.</summary>
    public ConnectorBudget? Budget { get; }

    /// <summary>The source's own poll interval, or <c>Vault:Sync:PollInterval</c>.</summary>
    public TimeSpan PollInterval { get; }

    public SyncProgressTracker Progress { get; }

    /// <summary>True once this run archived something, finished a folder's import or a pass.</summary>
    public bool MadeProgress => Volatile.Read(ref _marked) != 0;

    public bool ImportCompleted { get; set; }

    public DateTimeOffset Now => _timeProvider.GetUtcNow();

    /// <summary>
    /// The run archived something, finished a folder's import or a pass: earlier failures are resolved. A source in
    /// Error shows its running status again (only now, not at the login: a connection cut at the same place every
    /// time must keep backing off).
    /// </summary>
    public async Task MarkProgressAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _marked, 1) != 0)
        {
            return;
        }

        var current = await _sources.GetSourceAsync(SourceId, cancellationToken);
        if (current?.Status == SourceStatus.Error)
        {
            var status = current.ImportCompleted || ImportCompleted ? SourceStatus.Active : SourceStatus.Importing;
            await SetStatusAsync(status, importCompleted: null, $"recovered from {current.Error?.Code ?? "an error"}", cancellationToken);
        }
    }

    /// <summary>Sets the status (clearing any error); a change of status goes to the event log like a person's pause or resume.</summary>
    public async Task SetStatusAsync(SourceStatus status, bool? importCompleted, string why, CancellationToken cancellationToken)
    {
        var before = (await _sources.GetSourceAsync(SourceId, cancellationToken))?.Status;
        await _sources.UpdateSourceStatusAsync(SourceId, status, error: null, importCompleted, cancellationToken);
        _metrics.StatusChanged(SourceId, status);
        if (before is { } from && from != status)
        {
            await AppendEventAsync("status", $"{from} -> {status}: {why}", cancellationToken);
        }
    }

    /// <summary>The import begins: Importing (unless the source is in Error, which only progress clears), and an event.</summary>
    public async Task StartImportAsync(string what, CancellationToken cancellationToken)
    {
        if (Source.Status != SourceStatus.Error)
        {
            await SetStatusAsync(SourceStatus.Importing, importCompleted: null, "importing the mailbox", cancellationToken);
        }

        await AppendEventAsync("import-started", what, cancellationToken);
    }

    /// <summary>
    /// The import is done: an event, then Active for good (resume goes to Active from now on). The event comes first, so
    /// whoever sees Active also finds the import's end in the event log.
    /// </summary>
    public async Task FinishImportAsync(CancellationToken cancellationToken)
    {
        await AppendEventAsync("import-finished", "Import finished: every folder is archived.", cancellationToken);
        await SetStatusAsync(SourceStatus.Active, importCompleted: true, "import finished", cancellationToken);
        ImportCompleted = true;
        SyncLog.ImportFinished(_logger, SourceId, Progress.Current.MessagesArchived);
    }

    public Task AppendEventAsync(string kind, string message, CancellationToken cancellationToken) =>
        _sources.AppendEventAsync(new SourceEvent(SourceId, _timeProvider.GetUtcNow(), kind, message), cancellationToken);

    /// <summary>
    /// The counters are for people watching, and a crash or a reconnect may have lost the last throttled write: each
    /// connected run starts from what the store holds.
    /// </summary>
    public async Task RecountAsync(CancellationToken cancellationToken)
    {
        var totals = await _messages.GetSourceTotalsAsync(SourceId, cancellationToken);
        await Progress.SetAsync(p => p with { MessagesArchived = totals.Messages, BytesArchived = totals.Bytes, Waiting = false }, cancellationToken);
    }

    /// <summary>
    /// A slot among the connector's <c>maxConcurrentImports</c> (for its mailboxes) and among
    /// <c>Vault:Sync:MaxConcurrentImports</c>; while it waits the source shows <c>progress.waiting</c> and holds no connection.
    /// </summary>
    public async Task<IDisposable> TakeImportSlotAsync(CancellationToken cancellationToken)
    {
        var connectorSlot = Budget?.Imports.TryTake();
        var slot = Budget is null || connectorSlot is not null ? _importSlots.TryTake() : null;
        if (slot is not null)
        {
            return new Slots(connectorSlot, slot);
        }

        var byConnector = connectorSlot is null && Budget is not null;
        var capacity = byConnector ? Budget!.Imports.Capacity : _importSlots.Capacity;
        SyncLog.WaitingForImportSlot(_logger, SourceId, capacity);
        if (!Source.Progress.Waiting)
        {
            // Mailboxes added in bulk were created queued; others say it now.
            await Progress.SetAsync(p => p with { Waiting = true }, cancellationToken);
            await AppendEventAsync("queued", byConnector
                ? $"Waiting to import: {capacity} mailboxes of this connector already import at once (its maxConcurrentImports). It starts when one finishes."
                : $"Waiting to import: {capacity} imports already run at once (Vault:Sync:MaxConcurrentImports). It starts when one finishes.",
                cancellationToken);
        }

        try
        {
            connectorSlot ??= Budget is null ? null : await Budget.Imports.TakeAsync(cancellationToken);
            return new Slots(connectorSlot, await _importSlots.TakeAsync(cancellationToken));
        }
        catch
        {
            // Cancelled while waiting (paused, deleted, shutting down): no write here, thousands may stop at once; a
            // paused source does not show "waiting" (it is not Importing), and the next run's recount clears it.
            connectorSlot?.Dispose();
            throw;
        }
    }

    /// <summary>The connector's import slot and the process-wide one, given back together.</summary>
    private sealed class Slots(IDisposable? connector, IDisposable process) : IDisposable
    {
        public void Dispose()
        {
            process.Dispose();
            connector?.Dispose();
        }
    }
}
