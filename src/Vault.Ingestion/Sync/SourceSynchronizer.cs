using System.Collections.Concurrent;
using MailKit;
using MailKit.Net.Imap;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vault.Archive;
using Vault.Archive.Folders;
using Vault.Archive.Sources;
using Vault.Ingestion.Connections;
using Vault.Ingestion.Errors;
using Vault.Ingestion.Imap;

namespace Vault.Ingestion.Sync;

/// <summary>
/// Runs one IMAP source (ARCHITECTURE.md, "Sync engine"): the bulk import of every selected folder, INBOX and Sent
/// first, then continuous sync: IDLE on INBOX where offered, polling of the rest; failures are recorded on the
/// source and retried with backoff. Plain code that tests drive without Quartz.
/// </summary>
public sealed class SourceSynchronizer(
    IArchiveStore store,
    ImapFolderSynchronizer folderSynchronizer,
    ISourcePasswordReader passwords,
    MailConnector connector,
    RetryPolicy retryPolicy,
    SyncMetrics metrics,
    IOptions<SyncOptions> options,
    TimeProvider timeProvider,
    ILogger<SourceSynchronizer> logger)
{
    private readonly SyncOptions _options = options.Value;

    /// <summary>Syncs until cancelled, or until a failure needs a person (then the source shows the error).</summary>
    public async Task RunAsync(string sourceId, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await RunConnectedAsync(sourceId, continuous: true, cancellationToken);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                // The loop boundary (STYLE.md): record the failure on the source, then back off or stop.
                var retryAt = await RecordFailureAsync(sourceId, exception, cancellationToken);
                if (retryAt is null)
                {
                    return;
                }

                var delay = retryAt.Value - timeProvider.GetUtcNow();
                try
                {
                    await Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, timeProvider, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        SyncLog.Stopped(logger, sourceId);
    }

    /// <summary>One pass over every folder (the import, or a catch-up), then disconnect. Failures propagate.</summary>
    public Task SyncOnceAsync(string sourceId, CancellationToken cancellationToken) =>
        RunConnectedAsync(sourceId, continuous: false, cancellationToken);

    private async Task RunConnectedAsync(string sourceId, bool continuous, CancellationToken cancellationToken)
    {
        var source = await store.GetSourceAsync(sourceId, cancellationToken);
        if (source is null)
        {
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

        var connection = await OpenAsync(source, cancellationToken);
        var client = connection.Client;
        try
        {
            var session = new Session(source, connection, new SyncProgressTracker(store, timeProvider, sourceId, source.Progress));
            await ReconcileFoldersAsync(session, cancellationToken);
            if (!source.ImportCompleted)
            {
                await ImportAsync(session, cancellationToken);
            }
            else
            {
                await SetStatusAsync(sourceId, SourceStatus.Active, importCompleted: null, "connected, keeping the archive in sync", cancellationToken);
                if (!continuous)
                {
                    await PollPassAsync(session, client, skipInbox: false, cancellationToken);
                }
            }

            if (continuous)
            {
                await ContinuousAsync(session, cancellationToken);
            }
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    private async Task ImportAsync(Session session, CancellationToken cancellationToken)
    {
        var sourceId = session.Source.Id;
        await SetStatusAsync(sourceId, SourceStatus.Importing, importCompleted: null, "importing the mailbox", cancellationToken);
        SyncLog.ImportStarting(logger, sourceId, session.Folders.Count);

        long onServer = 0;
        foreach (var (_, folder) in session.Folders)
        {
            await folder.StatusAsync(StatusItems.Count, cancellationToken);
            onServer += folder.Count;
        }

        var archived = await store.CountMessagesAsync(sourceId, cancellationToken);
        var done = session.Folders.Count(f => session.States.TryGetValue(f.Name, out var s) && s.ImportDone);
        await session.Progress.SetAsync(p => p with { MessagesArchived = archived, MessagesOnServer = onServer, FoldersDone = done, FoldersTotal = session.Folders.Count }, cancellationToken);

        foreach (var (name, folder) in session.Folders)
        {
            var wasDone = session.States[name].ImportDone;
            await SyncFolderAsync(session, name, folder, cancellationToken);
            if (!wasDone)
            {
                await session.Progress.SetAsync(p => p with { FoldersDone = Math.Min(p.FoldersDone + 1, p.FoldersTotal) }, cancellationToken);
            }
        }

        await SetStatusAsync(sourceId, SourceStatus.Active, importCompleted: true, "import finished", cancellationToken);
        await store.AppendEventAsync(new(sourceId, timeProvider.GetUtcNow(), "import-finished", "Import finished: every folder is archived."), cancellationToken);
        SyncLog.ImportFinished(logger, sourceId, session.Progress.Current.MessagesArchived);
    }

    private async Task ContinuousAsync(Session session, CancellationToken cancellationToken)
    {
        var client = session.Client;
        var inbox = session.Folders.FirstOrDefault(f => f.Name == FolderNames.Inbox).Folder;
        var idle = session.Source.Settings.SyncMode == SyncMode.Idle && inbox is not null && client.Capabilities.HasFlag(ImapCapabilities.Idle);
        if (!idle)
        {
            await PollLoopAsync(session, client, skipInbox: false, cancellationToken);
            return;
        }

        if (_options.MaxConnectionsPerSource < 2)
        {
            // One connection: idle between polls, and poll the other folders on the same connection when due.
            await IdleLoopAsync(session, inbox!, pollOthers: true, cancellationToken);
            return;
        }

        await using var pollerConnection = await OpenAsync(session.Source, cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var idling = IdleLoopAsync(session, inbox!, pollOthers: false, stop.Token);
        var polling = PollLoopAsync(session, pollerConnection.Client, skipInbox: true, stop.Token);
        var first = await Task.WhenAny(idling, polling);
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
        var interval = PollInterval(session);
        var wait = interval < _options.IdleRefresh ? interval : _options.IdleRefresh;
        var nextPoll = timeProvider.GetUtcNow() + interval;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await SyncFolderAsync(session, FolderNames.Inbox, inbox, cancellationToken);
            if (pollOthers && timeProvider.GetUtcNow() >= nextPoll)
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

    private async Task PollLoopAsync(Session session, ImapClient client, bool skipInbox, CancellationToken cancellationToken)
    {
        while (true)
        {
            await PollPassAsync(session, client, skipInbox, cancellationToken);
            await Task.Delay(PollInterval(session), timeProvider, cancellationToken);
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
    }

    private async Task SyncFolderAsync(Session session, string name, IMailFolder folder, CancellationToken cancellationToken)
    {
        using var activity = VaultTelemetry.ActivitySource.StartActivity("vault.sync.folder");
        activity?.SetTag("vault.source.id", session.Source.Id);
        activity?.SetTag("vault.folder", name);
        var result = await folderSynchronizer.SyncAsync(
            folder,
            session.States[name],
            (batch, token) => session.Progress.AddBatchAsync(p => p with { MessagesArchived = p.MessagesArchived + batch.Added.Count, BytesArchived = p.BytesArchived + batch.BytesAdded }, token),
            cancellationToken);
        session.States[name] = result.State;

        // Once every folder is imported, "on server" is what the folders' last passes saw (new mail, deletions,
        // new folders); during the import it stays the STATUS count taken at its start.
        var states = session.Folders.Select(f => session.States[f.Name]).ToList();
        if (states.All(s => s.ImportDone) && states.Sum(s => s.MessagesOnServer) is var onServer && onServer != session.Progress.Current.MessagesOnServer)
        {
            await session.Progress.SetAsync(p => p with { MessagesOnServer = onServer }, cancellationToken);
        }

        await session.Progress.FlushAsync(cancellationToken);
    }

    private Task<List<(string Name, IMailFolder Folder)>> ReconcileFoldersAsync(Session session, CancellationToken cancellationToken) =>
        ReconcileFoldersAsync(session, session.Client, cancellationToken);

    /// <summary>Lists the folders, picks up new ones and marks vanished ones gone (their mail stays archived).</summary>
    private async Task<List<(string Name, IMailFolder Folder)>> ReconcileFoldersAsync(Session session, ImapClient client, CancellationToken cancellationToken)
    {
        var settings = session.Source.Settings;
        var personal = client.PersonalNamespaces.Count > 0 ? client.PersonalNamespaces[0] : null;
        var listed = personal is null ? [] : (await client.GetFoldersAsync(personal, StatusItems.None, subscribedOnly: false, cancellationToken)).ToList();
        if (!listed.Any(f => string.Equals(f.FullName, FolderNames.Inbox, StringComparison.OrdinalIgnoreCase)))
        {
            listed.Add(client.Inbox);
        }

        var onServer = listed
            .Where(f => !f.Attributes.HasFlag(FolderAttributes.NoSelect) && !f.Attributes.HasFlag(FolderAttributes.NonExistent))
            .Select(f => (Name: FolderNames.DisplayName(f, personal?.Path), Folder: f))
            .DistinctBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
        var selected = onServer
            .Where(f => FolderNames.IsSelected(f.Name, settings.IncludeFolders, settings.ExcludeFolders))
            .OrderBy(f => FolderNames.Rank(f.Name, f.Folder))
            .ThenBy(f => f.Name, StringComparer.Ordinal)
            .ToList();

        var stored = await store.ListFolderStatesAsync(session.Source.Id, cancellationToken);
        foreach (var state in stored)
        {
            session.States.TryAdd(state.Folder, state);
        }

        foreach (var (name, _) in selected)
        {
            session.States.TryAdd(name, new FolderSyncState { SourceId = session.Source.Id, Folder = name });
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

        if (session.Progress.Current.FoldersTotal != selected.Count && session.Source.ImportCompleted)
        {
            await session.Progress.SetAsync(p => p with { FoldersTotal = selected.Count, FoldersDone = selected.Count }, cancellationToken);
        }

        return selected;
    }

    private async Task<ImapConnection> OpenAsync(Source source, CancellationToken cancellationToken)
    {
        var connection = await connector.ConnectImapAsync(source.Settings, passwords.ReadPassword(source), cancellationToken);
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
    private TimeSpan PollInterval(Session session) => session.Source.Settings.PollInterval ?? _options.PollInterval;

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

    /// <returns>When to try again, or null when a person must act first.</returns>
    private async Task<DateTimeOffset?> RecordFailureAsync(string sourceId, Exception exception, CancellationToken cancellationToken)
    {
        var source = await store.GetSourceAsync(sourceId, cancellationToken);
        if (source is null)
        {
            return null;
        }

        var classified = exception is MailConnectionException connectionFailure
            ? connectionFailure.Error
            : ErrorClassifier.Classify(exception, source.Settings);
        var error = retryPolicy.ToSourceError(classified, source.Error);
        await store.UpdateSourceStatusAsync(sourceId, SourceStatus.Error, error, importCompleted: null, cancellationToken);
        await store.AppendEventAsync(new(sourceId, error.OccurredAt, "error", $"{classified.Code}: {classified.Message}"), cancellationToken);
        metrics.SyncFailed(classified.Code);
        metrics.StatusChanged(sourceId, SourceStatus.Error);
        SyncLog.SyncFailed(logger, exception, sourceId, classified.Code, error.NextRetryAt);
        if (error.NextRetryAt is null)
        {
            SyncLog.WaitingForPerson(logger, sourceId, classified.Code);
        }

        return error.NextRetryAt;
    }

    /// <summary>What one connected run knows: the source, its folders and their checkpoints, its progress.</summary>
    private sealed class Session(Source source, ImapConnection connection, SyncProgressTracker progress)
    {
        public Source Source { get; } = source;

        public ImapClient Client { get; } = connection.Client;

        public List<(string Name, IMailFolder Folder)> Folders { get; set; } = [];

        public ConcurrentDictionary<string, FolderSyncState> States { get; } = new(StringComparer.Ordinal);

        public SyncProgressTracker Progress { get; } = progress;
    }
}
