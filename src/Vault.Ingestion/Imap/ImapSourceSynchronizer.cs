using System.Collections.Concurrent;
using MailKit;
using MailKit.Net.Imap;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vault.Archive;
using Vault.Archive.Folders;
using Vault.Archive.Sources;
using Vault.Ingestion.Connections;
using Vault.Ingestion.Connectors;
using Vault.Ingestion.Credentials;
using Vault.Ingestion.Errors;
using Vault.Ingestion.Sync;

namespace Vault.Ingestion.Imap;

/// <summary>
/// IMAP (ARCHITECTURE.md, "Sync engine"): the bulk import of every selected folder, INBOX and Sent first, then continuous
/// sync. An idle source holds no thread: with IDLE it holds one connection on INBOX (the other folders are polled over
/// a short-lived second one, or over the same one when a source may hold only one or is a connector's mailbox); in
/// poll mode it holds nothing between polls. A connector's mailbox takes its connections from the connector's budget
/// and idles only with an IDLE slot.
/// </summary>
public sealed class ImapSourceSynchronizer(
    ISourceStore sources,
    IFolderSyncStore syncState,
    ImapFolderSynchronizer folderSynchronizer,
    IMailCredentialProvider credentials,
    MailConnector connector,
    SyncMetrics metrics,
    IOptions<SyncOptions> options,
    TimeProvider timeProvider,
    ILogger<ImapSourceSynchronizer> logger) : IProtocolSynchronizer
{
    private readonly SyncOptions _options = options.Value;

    public MailProtocol Protocol => MailProtocol.Imap;

    public async Task RunAsync(SourceRun run, bool continuous, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var source = run.Source;
        var slot = source.ImportCompleted ? null : await run.TakeImportSlotAsync(cancellationToken);
        var lastNewMail = DateTimeOffset.MinValue;
        try
        {
            var connection = await OpenAsync(source, run.Budget, cancellationToken);
            try
            {
                var session = new Session(run, connection);
                await run.RecountAsync(cancellationToken);
                await ReconcileFoldersAsync(session, session.Client, cancellationToken);
                if (!source.ImportCompleted)
                {
                    await ImportAsync(session, cancellationToken);
                    // The slot goes back before Active shows: an Active source holds no import slot.
                    slot?.Dispose();
                    await session.Run.FinishImportAsync(cancellationToken);
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

            await PollLoopAsync(run, lastNewMail, cancellationToken);
        }
        finally
        {
            slot?.Dispose();
        }
    }

    private async Task ImportAsync(Session session, CancellationToken cancellationToken)
    {
        SyncLog.ImportStarting(logger, session.Source.Id, session.Folders.Count);
        await session.Run.StartImportAsync($"Importing {session.Folders.Count} folders.", cancellationToken);
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
                await session.Run.MarkProgressAsync(cancellationToken);
            }
        }
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
        var interval = session.Run.PollInterval;
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
            await Task.Delay(session.Run.PollInterval, timeProvider, cancellationToken);
            ImapConnection connection;
            try
            {
                connection = await OpenAsync(session.Source, budget: null, cancellationToken);
            }
            catch (MailConnectionException refused) when (refused.Error.Code == ErrorCodes.TooManyConnections)
            {
                session.PollOnIdleConnection = true;
                SyncLog.OneConnectionOnly(logger, session.Source.Id);
                await session.Run.AppendEventAsync("one-connection",
                    "The server refused a second connection for this account; the idling connection polls the other folders from now on.", cancellationToken);
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
    private async Task PollLoopAsync(SourceRun run, DateTimeOffset lastNewMail, CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(run.PollInterval, timeProvider, cancellationToken);
            await using var connection = await OpenAsync(run.Source, run.Budget, cancellationToken);
            var session = new Session(run, connection) { LastNewMailAt = lastNewMail };
            await ReconcileFoldersAsync(session, session.Client, cancellationToken);
            await PollPassAsync(session, session.Client, skipInbox: false, cancellationToken);
            lastNewMail = session.LastNewMailAt;
            if (run.Budget is not null && await IdleIfAllowedAsync(session, cancellationToken))
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
        await session.Run.MarkProgressAsync(cancellationToken);
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

                await session.Run.MarkProgressAsync(token);
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

        foreach (var state in await syncState.ListFolderStatesAsync(session.Source.Id, cancellationToken))
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
            await syncState.SaveFolderStateAsync(marked, cancellationToken);
            await sources.AppendEventAsync(new(session.Source.Id, timeProvider.GetUtcNow(), "folder-gone", $"Folder {gone.Folder} is gone from the server; its mail stays archived."), cancellationToken);
        }

        if (session.Client == client)
        {
            session.Folders = selected;
        }

        if (session.Progress.Current.FoldersTotal != selected.Count && session.Run.ImportCompleted)
        {
            await session.Progress.SetAsync(p => p with { FoldersTotal = selected.Count, FoldersDone = selected.Count }, cancellationToken);
        }

        return selected;
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

    /// <summary>What one connection of a run knows: the folders and their checkpoints, the budget's lease.</summary>
    private sealed class Session(SourceRun run, ImapConnection connection)
    {
        public SourceRun Run { get; } = run;

        public Source Source => Run.Source;

        public ImapClient Client { get; } = connection.Client;

        /// <summary>The connector budget's connection this session holds; null for a source of its own.</summary>
        public ConnectionLease? Lease { get; } = connection.Lease;

        public ConnectorBudget? Budget => Run.Budget;

        public SyncProgressTracker Progress => Run.Progress;

        /// <summary>Set when the server refuses a second connection: the idling connection then polls the other folders.</summary>
        public bool PollOnIdleConnection { get; set; }

        /// <summary>When this source last archived new mail here: its claim on an IDLE slot of its connector.</summary>
        public DateTimeOffset LastNewMailAt { get; set; } = DateTimeOffset.MinValue;

        public List<(string Name, IMailFolder Folder)> Folders { get; set; } = [];

        public ConcurrentDictionary<string, FolderSyncState> States { get; } = new(StringComparer.Ordinal);

        public void NewMail()
        {
            LastNewMailAt = Run.Now;
            if (Lease is { IsIdle: true } idle)
            {
                Budget!.Touch(idle, LastNewMailAt);
            }
        }
    }
}
