using MailKit.Net.Pop3;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vault.Archive;
using Vault.Archive.Folders;
using Vault.Archive.Messages;
using Vault.Archive.Pop3;
using Vault.Archive.Sources;
using Vault.Ingestion.Connections;
using Vault.Ingestion.Connectors;
using Vault.Ingestion.Credentials;
using Vault.Ingestion.Errors;
using Vault.Ingestion.Sync;
using Vault.Search.Indexing;

namespace Vault.Ingestion.Pop3;

/// <summary>
/// POP3 (ARCHITECTURE.md, "POP3 sources"): INBOX only, tracked by UIDL (RFC 1939 §7), polled every poll interval over a
/// short session, so the maildrop lock is never held between polls. Each unknown UIDL is fetched with RETR and archived
/// byte-exact under a UID Vault gives it (location INBOX, UIDVALIDITY 0, UID), in batches committed with the UIDLs and the
/// INBOX checkpoint. Vault never sends DELE, and ends every session without QUIT: the server never enters its UPDATE
/// state (RFC 1939 §6), so nothing is deleted and Gmail does not count the mail as downloaded.
/// <para>
/// Large messages are bounded, not streamed: MailKit's Pop3Client holds each RETR whole in memory and has no way to
/// hand it over as it arrives (notes/pop3.md §8). So a batch reserves its LIST sizes in the process's
/// <see cref="InFlightBudget"/> before its RETRs; a message larger than the whole budget takes all of it and is then the
/// only fetched mail in memory, and its peak is its own size.
/// </para>
/// </summary>
public sealed class Pop3SourceSynchronizer(
    IMessageStore messageStore,
    IFolderSyncStore syncState,
    IPop3StateStore uidlStore,
    IIndexHandOver indexer,
    IMailCredentialProvider credentials,
    MailConnector connector,
    SyncMetrics metrics,
    InFlightBudget inFlight,
    IOptions<SyncOptions> options,
    IOptions<ArchiveOptions> archiveOptions,
    TimeProvider timeProvider,
    ILogger<Pop3SourceSynchronizer> logger) : IProtocolSynchronizer
{
    /// <summary>How much retrieved mail MailKit may hold in memory at once (it buffers each RETR whole).</summary>
    private const long PipelineBytes = 4 * 1024 * 1024;

    private readonly SyncOptions _options = options.Value;
    private readonly string _tempDirectory = Path.Combine(archiveOptions.Value.DataDirectory, "tmp");

    public MailProtocol Protocol => MailProtocol.Pop3;

    public async Task RunAsync(SourceRun run, bool continuous, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        await run.RecountAsync(cancellationToken);
        if (!run.ImportCompleted)
        {
            using (await run.TakeImportSlotAsync(cancellationToken))
            {
                await run.StartImportAsync("Importing the POP3 INBOX.", cancellationToken);
                await PassAsync(run, importing: true, cancellationToken);
            }

            await run.FinishImportAsync(cancellationToken);
        }
        else
        {
            await PassAsync(run, importing: false, cancellationToken);
        }

        // POP3 has no IDLE: poll, holding no connection (and no maildrop lock) in between.
        while (continuous)
        {
            await Task.Delay(run.PollInterval, timeProvider, cancellationToken);
            await PassAsync(run, importing: false, cancellationToken);
        }
    }

    /// <summary>One short session: UIDL and LIST, RETR of every unknown UIDL in batches, vanished UIDLs marked, then disconnect.</summary>
    private async Task PassAsync(SourceRun run, bool importing, CancellationToken cancellationToken)
    {
        using var activity = VaultTelemetry.ActivitySource.StartActivity("vault.sync.pass");
        activity?.SetTag("vault.source.id", run.SourceId);
        var started = timeProvider.GetTimestamp();
        var lease = run.Budget is null ? null : await run.Budget.AcquireAsync(cancellationToken);
        try
        {
            using var client = await connector.ConnectPop3Async(run.Source.Settings, await credentials.GetAsync(run.Source, cancellationToken), cancellationToken);
            try
            {
                await SyncInboxAsync(run, client, importing, cancellationToken);
            }
            finally
            {
                await DisconnectWithoutQuitAsync(client);
            }
        }
        finally
        {
            lease?.Dispose();
        }

        metrics.PassCompleted(timeProvider.GetElapsedTime(started));
        await run.MarkProgressAsync(cancellationToken);
    }

    private async Task SyncInboxAsync(SourceRun run, Pop3Client client, bool importing, CancellationToken cancellationToken)
    {
        var sourceId = run.SourceId;
        if (client.Capabilities.HasFlag(Pop3Capabilities.Expire) && client.ExpirePolicy == 0)
        {
            // RFC 2449 §6.7: EXPIRE 0 means the server removes whatever a client retrieves; archiving would empty the mailbox.
            throw new MailConnectionException(new ClassifiedError(
                ErrorCodes.ProtocolNotSupported,
                "This POP3 server deletes every message a client downloads (it announces EXPIRE 0).",
                "Vault never takes mail away from a mailbox: use the account's IMAP access instead, or change the server's POP3 setting to keep mail.",
                "CAPA: EXPIRE 0",
                Transient: false), null);
        }

        IList<string> uidls;
        try
        {
            uidls = await client.GetMessageUidsAsync(cancellationToken);
        }
        catch (NotSupportedException)
        {
            // MailKit probes UIDL after login and refuses to list without it (Pop3Client.ProbeCapabilities).
            throw new MailConnectionException(UidlMissing(), null);
        }

        var sizes = uidls.Count == 0 ? [] : await client.GetMessageSizesAsync(cancellationToken);
        var known = (await uidlStore.ListPop3UidlsAsync(sourceId, cancellationToken)).ToDictionary(u => u.Uidl, StringComparer.Ordinal);
        var state = (await syncState.ListFolderStatesAsync(sourceId, cancellationToken)).FirstOrDefault(s => s.Folder == Pop3Locations.Folder)
            ?? new FolderSyncState { SourceId = sourceId, Folder = Pop3Locations.Folder, UidValidity = Pop3Locations.UidValidity };
        var nextUid = Math.Max(state.Watermark, known.Count == 0 ? 0 : known.Values.Max(u => u.Uid)) + 1;

        var fresh = Enumerable.Range(0, uidls.Count).Where(i => !known.ContainsKey(uidls[i])).ToList();
        if (importing)
        {
            await run.Progress.SetAsync(p => p with { MessagesOnServer = uidls.Count, FoldersDone = 0, FoldersTotal = 1 }, cancellationToken);
        }

        var since = run.Source.Settings.Since;
        var skipped = new List<Pop3Uidl>();
        var batch = new List<(int Index, long Uid)>();
        long bytes = 0;
        foreach (var index in fresh)
        {
            if (since is { } from && await IsOlderAsync(client, index, from, cancellationToken))
            {
                // Older than the source's "since" (by its Date header, POP3 has no INTERNALDATE): noted so it is not looked at again.
                skipped.Add(new Pop3Uidl(uidls[index], 0));
                continue;
            }

            if (batch.Count > 0 && (batch.Count >= _options.BatchMaxMessages || bytes + sizes[index] > _options.BatchMaxBytes))
            {
                state = await ArchiveBatchAsync(run, client, uidls, sizes, batch, state, uidls.Count, cancellationToken);
                batch.Clear();
                bytes = 0;
            }

            batch.Add((index, nextUid++));
            bytes += sizes[index];
        }

        if (batch.Count > 0)
        {
            state = await ArchiveBatchAsync(run, client, uidls, sizes, batch, state, uidls.Count, cancellationToken);
        }

        if (skipped.Count > 0)
        {
            await uidlStore.SavePop3UidlsAsync(sourceId, skipped, cancellationToken);
        }

        var onServer = uidls.ToHashSet(StringComparer.Ordinal);
        var vanished = known.Values.Where(u => u.GoneAt is null && !onServer.Contains(u.Uidl)).Select(u => u.Uidl).ToList();
        if (vanished.Count > 0)
        {
            // Gone from the server (deleted by another client): kept in the archive, marked.
            var changed = await uidlStore.MarkPop3UidlsGoneAsync(sourceId, vanished, timeProvider.GetUtcNow(), cancellationToken);
            if (changed.Count > 0)
            {
                await indexer.EnqueueAsync(changed, cancellationToken);
            }
        }

        await syncState.SaveFolderStateAsync(state with { MessagesOnServer = uidls.Count, UidNext = nextUid, ImportDone = true }, cancellationToken);
        await run.Progress.SetAsync(p => p with { MessagesOnServer = uidls.Count, FoldersDone = 1, FoldersTotal = 1 }, cancellationToken);
    }

    /// <summary>RETR each message of the batch (MailKit hands it over whole, already dot-unstuffed), then one commit with its UIDLs.</summary>
    private async Task<FolderSyncState> ArchiveBatchAsync(
        SourceRun run, Pop3Client client, IList<string> uidls, IList<int> sizes, List<(int Index, long Uid)> batch, FolderSyncState state, int onServer, CancellationToken cancellationToken)
    {
        using var activity = VaultTelemetry.ActivitySource.StartActivity("vault.sync.batch");
        activity?.SetTag("vault.source.id", run.SourceId);
        activity?.SetTag("vault.batch.messages", batch.Count);
        var started = timeProvider.GetTimestamp();
        var messages = new List<IncomingMessage>();
        using var reservation = await inFlight.ReserveAsync(batch.Sum(b => (long)sizes[b.Index]), cancellationToken);
        try
        {
            // RETR pipelined (RFC 2449 PIPELINING; MailKit sends them one by one without it) a few megabytes at a time:
            // MailKit holds each retrieved message in memory until it is copied out.
            foreach (var chunk in PipelineChunks(batch, sizes))
            {
                var streams = await client.GetStreamsAsync(chunk.Select(b => b.Index).ToList(), headersOnly: false, cancellationToken);
                for (var i = 0; i < chunk.Count; i++)
                {
                    MessageContent content;
                    await using (var stream = streams[i])
                    {
                        // Pooled, as the IMAP fetch: the batch's contents are disposed once it is committed (the indexer holds what it
                        // was handed), and the next batch reuses their arrays.
                        content = await MessageContent.CopyFromAsync(stream, _tempDirectory, pooled: true, cancellationToken);
                    }

                    MessageHeaderSummary headers;
                    await using (var raw = content.OpenRead())
                    {
                        headers = MessageHeaderSummary.Read(raw);
                    }

                    messages.Add(new IncomingMessage(new MessageLocation(Pop3Locations.Folder, Pop3Locations.UidValidity, chunk[i].Uid), content, InternalDate: null, Flags: [], headers));
                }
            }

            var checkpoint = state with { Watermark = batch[^1].Uid, MessagesOnServer = onServer };
            var committed = new MessageBatch(run.SourceId, messages, checkpoint, batch.Select(b => new Pop3Uidl(uidls[b.Index], b.Uid)).ToList());
            var result = await messageStore.CommitBatchAsync(committed, cancellationToken);
            await indexer.EnqueueAsync(committed, result, cancellationToken);
            await DisposeAllAsync(messages);
            reservation.Dispose();

            metrics.BatchCommitted(result.Added.Count, result.BytesAdded, timeProvider.GetElapsedTime(started));
            Pop3Log.BatchCommitted(logger, run.SourceId, messages.Count);
            await run.Progress.AddBatchAsync(p => p with { MessagesArchived = p.MessagesArchived + result.Added.Count, BytesArchived = p.BytesArchived + result.BytesAdded }, cancellationToken);
            await run.MarkProgressAsync(cancellationToken);
            await run.Progress.FlushAsync(cancellationToken);
            return checkpoint;
        }
        finally
        {
            await DisposeAllAsync(messages);
        }
    }

    private static async Task DisposeAllAsync(List<IncomingMessage> messages)
    {
        foreach (var message in messages)
        {
            await message.Content.DisposeAsync();
        }
    }

    /// <summary>Runs of the batch of at most <see cref="PipelineBytes"/> by their LIST sizes (a larger message alone).</summary>
    private static IEnumerable<List<(int Index, long Uid)>> PipelineChunks(List<(int Index, long Uid)> batch, IList<int> sizes)
    {
        var chunk = new List<(int Index, long Uid)>();
        long bytes = 0;
        foreach (var message in batch)
        {
            if (chunk.Count > 0 && bytes + sizes[message.Index] > PipelineBytes)
            {
                yield return chunk;
                chunk = [];
                bytes = 0;
            }

            chunk.Add(message);
            bytes += sizes[message.Index];
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    private static async Task<bool> IsOlderAsync(Pop3Client client, int index, DateTimeOffset since, CancellationToken cancellationToken)
    {
        // TOP n 0 (RFC 1939 §7): the headers only.
        var headers = await client.GetMessageHeadersAsync(index, cancellationToken);
        return MimeKit.Utils.DateUtils.TryParse(headers[MimeKit.HeaderId.Date], out var date) && date < since;
    }

    private static async Task DisconnectWithoutQuitAsync(Pop3Client client)
    {
        try
        {
            if (client.IsConnected)
            {
                await client.DisconnectAsync(quit: false, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is IOException or MailKit.ProtocolException)
        {
            // Closing the socket is all that is left to do; Dispose does it.
        }
    }

    private static ClassifiedError UidlMissing() => new(
        ErrorCodes.UidlNotSupported,
        "This POP3 server cannot name its messages (it has no UIDL), so Vault cannot tell new mail from mail it already archived.",
        "Use the mailbox's IMAP access if the server offers it; otherwise ask the server's administrator to enable UIDL (every current POP3 server has it).",
        "UIDL: not supported",
        Transient: false);
}
