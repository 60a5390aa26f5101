using System.Diagnostics;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vault.Archive;
using Vault.Archive.Folders;
using Vault.Archive.Messages;
using Vault.Archive.Sources;
using Vault.Ingestion.Sync;
using Vault.Search.Indexing;

namespace Vault.Ingestion.Imap;

/// <summary>
/// One pass over one folder (ARCHITECTURE.md, "Sync engine"; notes §4): EXAMINE, new UIDs above the watermark in
/// explicit ranges, bodies fetched in batches bounded by count and bytes and streamed into the store with the
/// checkpoint that covers them, then flag changes and server-side deletions. Plain code: no Quartz.
/// A batch holds its share of the process's <see cref="InFlightBudget"/> from its fetch to its commit; a message above
/// <see cref="SyncOptions.LargeMessageBytes"/> is fetched in pieces into a temp file, so it holds one piece of memory.
/// </summary>
public sealed class ImapFolderSynchronizer(
    ISourceStore sources,
    IMessageStore messageStore,
    IFolderSyncStore syncState,
    IIndexHandOver indexer,
    SyncMetrics metrics,
    InFlightBudget inFlight,
    IOptions<SyncOptions> options,
    IOptions<ArchiveOptions> archiveOptions,
    TimeProvider timeProvider,
    ILogger<ImapFolderSynchronizer> logger)
{
    private const MessageSummaryItems SummaryItems =
        MessageSummaryItems.UniqueId | MessageSummaryItems.Size | MessageSummaryItems.InternalDate | MessageSummaryItems.Flags;

    private readonly SyncOptions _options = options.Value;
    private readonly string _tempDirectory = Path.Combine(archiveOptions.Value.DataDirectory, "tmp");

    /// <param name="onBatch">Called after each committed batch with what it added, for progress.</param>
    /// <param name="since">Only messages with an INTERNALDATE on or after this are archived; older ones are passed over for good.</param>
    public async Task<FolderPassResult> SyncAsync(
        IMailFolder folder,
        FolderSyncState state,
        Func<BatchResult, CancellationToken, Task> onBatch,
        CancellationToken cancellationToken,
        DateTimeOffset? since = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(onBatch);

        // EXAMINE, never SELECT: read-only access cannot set \Seen or expunge anything (RFC 3501 §6.3.2).
        await folder.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
        long uidValidity = folder.UidValidity;
        long uidNext = folder.UidNext?.Id ?? 0;
        var modSeq = folder.HighestModSeq;
        var exists = folder.Count;

        if (state.UidValidity != 0 && uidValidity != 0 && state.UidValidity != uidValidity)
        {
            SyncLog.UidValidityChanged(logger, state.SourceId, state.Folder, state.UidValidity, uidValidity);
            await sources.AppendEventAsync(new(state.SourceId, timeProvider.GetUtcNow(), "uidvalidity-changed",
                $"Folder {state.Folder} changed UIDVALIDITY; its messages are re-matched by content."), cancellationToken);
            state = state with { UidValidity = uidValidity, Watermark = 0, HighestModSeq = 0, UidNext = 0, MessagesOnServer = 0, RetryList = [], ImportDone = false };
            await syncState.SaveFolderStateAsync(state, cancellationToken);
        }
        else if (state.UidValidity == 0)
        {
            state = state with { UidValidity = uidValidity };
        }

        state = state with { GoneAt = null };
        var pass = new Pass(state, await LoadStaleLocationsAsync(state, cancellationToken));

        if (state.ImportDone && state.Watermark > 0)
        {
            // CONDSTORE with a MODSEQ from the last pass to count from: only what changed since. Otherwise (no CONDSTORE, or
            // no MODSEQ last time) every flag is compared. Dovecot reports HIGHESTMODSEQ to a client that did not enable
            // CONDSTORE once any client used it, so the MODSEQ alone does not tell what the connection can ask for.
            var condstore = folder.Supports(FolderFeature.ModSequences) && modSeq > 0;
            if (condstore && state.HighestModSeq > 0 && modSeq >= state.HighestModSeq)
            {
                if (modSeq > state.HighestModSeq)
                {
                    await RecordFlagChangesAsync(folder, state, cancellationToken);
                }
            }
            else
            {
                await RecordAllFlagsAsync(folder, state, cancellationToken);
            }
        }

        var retry = state.RetryList.Where(r => r.Attempts < _options.MaxFetchAttempts).Select(r => r.Uid).ToHashSet();
        if (retry.Count > 0)
        {
            var summaries = await folder.FetchAsync(retry.Select(u => new UniqueId((uint)u)).ToList(), SummaryItems, cancellationToken);
            var found = summaries.Select(s => (long)s.UniqueId.Id).ToHashSet();
            foreach (var gone in retry.Where(u => !found.Contains(u)))
            {
                // Expunged since it failed (notes §3 #23): nothing left to fetch.
                pass.RetryList.RemoveAll(r => r.Uid == gone);
            }

            await ArchiveAsync(folder, pass, summaries.Where(s => InScope(s, since)).OrderBy(s => s.UniqueId.Id).ToList(), advanceWatermark: false, onBatch, cancellationToken);
        }

        var newCount = 0;
        var upper = uidNext > 0 ? uidNext - 1 : uint.MaxValue;
        if (upper > pass.State.Watermark)
        {
            // Explicit bounds, never "n:*": a server answers "n:*" with its last message even when n is past it (notes §3 #32).
            var range = new UniqueIdRange(new UniqueId((uint)uidValidity, (uint)(pass.State.Watermark + 1)), new UniqueId((uint)uidValidity, (uint)upper));
            var summaries = (await folder.FetchAsync(range, SummaryItems, cancellationToken))
                .Where(s => s.UniqueId.Id > pass.State.Watermark && s.UniqueId.Id <= upper)
                .OrderBy(s => s.UniqueId.Id)
                .ToList();
            newCount = summaries.Count;
            // Mail older than the source's "since" is skipped, and the watermark passes it (it is never wanted).
            var wanted = since is null ? summaries : summaries.Where(s => InScope(s, since)).ToList();
            await ArchiveAsync(folder, pass, wanted, advanceWatermark: true, onBatch, cancellationToken);
            if (uidNext > 0)
            {
                pass.State = pass.State with { Watermark = Math.Max(pass.State.Watermark, upper) };
            }
        }

        if (pass.State.ImportDone && exists != state.MessagesOnServer + newCount)
        {
            await RecordDeletionsAsync(folder, pass.State, cancellationToken);
        }

        if (pass.Stale.Count > 0)
        {
            // Archived under the old UIDVALIDITY and not served any more: kept, marked gone.
            foreach (var group in pass.Stale.Values.SelectMany(l => l).GroupBy(l => l.UidValidity))
            {
                await indexer.EnqueueAsync(
                    await syncState.MarkDeletedOnServerAsync(state.SourceId, state.Folder, group.Key, group.Select(l => l.Uid).ToList(), timeProvider.GetUtcNow(), cancellationToken),
                    cancellationToken);
            }
        }

        var final = pass.State with
        {
            UidNext = uidNext,
            HighestModSeq = modSeq,
            MessagesOnServer = exists,
            RetryList = pass.RetryList.ToList(),
            ImportDone = true,
        };
        await syncState.SaveFolderStateAsync(final, cancellationToken);
        return new FolderPassResult(final, pass.MessagesAdded, pass.BytesAdded);
    }

    private async Task ArchiveAsync(
        IMailFolder folder,
        Pass pass,
        IReadOnlyList<IMessageSummary> summaries,
        bool advanceWatermark,
        Func<BatchResult, CancellationToken, Task> onBatch,
        CancellationToken cancellationToken)
    {
        var batch = new List<IMessageSummary>();
        long bytes = 0;
        foreach (var summary in summaries)
        {
            var size = (long)(summary.Size ?? 0);
            if (batch.Count > 0 && (batch.Count >= _options.BatchMaxMessages || bytes + size > _options.BatchMaxBytes))
            {
                await ArchiveBatchAsync(folder, pass, batch, advanceWatermark, onBatch, cancellationToken);
                batch.Clear();
                bytes = 0;
            }

            batch.Add(summary);
            bytes += size;
        }

        if (batch.Count > 0)
        {
            await ArchiveBatchAsync(folder, pass, batch, advanceWatermark, onBatch, cancellationToken);
        }
    }

    private async Task ArchiveBatchAsync(
        IMailFolder folder,
        Pass pass,
        List<IMessageSummary> batch,
        bool advanceWatermark,
        Func<BatchResult, CancellationToken, Task> onBatch,
        CancellationToken cancellationToken)
    {
        using var activity = VaultTelemetry.ActivitySource.StartActivity("vault.sync.batch");
        activity?.SetTag("vault.source.id", pass.State.SourceId);
        activity?.SetTag("vault.folder", pass.State.Folder);
        activity?.SetTag("vault.batch.messages", batch.Count);
        var started = timeProvider.GetTimestamp();

        var contents = new Dictionary<uint, MessageContent>();
        var large = batch.Where(IsLarge).ToList();
        var whole = batch.Where(s => !IsLarge(s)).Select(s => s.UniqueId).ToList();
        // Whole bodies stay in memory (up to MessageContent.MemoryLimit each) until the commit; a large one costs one piece.
        using var reservation = await inFlight.ReserveAsync(
            batch.Where(s => !IsLarge(s)).Sum(s => (long)(s.Size ?? 0)) + (large.Count > 0 ? _options.LargeMessageBytes : 0), cancellationToken);
        try
        {
            var failures = whole.Count == 0 ? new Dictionary<uint, string>() : await FetchBodiesAsync((ImapFolder)folder, whole, contents, cancellationToken);
            foreach (var summary in large)
            {
                var (content, failure) = await FetchInPiecesAsync(folder, summary, cancellationToken);
                if (content is not null)
                {
                    contents[summary.UniqueId.Id] = content;
                }
                else
                {
                    failures[summary.UniqueId.Id] = failure!;
                }
            }

            var messages = new List<IncomingMessage>();
            var remaps = new List<(string Sha256, MessageLocation NewLocation)>();
            foreach (var summary in batch)
            {
                if (!contents.TryGetValue(summary.UniqueId.Id, out var content))
                {
                    continue;
                }

                MessageHeaderSummary headers;
                await using (var raw = content.OpenRead())
                {
                    headers = MessageHeaderSummary.Read(raw);
                }

                var location = new MessageLocation(pass.State.Folder, pass.State.UidValidity, summary.UniqueId.Id);
                if (pass.Stale.Remove(content.Sha256, out _))
                {
                    remaps.Add((content.Sha256, location));
                }

                messages.Add(new IncomingMessage(location, content, summary.InternalDate, FlagNames(summary), headers));
            }

            foreach (var summary in batch)
            {
                long uid = summary.UniqueId.Id;
                var previous = pass.RetryList.FindIndex(r => r.Uid == uid);
                if (failures.TryGetValue(summary.UniqueId.Id, out var reason))
                {
                    var attempts = previous >= 0 ? pass.RetryList[previous].Attempts + 1 : 1;
                    SyncLog.FetchFailed(logger, pass.State.SourceId, pass.State.Folder, uid, attempts, reason);
                    var entry = new RetryEntry(uid, attempts, reason);
                    if (previous >= 0)
                    {
                        pass.RetryList[previous] = entry;
                    }
                    else
                    {
                        pass.RetryList.Add(entry);
                    }
                }
                else if (previous >= 0)
                {
                    pass.RetryList.RemoveAt(previous);
                }
            }

            if (advanceWatermark)
            {
                // Every UID of the batch is archived or on the retry list, so the watermark can pass all of them.
                pass.State = pass.State with { Watermark = Math.Max(pass.State.Watermark, batch.Max(s => (long)s.UniqueId.Id)) };
            }

            if (remaps.Count > 0)
            {
                await syncState.RemapLocationsAsync(pass.State.SourceId, pass.State.Folder, remaps, cancellationToken);
            }

            var checkpoint = pass.State with { RetryList = pass.RetryList.ToList() };
            var committed = new MessageBatch(pass.State.SourceId, messages, checkpoint);
            var result = await messageStore.CommitBatchAsync(committed, cancellationToken);
            // Committed: the bodies are the store's now (the indexer is handed those in memory), and the budget is free for the next batch.
            await indexer.EnqueueAsync(committed, result, cancellationToken);
            await DisposeAllAsync(contents.Values);
            reservation.Dispose();

            pass.MessagesAdded += result.Added.Count;
            pass.BytesAdded += result.BytesAdded;
            metrics.BatchCommitted(result.Added.Count, result.BytesAdded, timeProvider.GetElapsedTime(started));
            SyncLog.BatchCommitted(logger, pass.State.SourceId, pass.State.Folder, messages.Count);
            await onBatch(result, cancellationToken);
        }
        finally
        {
            await DisposeAllAsync(contents.Values);
        }
    }

    private static async Task DisposeAllAsync(IEnumerable<MessageContent> contents)
    {
        foreach (var content in contents)
        {
            await content.DisposeAsync();
        }
    }

    private bool IsLarge(IMessageSummary summary) => (long)(summary.Size ?? 0) > _options.LargeMessageBytes;

    /// <summary>
    /// A large message, <c>UID FETCH uid BODY.PEEK[]&lt;offset.length&gt;</c> (RFC 3501 §6.4.5) one piece after another,
    /// each written to the message's temp file and hashed as it arrives, until a piece comes back short (the server
    /// returns an empty string past the end). RFC822.SIZE decides only that it is large: the message ends where the server
    /// says, not where its announced size said. A failure (connection cut, NO) starts the message over on the next try.
    /// </summary>
    private async Task<(MessageContent? Content, string? Failure)> FetchInPiecesAsync(IMailFolder folder, IMessageSummary summary, CancellationToken cancellationToken)
    {
        var piece = _options.LargeMessageBytes;
        await using var writer = new MessageContentWriter(_tempDirectory, (long)(summary.Size ?? 0));
        while (true)
        {
            if (writer.Length > int.MaxValue - piece)
            {
                // MailKit's partial fetch takes an int offset.
                return (null, "larger than 2 GiB, which Vault cannot fetch");
            }

            long received;
            try
            {
                await using var stream = await folder.GetStreamAsync(summary.UniqueId, (int)writer.Length, piece, cancellationToken);
                received = await writer.AppendAsync(stream, cancellationToken);
            }
            catch (MessageNotFoundException)
            {
                // Expunged meanwhile (notes §3 #23): checked again on a later pass.
                return (null, "missing from the server's response");
            }
            catch (ImapCommandException e)
            {
                return (null, $"{e.Response}: {e.ResponseText}");
            }

            if (received < piece)
            {
                return (await writer.CompleteAsync(), null);
            }
        }
    }

    /// <summary>
    /// One <c>UID FETCH set BODY.PEEK[]</c> for the whole batch, each literal streamed to a <see cref="MessageContent"/>.
    /// A NO for the batch falls back to one command per missing UID, so one bad message fails alone (notes §3 #24).
    /// </summary>
    /// <returns>The UIDs that did not arrive, with the reason.</returns>
    private async Task<Dictionary<uint, string>> FetchBodiesAsync(ImapFolder folder, IList<UniqueId> uids, Dictionary<uint, MessageContent> contents, CancellationToken cancellationToken)
    {
        var failures = new Dictionary<uint, string>();
        async Task Receive(ImapFolder _, int index, UniqueId uid, Stream stream, CancellationToken token)
        {
            // Pooled: the batch's contents are disposed once it is committed, and the next batch reuses their arrays.
            var content = await MessageContent.CopyFromAsync(stream, _tempDirectory, pooled: true, token);
            if (contents.Remove(uid.Id, out var duplicate))
            {
                await duplicate.DisposeAsync();
            }

            contents[uid.Id] = content;
        }

        try
        {
            await folder.GetStreamsAsync(uids, Receive, cancellationToken);
        }
        catch (ImapCommandException)
        {
            foreach (var uid in uids.Where(u => !contents.ContainsKey(u.Id)))
            {
                try
                {
                    await folder.GetStreamsAsync([uid], Receive, cancellationToken);
                }
                catch (ImapCommandException single)
                {
                    failures[uid.Id] = $"{single.Response}: {single.ResponseText}";
                }
            }
        }

        foreach (var uid in uids.Where(u => !contents.ContainsKey(u.Id) && !failures.ContainsKey(u.Id)))
        {
            // OK without data: expunged meanwhile, or a server bug; checked again on a later pass (notes §3 #23).
            failures[uid.Id] = "missing from the server's response";
        }

        return failures;
    }

    /// <summary>
    /// Flags changed on the server since the last pass: stored, and the messages whose flags really changed are handed
    /// to the indexer, which rebuilds their documents from the store. Only UID and FLAGS are fetched, never a body.
    /// </summary>
    private async Task RecordFlagChangesAsync(IMailFolder folder, FolderSyncState state, CancellationToken cancellationToken)
    {
        // RFC 7162 §3.1.4: FETCH (CHANGEDSINCE m) returns only messages whose flags changed.
        var range = new UniqueIdRange(new UniqueId((uint)state.UidValidity, 1), new UniqueId((uint)state.UidValidity, (uint)state.Watermark));
        var request = new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Flags) { ChangedSince = state.HighestModSeq };
        var changed = await folder.FetchAsync(range, request, cancellationToken);
        var changes = changed.Where(s => s.UniqueId.Id <= state.Watermark)
            .Select(s => ((long)s.UniqueId.Id, (IReadOnlyList<string>)FlagNames(s)))
            .ToList();
        if (changes.Count > 0)
        {
            await indexer.EnqueueAsync(await syncState.UpdateFlagsAsync(state.SourceId, state.Folder, state.UidValidity, changes, cancellationToken), cancellationToken);
        }
    }

    /// <summary>
    /// Without CONDSTORE a server cannot say which flags changed (notes §4, "neither"): every archived UID's flags are
    /// fetched (UID and FLAGS only) and compared with the stored ones; only the differences are written and reindexed.
    /// </summary>
    private async Task RecordAllFlagsAsync(IMailFolder folder, FolderSyncState state, CancellationToken cancellationToken)
    {
        var stored = new Dictionary<long, IReadOnlyList<string>>();
        await foreach (var message in syncState.ListMessagesInFolderAsync(state.SourceId, state.Folder, cancellationToken))
        {
            foreach (var location in message.Locations.Where(l => l.Folder == state.Folder && l.UidValidity == state.UidValidity && l.Uid <= state.Watermark))
            {
                stored[location.Uid] = message.Flags;
            }
        }

        if (stored.Count == 0)
        {
            return;
        }

        var range = new UniqueIdRange(new UniqueId((uint)state.UidValidity, 1), new UniqueId((uint)state.UidValidity, (uint)state.Watermark));
        var onServer = await folder.FetchAsync(range, MessageSummaryItems.UniqueId | MessageSummaryItems.Flags, cancellationToken);
        var changes = onServer
            .Select(s => (Uid: (long)s.UniqueId.Id, Flags: (IReadOnlyList<string>)FlagNames(s)))
            .Where(c => stored.TryGetValue(c.Uid, out var flags) && !flags.SequenceEqual(c.Flags, StringComparer.Ordinal))
            .ToList();
        if (changes.Count > 0)
        {
            await indexer.EnqueueAsync(await syncState.UpdateFlagsAsync(state.SourceId, state.Folder, state.UidValidity, changes, cancellationToken), cancellationToken);
        }
    }

    private async Task RecordDeletionsAsync(IMailFolder folder, FolderSyncState state, CancellationToken cancellationToken)
    {
        var onServer = (await folder.SearchAsync(SearchQuery.All, cancellationToken)).Select(u => (long)u.Id).ToHashSet();
        var gone = new List<long>();
        await foreach (var message in syncState.ListMessagesInFolderAsync(state.SourceId, state.Folder, cancellationToken))
        {
            gone.AddRange(message.Locations
                .Where(l => l.Folder == state.Folder && l.UidValidity == state.UidValidity && l.Uid <= state.Watermark && !onServer.Contains(l.Uid))
                .Select(l => l.Uid));
        }

        if (gone.Count > 0)
        {
            // Their documents are rebuilt from the store with their new folders and, once gone everywhere, is:deleted.
            await indexer.EnqueueAsync(await syncState.MarkDeletedOnServerAsync(state.SourceId, state.Folder, state.UidValidity, gone, timeProvider.GetUtcNow(), cancellationToken), cancellationToken);
        }
    }

    /// <summary>
    /// Locations of this folder under another UIDVALIDITY, by content hash: after a UIDVALIDITY change the messages are
    /// fetched again and matched here, so they are moved rather than added (notes §4, "UIDVALIDITY change").
    /// Read on every pass until the folder's import is done, so a crash in the middle of the re-match resumes it.
    /// </summary>
    private async Task<Dictionary<string, List<MessageLocation>>> LoadStaleLocationsAsync(FolderSyncState state, CancellationToken cancellationToken)
    {
        var stale = new Dictionary<string, List<MessageLocation>>(StringComparer.Ordinal);
        if (state.ImportDone)
        {
            return stale;
        }

        await foreach (var message in syncState.ListMessagesInFolderAsync(state.SourceId, state.Folder, cancellationToken))
        {
            var old = message.Locations.Where(l => l.Folder == state.Folder && l.UidValidity != state.UidValidity).ToList();
            if (old.Count > 0)
            {
                stale[message.Sha256] = old;
            }
        }

        return stale;
    }

    /// <summary>INTERNALDATE (RFC 3501 §2.3.3) on or after <paramref name="since"/>; a server that sent none keeps the message.</summary>
    private static bool InScope(IMessageSummary summary, DateTimeOffset? since) =>
        since is null || summary.InternalDate is not { } date || date >= since.Value;

    private static List<string> FlagNames(IMessageSummary summary)
    {
        var names = new List<string>();
        var flags = summary.Flags ?? MessageFlags.None;
        if (flags.HasFlag(MessageFlags.Seen)) names.Add("\\Seen");
        if (flags.HasFlag(MessageFlags.Answered)) names.Add("\\Answered");
        if (flags.HasFlag(MessageFlags.Flagged)) names.Add("\\Flagged");
        if (flags.HasFlag(MessageFlags.Deleted)) names.Add("\\Deleted");
        if (flags.HasFlag(MessageFlags.Draft)) names.Add("\\Draft");
        if (summary.Keywords is not null)
        {
            names.AddRange(summary.Keywords);
        }

        return names;
    }

    /// <summary>The mutable state of one pass: the checkpoint as it advances, the retry list, the re-match table.</summary>
    private sealed class Pass(FolderSyncState state, Dictionary<string, List<MessageLocation>> stale)
    {
        public FolderSyncState State { get; set; } = state;

        public List<RetryEntry> RetryList { get; } = state.RetryList.ToList();

        public Dictionary<string, List<MessageLocation>> Stale { get; } = stale;

        public long MessagesAdded { get; set; }

        public long BytesAdded { get; set; }
    }
}
