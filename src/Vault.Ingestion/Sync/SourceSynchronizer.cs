using MailKit;
using MailKit.Net.Imap;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vault.Archive;
using Vault.Archive.Connectors;
using Vault.Archive.Sources;
using Vault.Ingestion.Connections;
using Vault.Ingestion.Connectors;
using Vault.Ingestion.Credentials;
using Vault.Ingestion.Errors;
using Vault.Ingestion.Imap;

namespace Vault.Ingestion.Sync;

/// <summary>
/// Runs one IMAP source (ARCHITECTURE.md, "Sync engine"): the bulk import of every selected folder, INBOX and Sent
/// first, then continuous sync. An idle source holds no thread: with IDLE it holds one connection on INBOX (the other
/// folders are polled over a short-lived second one, or over the same one when a source may hold only one); in poll
/// mode it holds nothing between polls. Failures are recorded on the source and retried with a backoff that grows
/// until the source makes progress again. Plain code that tests drive without Quartz.
/// </summary>
public sealed class SourceSynchronizer(
    IArchiveStore store,
    IConnectorStore connectors,
    ImapFolderSynchronizer folderSynchronizer,
    IMailCredentialProvider credentials,
    MailConnector connector,
    RetryPolicy retryPolicy,
    ImportSlots importSlots,
    ConnectorBudgets budgets,
    SyncMetrics metrics,
    IOptions<SyncOptions> options,
    TimeProvider timeProvider,
    ILogger<SourceSynchronizer> logger,
    Files.FileImporter? fileImporter = null)
{
    private readonly SyncOptions _options = options.Value;

    /// <summary>Syncs until cancelled, or until a failure needs a person (then the source shows the error).</summary>
    public async Task RunAsync(string sourceId, CancellationToken cancellationToken)
    {
        var source = await store.GetSourceAsync(sourceId, cancellationToken);
        if (source is null)
        {
            return;
        }

        // Failures in a row survive a restart: a source in Error waits for its retry time instead of hammering the server.
        var failures = source.Status == SourceStatus.Error ? source.Error?.ConsecutiveFailures ?? 0 : 0;
        if (source is { Status: SourceStatus.Error, Error: { } pending })
        {
            if (pending.NextRetryAt is not { } retryAt)
            {
                SyncLog.WaitingForPerson(logger, sourceId, pending.Code);
                return;
            }

            if (!await DelayUntilAsync(retryAt, cancellationToken))
            {
                SyncLog.Stopped(logger, sourceId);
                return;
            }
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            var run = new RunProgress();
            try
            {
                await RunConnectedAsync(sourceId, run, continuous: true, cancellationToken);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                // The loop boundary (STYLE.md): a failure counts as resolved only once the run made progress.
                failures = run.MadeProgress ? 1 : failures + 1;
                var retryAt = await RecordFailureAsync(sourceId, exception, failures, cancellationToken);
                if (retryAt is null || !await DelayUntilAsync(retryAt.Value, cancellationToken))
                {
                    return;
                }
            }
        }

        SyncLog.Stopped(logger, sourceId);
    }

    /// <summary>One pass over every folder (the import, or a catch-up), then disconnect. Failures propagate.</summary>
    public Task SyncOnceAsync(string sourceId, CancellationToken cancellationToken) =>
        RunConnectedAsync(sourceId, new RunProgress(), continuous: false, cancellationToken);

    private async Task RunConnectedAsync(string sourceId, RunProgress run, bool continuous, CancellationToken cancellationToken)
    {
        var source = await store.GetSourceAsync(sourceId, cancellationToken);
        if (source is null)
        {
            return;
        }

        if (source.Settings.Protocol == MailProtocol.File)
        {
            // Mail brought as files: one import of the uploads, then nothing to keep in sync.
            if (!source.ImportCompleted && fileImporter is not null)
            {
                await SetStatusAsync(sourceId, SourceStatus.Importing, importCompleted: null, "importing the uploaded files", cancellationToken);
                await fileImporter.RunAsync(source, cancellationToken);
                await SetStatusAsync(sourceId, SourceStatus.Active, importCompleted: true, "import finished", cancellationToken);
            }

            return;
        }

        if (source.Settings.Protocol != MailProtocol.Imap)
        {
            // POP3 sources can be created and tested, but the engine archives IMAP only (POP3 is a later feature):
            // say so on the source instead of leaving it Importing forever.
            throw new MailConnectionException(new ClassifiedError(
                ErrorCodes.ProtocolNotSupported,
                "Vault cannot archive POP3 mailboxes yet.",
                "Use this mailbox's IMAP settings instead: almost every provider that offers POP3 offers IMAP too.",
                null,
                Transient: false), null);
        }

        var budget = source.ConnectorId is { } connectorId && await connectors.GetConnectorAsync(connectorId, cancellationToken) is { } owner
            ? budgets.For(owner)
            : null;
        var progress = new SyncProgressTracker(store, timeProvider, sourceId, source.Progress);
        var slot = source.ImportCompleted ? null : await TakeImportSlotAsync(source, budget, progress, cancellationToken);
        var lastNewMail = DateTimeOffset.MinValue;
        try
        {
            var connection = await OpenAsync(source, budget, cancellationToken);
            try
            {
                var session = new Session(source, connection, progress, run, budget, timeProvider);
                await RecountAsync(session, cancellationToken);
                await ReconcileFoldersAsync(session, session.Client, cancellationToken);
                if (!source.ImportCompleted)
                {
                    await ImportAsync(session, cancellationToken);
                    slot?.Dispose();
                }
                else
                {
                    // Whatever arrived while no connection was held (a restart, a reconnect): one pass over every folder.
                    await PollPassAsync(session, session.Client, skipInbox: false, cancellationToken);
                }

                if (!continuous)
                {
                    return;
                }

                lastNewMail = session.LastNewMailAt;
                if (await IdleIfAllowedAsync(session, cancellationToken))
                {
                    return;
                }

                lastNewMail = session.LastNewMailAt;
            }
            finally
            {
                await connection.DisposeAsync();
            }

            await PollLoopAsync(source, budget, progress, run, lastNewMail, cancellationToken);
        }
        finally
        {
            slot?.Dispose();
        }
    }

    /// <summary>
    /// A slot among the connector's <c>maxConcurrentImports</c> (for its mailboxes) and among
    /// <c>Vault:Sync:MaxConcurrentImports</c>; while it waits the source shows <c>progress.waiting</c> and holds no connection.
    /// </summary>
    private async Task<IDisposable> TakeImportSlotAsync(Source source, ConnectorBudget? budget, SyncProgressTracker progress, CancellationToken cancellationToken)
    {
        var connectorSlot = budget?.Imports.TryTake();
        var slot = budget is null || connectorSlot is not null ? importSlots.TryTake() : null;
        if (slot is not null)
        {
            return new Slots(connectorSlot, slot);
        }

        var why = connectorSlot is null && budget is not null
            ? $"Waiting to import: {budget.Imports.Capacity} mailboxes of this connector already import at once (its maxConcurrentImports). It starts when one finishes."
            : $"Waiting to import: {importSlots.Capacity} imports already run at once (Vault:Sync:MaxConcurrentImports). It starts when one finishes.";
        SyncLog.WaitingForImportSlot(logger, source.Id, connectorSlot is null && budget is not null ? budget.Imports.Capacity : importSlots.Capacity);
        if (!source.Progress.Waiting)
        {
            // Mailboxes added in bulk were created queued; others say it now.
            await progress.SetAsync(p => p with { Waiting = true }, cancellationToken);
            await store.AppendEventAsync(new(source.Id, timeProvider.GetUtcNow(), "queued", why), cancellationToken);
        }

        try
        {
            connectorSlot ??= budget is null ? null : await budget.Imports.TakeAsync(cancellationToken);
            return new Slots(connectorSlot, await importSlots.TakeAsync(cancellationToken));
        }
        catch
        {
            // Cancelled while waiting (paused, deleted, shutting down): no write here, thousands may stop at once; a
            // paused source does not show "waiting" (it is not Importing), and the next run's recount clears it.
            connectorSlot?.Dispose();
            throw;
        }
    }

    private async Task ImportAsync(Session session, CancellationToken cancellationToken)
    {
        var sourceId = session.Source.Id;
        if (session.Source.Status != SourceStatus.Error)
        {
            // A source in Error stays so until this attempt makes progress (RunProgress).
            await SetStatusAsync(sourceId, SourceStatus.Importing, importCompleted: null, "importing the mailbox", cancellationToken);
        }

        SyncLog.ImportStarting(logger, sourceId, session.Folders.Count);
        await store.AppendEventAsync(new(sourceId, timeProvider.GetUtcNow(), "import-started", $"Importing {session.Folders.Count} folders."), cancellationToken);
        long onServer = 0;
        foreach (var (_, folder) in session.Folders)
        {
            onServer += await CountInScopeAsync(folder, session.Source.Settings.Since, cancellationToken);
        }

        var done = session.Folders.Count(f => session.States.TryGetValue(f.Name, out var s) && s.ImportDone);
        await session.Progress.SetAsync(p => p with { MessagesOnServer = onServer, FoldersDone = done, FoldersTotal = session.Folders.Count }, cancellationToken);

        foreach (var (name, folder) in session.Folders)
        {
            var wasDone = session.States[name].ImportDone;
            await SyncFolderAsync(session, name, folder, cancellationToken);
            if (!wasDone)
            {
                await session.Progress.SetAsync(p => p with { FoldersDone = Math.Min(p.FoldersDone + 1, p.FoldersTotal) }, cancellationToken);
                await MarkProgressAsync(session, cancellationToken);
            }
        }

        await SetStatusAsync(sourceId, SourceStatus.Active, importCompleted: true, "import finished", cancellationToken);
        session.ImportCompleted = true;
        await store.AppendEventAsync(new(sourceId, timeProvider.GetUtcNow(), "import-finished", "Import finished: every folder is archived."), cancellationToken);
        SyncLog.ImportFinished(logger, sourceId, session.Progress.Current.MessagesArchived);
    }

    /// <summary>
    /// Continues on this connection with IDLE when the source wants IDLE, the server offers it and (for a connector's
    /// mailbox) the budget grants an IDLE slot. A revoked slot ends it: the mailbox then polls.
    /// </summary>
    /// <returns>False when the source should poll instead (no IDLE, or its slot went to a more recently active mailbox).</returns>
    private async Task<bool> IdleIfAllowedAsync(Session session, CancellationToken cancellationToken)
    {
        var inbox = session.Folders.FirstOrDefault(f => f.Name == FolderNames.Inbox).Folder;
        if (session.Source.Settings.SyncMode != SyncMode.Idle || inbox is null || !session.Client.Capabilities.HasFlag(ImapCapabilities.Idle))
        {
            return false;
        }

        if (session.Lease is not { } lease)
        {
            await IdleAsync(session, inbox, cancellationToken);
            return true;
        }

        if (!session.Budget!.TryIdle(lease, session.Source.Id, session.LastNewMailAt))
        {
            return false;
        }

        using var revoked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Revoked);
        try
        {
            await IdleAsync(session, inbox, revoked.Token);
            return true;
        }
        catch (OperationCanceledException) when (lease.Revoked.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            SyncLog.IdleSlotTaken(logger, session.Source.Id);
            return false;
        }
    }

    /// <summary>
    /// What the import will archive from a folder: its STATUS count, or with "since" the messages SEARCH SINCE finds
    /// (RFC 3501 §6.4.4: a whole day, so the count may include a few messages of that day from before the instant).
    /// </summary>
    private static async Task<long> CountInScopeAsync(IMailFolder folder, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        if (since is not { } from)
        {
            await folder.StatusAsync(StatusItems.Count, cancellationToken);
            return folder.Count;
        }

        await folder.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
        return (await folder.SearchAsync(MailKit.Search.SearchQuery.DeliveredAfter(from.UtcDateTime.Date), cancellationToken)).Count;
    }

    /// <summary>
    /// IDLE on INBOX; the other folders are polled every poll interval over a second connection opened for that pass
    /// only, so an idle source holds one connection. With <c>MaxConnectionsPerSource</c> 1 the idler polls them itself.
    /// </summary>
    private async Task IdleAsync(Session session, IMailFolder inbox, CancellationToken cancellationToken)
    {
        if (_options.MaxConnectionsPerSource < 2 || session.Budget is not null)
        {
            // A connector's mailboxes share one connection budget: each idles and polls over its one connection.
            await IdleLoopAsync(session, inbox, pollOthers: true, cancellationToken);
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var idling = IdleLoopAsync(session, inbox, pollOthers: false, stop.Token);
        var polling = PollOthersLoopAsync(session, stop.Token);
        var first = await Task.WhenAny(idling, polling);
        if (first == polling && polling.IsCompletedSuccessfully)
        {
            // The server refused a second connection for this account: the idler polls the other folders itself.
            await idling;
            return;
        }

        await stop.CancelAsync();
        try
        {
            await Task.WhenAll(idling, polling);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The other loop was stopped because this one failed: report the failure, not the cancellation.
            await first;
        }
    }

    /// <summary>
    /// IDLE on INBOX (RFC 2177), ended on new mail, after <see cref="SyncOptions.IdleRefresh"/>, and after
    /// the poll interval: some servers tell an idler about new mail only on their own poll.
    /// </summary>
    private async Task IdleLoopAsync(Session session, IMailFolder inbox, bool pollOthers, CancellationToken cancellationToken)
    {
        var client = session.Client;
        var interval = PollInterval(session.Source);
        var wait = interval < _options.IdleRefresh ? interval : _options.IdleRefresh;
        var nextPoll = timeProvider.GetUtcNow() + interval;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await SyncFolderAsync(session, FolderNames.Inbox, inbox, cancellationToken);
            if ((pollOthers || session.PollOnIdleConnection) && timeProvider.GetUtcNow() >= nextPoll)
            {
                await PollPassAsync(session, client, skipInbox: true, cancellationToken);
                nextPoll = timeProvider.GetUtcNow() + interval;
                await inbox.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
            }

            using var done = new CancellationTokenSource(wait, timeProvider);
            void OnCountChanged(object? sender, EventArgs e) => done.Cancel();
            inbox.CountChanged += OnCountChanged;
            try
            {
                await client.IdleAsync(done.Token, cancellationToken);
            }
            finally
            {
                inbox.CountChanged -= OnCountChanged;
            }
        }
    }

    /// <summary>
    /// Beside an idling INBOX: wait a poll interval holding nothing, connect, poll the other folders, disconnect. A server
    /// that allows the account one connection at a time (Dovecot's mail_max_userip_connections = 1, a provider's cap)
    /// refuses the second: then this loop ends and the idling connection polls the other folders between IDLEs.
    /// </summary>
    private async Task PollOthersLoopAsync(Session session, CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(PollInterval(session.Source), timeProvider, cancellationToken);
            ImapConnection connection;
            try
            {
                connection = await OpenAsync(session.Source, budget: null, cancellationToken);
            }
            catch (MailConnectionException refused) when (refused.Error.Code == ErrorCodes.TooManyConnections)
            {
                session.PollOnIdleConnection = true;
                SyncLog.OneConnectionOnly(logger, session.Source.Id);
                await store.AppendEventAsync(new(session.Source.Id, timeProvider.GetUtcNow(), "one-connection",
                    "The server refused a second connection for this account; the idling connection polls the other folders from now on."), cancellationToken);
                return;
            }

            await using (connection)
            {
                await PollPassAsync(session, connection.Client, skipInbox: true, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Polling: a connection for each pass only, none held while waiting for the next. A connector's mailbox that wants
    /// IDLE asks for an IDLE slot after each pass and keeps that connection when it gets one.
    /// </summary>
    private async Task PollLoopAsync(Source source, ConnectorBudget? budget, SyncProgressTracker progress, RunProgress run, DateTimeOffset lastNewMail, CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(PollInterval(source), timeProvider, cancellationToken);
            await using var connection = await OpenAsync(source, budget, cancellationToken);
            var session = new Session(source, connection, progress, run, budget, timeProvider) { ImportCompleted = true, LastNewMailAt = lastNewMail };
            await ReconcileFoldersAsync(session, session.Client, cancellationToken);
            await PollPassAsync(session, session.Client, skipInbox: false, cancellationToken);
            lastNewMail = session.LastNewMailAt;
            if (budget is not null && await IdleIfAllowedAsync(session, cancellationToken))
            {
                return;
            }

            lastNewMail = session.LastNewMailAt;
        }
    }

    /// <summary>
    /// A no-op pass must be cheap (dsync's rule, notes §4): one STATUS per folder, and a folder whose
    /// MESSAGES, UIDNEXT, UIDVALIDITY and HIGHESTMODSEQ are unchanged is skipped.
    /// </summary>
    private async Task PollPassAsync(Session session, ImapClient client, bool skipInbox, CancellationToken cancellationToken)
    {
        using var activity = VaultTelemetry.ActivitySource.StartActivity("vault.sync.pass");
        activity?.SetTag("vault.source.id", session.Source.Id);
        var started = timeProvider.GetTimestamp();
        var folders = await ReconcileFoldersAsync(session, client, cancellationToken);
        var items = StatusItems.Count | StatusItems.UidNext | StatusItems.UidValidity;
        if (client.Capabilities.HasFlag(ImapCapabilities.CondStore))
        {
            items |= StatusItems.HighestModSeq;
        }

        foreach (var (name, folder) in folders)
        {
            if (skipInbox && name == FolderNames.Inbox)
            {
                continue;
            }

            var state = session.States[name];
            if (state.ImportDone && !state.RetryList.Any(r => r.Attempts < _options.MaxFetchAttempts))
            {
                await folder.StatusAsync(items, cancellationToken);
                var unchanged = folder.UidValidity == state.UidValidity
                    && (folder.UidNext?.Id ?? 0) == state.UidNext
                    && folder.Count == state.MessagesOnServer
                    && (!items.HasFlag(StatusItems.HighestModSeq) || folder.HighestModSeq == state.HighestModSeq);
                if (unchanged)
                {
                    continue;
                }
            }

            await SyncFolderAsync(session, name, folder, cancellationToken);
        }

        await session.Progress.SetAsync(p => p, cancellationToken);
        metrics.PassCompleted(timeProvider.GetElapsedTime(started));
        await MarkProgressAsync(session, cancellationToken);
    }

    private async Task SyncFolderAsync(Session session, string name, IMailFolder folder, CancellationToken cancellationToken)
    {
        using var activity = VaultTelemetry.ActivitySource.StartActivity("vault.sync.folder");
        activity?.SetTag("vault.source.id", session.Source.Id);
        activity?.SetTag("vault.folder", name);
        var result = await folderSynchronizer.SyncAsync(
            folder,
            session.States[name],
            async (batch, token) =>
            {
                await session.Progress.AddBatchAsync(p => p with { MessagesArchived = p.MessagesArchived + batch.Added.Count, BytesArchived = p.BytesArchived + batch.BytesAdded }, token);
                if (batch.Added.Count > 0)
                {
                    session.NewMail();
                }

                await MarkProgressAsync(session, token);
            },
            cancellationToken,
            session.Source.Settings.Since);
        session.States[name] = result.State;

        // Once every folder is imported, "on server" is what the folders' last passes saw (new mail, deletions,
        // new folders); during the import it stays the STATUS count taken at its start.
        var states = session.Folders.Select(f => session.States[f.Name]).ToList();
        if (session.Source.Settings.Since is null && states.All(s => s.ImportDone) && states.Sum(s => s.MessagesOnServer) is var onServer && onServer != session.Progress.Current.MessagesOnServer)
        {
            await session.Progress.SetAsync(p => p with { MessagesOnServer = onServer }, cancellationToken);
        }

        await session.Progress.FlushAsync(cancellationToken);
    }

    /// <summary>Lists the folders (<see cref="ImapFolderLister"/>), picks up new ones and marks vanished ones gone (their mail stays archived).</summary>
    private async Task<List<(string Name, IMailFolder Folder)>> ReconcileFoldersAsync(Session session, ImapClient client, CancellationToken cancellationToken)
    {
        var settings = session.Source.Settings;
        var onServer = await ImapFolderLister.ListAsync(client, StatusItems.None, cancellationToken);
        var selected = onServer
            .Where(f => FolderNames.IsSelected(f.Name, settings.IncludeFolders, settings.ExcludeFolders))
            .OrderBy(f => FolderNames.Rank(f.Name, f.Folder))
            .ThenBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => (f.Name, f.Folder))
            .ToList();

        foreach (var state in await store.ListFolderStatesAsync(session.Source.Id, cancellationToken))
        {
            session.States.TryAdd(state.Folder, state);
        }

        foreach (var (name, _) in selected)
        {
            session.States.TryAdd(name, new() { SourceId = session.Source.Id, Folder = name });
        }

        var names = onServer.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in session.States.Values.Where(s => s.GoneAt is null && s.UidValidity != 0 && !names.Contains(s.Folder)).ToList())
        {
            SyncLog.FolderGone(logger, session.Source.Id, gone.Folder);
            var marked = gone with { GoneAt = timeProvider.GetUtcNow() };
            session.States[gone.Folder] = marked;
            await store.SaveFolderStateAsync(marked, cancellationToken);
            await store.AppendEventAsync(new(session.Source.Id, timeProvider.GetUtcNow(), "folder-gone", $"Folder {gone.Folder} is gone from the server; its mail stays archived."), cancellationToken);
        }

        if (session.Client == client)
        {
            session.Folders = selected;
        }

        if (session.Progress.Current.FoldersTotal != selected.Count && session.ImportCompleted)
        {
            await session.Progress.SetAsync(p => p with { FoldersTotal = selected.Count, FoldersDone = selected.Count }, cancellationToken);
        }

        return selected;
    }

    /// <summary>
    /// The counters are for people watching, and a crash or a reconnect may have lost the last throttled write: each
    /// connected run starts from what the store holds.
    /// </summary>
    private async Task RecountAsync(Session session, CancellationToken cancellationToken)
    {
        var totals = await store.GetSourceTotalsAsync(session.Source.Id, cancellationToken);
        await session.Progress.SetAsync(p => p with { MessagesArchived = totals.Messages, BytesArchived = totals.Bytes, Waiting = false }, cancellationToken);
    }

    /// <summary>
    /// The run archived something, finished a folder's import or a pass: earlier failures are resolved. A source in
    /// Error shows its running status again (only now, not at the login: a connection cut at the same place every
    /// time must keep backing off).
    /// </summary>
    private async Task MarkProgressAsync(Session session, CancellationToken cancellationToken)
    {
        if (!session.Run.TryMark())
        {
            return;
        }

        var current = await store.GetSourceAsync(session.Source.Id, cancellationToken);
        if (current?.Status == SourceStatus.Error)
        {
            var status = current.ImportCompleted || session.ImportCompleted ? SourceStatus.Active : SourceStatus.Importing;
            await SetStatusAsync(session.Source.Id, status, importCompleted: null, $"recovered from {current.Error?.Code ?? "an error"}", cancellationToken);
        }
    }

    /// <summary>Signs in with the source's credential; a connector's mailbox first takes a connection of its connector's budget.</summary>
    private async Task<ImapConnection> OpenAsync(Source source, ConnectorBudget? budget, CancellationToken cancellationToken)
    {
        var lease = budget is null ? null : await budget.AcquireAsync(cancellationToken);
        ImapConnection connection;
        try
        {
            connection = await connector.ConnectImapAsync(source.Settings, await credentials.GetAsync(source, cancellationToken), cancellationToken);
        }
        catch
        {
            lease?.Dispose();
            throw;
        }

        connection.Lease = lease;
        try
        {
            if (connection.Client.Capabilities.HasFlag(ImapCapabilities.QuickResync))
            {
                // RFC 7162 §3.2.3: ENABLE QRESYNC also enables CONDSTORE, so EXAMINE reports HIGHESTMODSEQ.
                await connection.Client.EnableQuickResyncAsync(cancellationToken);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The source's own poll interval, or <c>Vault:Sync:PollInterval</c> when it has none.</summary>
    private TimeSpan PollInterval(Source source) => source.Settings.PollInterval ?? _options.PollInterval;

    /// <returns>False when cancelled while waiting.</returns>
    private async Task<bool> DelayUntilAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        var delay = at - timeProvider.GetUtcNow();
        try
        {
            await Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, timeProvider, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Sets the status (clearing any error); a change of status goes to the event log like a person's pause or resume.</summary>
    private async Task SetStatusAsync(string sourceId, SourceStatus status, bool? importCompleted, string why, CancellationToken cancellationToken)
    {
        var before = (await store.GetSourceAsync(sourceId, cancellationToken))?.Status;
        await store.UpdateSourceStatusAsync(sourceId, status, error: null, importCompleted, cancellationToken);
        metrics.StatusChanged(sourceId, status);
        if (before is { } from && from != status)
        {
            await store.AppendEventAsync(new(sourceId, timeProvider.GetUtcNow(), "status", $"{from} -> {status}: {why}"), cancellationToken);
        }
    }

    /// <summary>
    /// Records the <paramref name="failures"/>-th failure in a row. A connection that broke (dropped or timed out) on a
    /// source that was running fine is a routine reconnect (an IDLE connection cut by a NAT or a server restart):
    /// retried after the first backoff step without showing Error. Anything else, and a reconnect that fails too,
    /// shows Error with the time of the next try, or none when a person must act.
    /// </summary>
    /// <returns>When to try again, or null when a person must act first.</returns>
    private async Task<DateTimeOffset?> RecordFailureAsync(string sourceId, Exception exception, int failures, CancellationToken cancellationToken)
    {
        var source = await store.GetSourceAsync(sourceId, cancellationToken);
        if (source is null)
        {
            return null;
        }

        var classified = Classify(exception, source.Settings);
        if (failures == 1 && source.Status != SourceStatus.Error && classified.Code is ErrorCodes.ProtocolError or ErrorCodes.Timeout)
        {
            var reconnectAt = retryPolicy.NextRetryAt(classified, failures, timeProvider.GetUtcNow())!.Value;
            SyncLog.Reconnecting(logger, exception, sourceId, classified.Code, reconnectAt);
            await store.AppendEventAsync(new(sourceId, timeProvider.GetUtcNow(), "reconnect", $"{classified.Code}: {classified.Message} Reconnecting."), cancellationToken);
            return reconnectAt;
        }

        var error = retryPolicy.ToSourceError(classified, failures);
        await store.UpdateSourceStatusAsync(sourceId, SourceStatus.Error, error, importCompleted: null, cancellationToken);
        await store.AppendEventAsync(new(sourceId, error.OccurredAt, "error", $"{classified.Code}: {classified.Message}"), cancellationToken);
        metrics.SyncFailed(classified.Code);
        metrics.StatusChanged(sourceId, SourceStatus.Error);
        SyncLog.SyncFailed(logger, exception, sourceId, classified.Code, failures, error.NextRetryAt);
        if (error.NextRetryAt is null)
        {
            SyncLog.WaitingForPerson(logger, sourceId, classified.Code);
        }

        return error.NextRetryAt;
    }

    /// <summary>The archive's own failures are StorageError, whichever call they surfaced from; the rest is the server's story.</summary>
    private static ClassifiedError Classify(Exception exception, SourceSettings settings)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is ArchiveStorageException storage)
            {
                return ErrorClassifier.ClassifyStorageFailure(storage);
            }
        }

        return exception is MailConnectionException connectionFailure ? connectionFailure.Error : ErrorClassifier.Classify(exception, settings);
    }

    /// <summary>Whether one connected run (and its reconnects' poll loops) made progress; shared by its connections.</summary>
    private sealed class RunProgress
    {
        private int _marked;

        public bool MadeProgress => Volatile.Read(ref _marked) != 0;

        /// <summary>True the first time only.</summary>
        public bool TryMark() => Interlocked.Exchange(ref _marked, 1) == 0;
    }

    /// <summary>What one connected run knows: the source, its folders and their checkpoints, its progress.</summary>
    private sealed class Session(Source source, ImapConnection connection, SyncProgressTracker progress, RunProgress run, ConnectorBudget? budget, TimeProvider timeProvider)
    {
        public Source Source { get; } = source;

        public ImapClient Client { get; } = connection.Client;

        /// <summary>The connector budget's connection this session holds; null for a source of its own.</summary>
        public ConnectionLease? Lease { get; } = connection.Lease;

        public ConnectorBudget? Budget { get; } = budget;

        public SyncProgressTracker Progress { get; } = progress;

        public RunProgress Run { get; } = run;

        public bool ImportCompleted { get; set; } = source.ImportCompleted;

        /// <summary>Set when the server refuses a second connection: the idling connection then polls the other folders.</summary>
        public bool PollOnIdleConnection { get; set; }

        /// <summary>When this source last archived new mail here: its claim on an IDLE slot of its connector.</summary>
        public DateTimeOffset LastNewMailAt { get; set; } = DateTimeOffset.MinValue;

        public List<(string Name, IMailFolder Folder)> Folders { get; set; } = [];

        public System.Collections.Concurrent.ConcurrentDictionary<string, Archive.Folders.FolderSyncState> States { get; } = new(StringComparer.Ordinal);

        public void NewMail()
        {
            LastNewMailAt = timeProvider.GetUtcNow();
            if (Lease is { IsIdle: true } idle)
            {
                Budget!.Touch(idle, LastNewMailAt);
            }
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
