using System.IO.Compression;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vault.Archive;
using Vault.Archive.Messages;
using Vault.Archive.Sources;
using Vault.Search.Indexing;

namespace Vault.Ingestion.Files;

/// <summary>
/// Archives the files of a <c>file</c> source (<c>POST /api/sources/import</c>): each <c>.mbox</c> into the folder its name
/// says, each <c>.eml</c> into INBOX, each <c>.zip</c> entry into the folder of its path (a <c>.mbox</c> inside a zip too).
/// Messages go through the same batches as IMAP mail: deduplicated per source, committed, handed to the indexer.
/// A broken file or message is reported (the source's events, with the file and the message's number and byte offset)
/// and the rest goes on. Storage failures propagate: the sync engine records them and the import starts again later,
/// changing nothing it already archived. When every file is done, the uploads are deleted.
/// </summary>
public sealed class FileImporter(
    ISourceStore sources, IMessageStore messages, IIndexHandOver indexer, Sync.InFlightBudget inFlight, IOptions<ArchiveOptions> archive, TimeProvider timeProvider, ILogger<FileImporter> logger)
{
    /// <summary>A single message above this (in a zip, say) is reported instead of archived.</summary>
    public const long MaxMessageBytes = 256L * 1024 * 1024;

    private const int MaxReportedProblems = 200;

    private string TemporaryDirectory => Path.Combine(archive.Value.DataDirectory, "tmp");

    public async Task RunAsync(Source source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var directory = UploadedFiles.Directory(archive.Value.DataDirectory, source.Id);
        var files = System.IO.Directory.Exists(directory) ? System.IO.Directory.GetFiles(directory).Order(StringComparer.Ordinal).ToList() : [];
        var run = new Run(sources, messages, indexer, inFlight, timeProvider, logger, source.Id, files.Count);
        await sources.UpdateSourceProgressAsync(source.Id, run.Progress, null, cancellationToken);
        foreach (var path in files)
        {
            var (number, name) = UploadedFiles.Parse(path);
            try
            {
                await ImportFileAsync(run, path, number, name, cancellationToken);
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
            {
                await run.ProblemAsync(name, "the file", e.Message, cancellationToken);
            }

            await run.CommitAsync(cancellationToken);
            run.Progress = run.Progress with { FoldersDone = run.Progress.FoldersDone + 1 };
            await sources.UpdateSourceProgressAsync(source.Id, run.Progress, timeProvider.GetUtcNow(), cancellationToken);
        }

        var totals = await messages.GetSourceTotalsAsync(source.Id, cancellationToken);
        await sources.UpdateSourceProgressAsync(source.Id, run.Progress with { MessagesArchived = totals.Messages, BytesArchived = totals.Bytes }, timeProvider.GetUtcNow(), cancellationToken);
        await sources.AppendEventAsync(new SourceEvent(source.Id, timeProvider.GetUtcNow(), "import-finished",
            $"Imported {run.Read} messages from {files.Count} file(s); {run.Problems} problem(s)."), cancellationToken);
        FileImportLog.Finished(logger, source.Id, run.Read, files.Count, run.Problems);
        if (System.IO.Directory.Exists(directory))
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
    }

    private async Task ImportFileAsync(Run run, string path, int number, string name, CancellationToken cancellationToken)
    {
        var extension = Path.GetExtension(name).ToLowerInvariant();
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        switch (extension)
        {
            case ".mbox" or ".mbx":
                await ImportMboxAsync(run, file, name, MboxFolder(name), number, 0, cancellationToken);
                break;
            case ".eml":
                await ImportMessageAsync(run, name, "the message", new MessageLocation("INBOX", number, 1), file, null, cancellationToken);
                break;
            case ".zip":
                await ImportZipAsync(run, file, name, number, cancellationToken);
                break;
            default:
                await run.ProblemAsync(name, "the file", "not an .mbox, .eml or .zip file; skipped", cancellationToken);
                break;
        }
    }

    private async Task ImportMboxAsync(Run run, Stream mbox, string name, string folder, long uidValidity, long uidBase, CancellationToken cancellationToken)
    {
        long junk = 0;
        await foreach (var message in MboxReader.ReadAsync(mbox, TemporaryDirectory, bytes => junk = bytes, cancellationToken))
        {
            var where = $"message {message.Number} (byte {message.Offset})";
            if (message.Content.Length == 0)
            {
                message.Dispose();
                await run.ProblemAsync(name, where, "empty message; skipped", cancellationToken);
                continue;
            }

            await run.AddAsync(Incoming(new MessageLocation(folder, uidValidity, uidBase + message.Number), message.Content, message.ReceivedAt), cancellationToken);
        }

        if (junk > 0)
        {
            await run.ProblemAsync(name, "the start", $"{junk} bytes before the first 'From ' line are not a message; skipped", cancellationToken);
        }
    }

    private async Task ImportZipAsync(Run run, Stream zipFile, string name, long uidValidity, CancellationToken cancellationToken)
    {
        await using var zip = await ZipArchive.CreateAsync(zipFile, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: null, cancellationToken);
        var position = 0;
        foreach (var entry in zip.Entries)
        {
            position++;
            if (entry.FullName.EndsWith('/'))
            {
                continue;
            }

            var entryName = $"{name}: {entry.FullName}";
            var extension = Path.GetExtension(entry.Name).ToLowerInvariant();
            if (extension is not (".eml" or ".mbox" or ".mbx"))
            {
                await run.ProblemAsync(name, $"entry {position} ({entry.FullName})", "not an .eml or .mbox file; skipped", cancellationToken);
                continue;
            }

            try
            {
                await using var content = await entry.OpenAsync(cancellationToken);
                var directory = FolderOf(entry.FullName);
                if (extension == ".eml")
                {
                    await ImportMessageAsync(run, name, $"entry {position} ({entry.FullName})", new MessageLocation(directory, uidValidity, position), content, entry.Length, cancellationToken);
                }
                else
                {
                    var folder = directory == "INBOX" ? MboxFolder(entry.Name) : $"{directory}/{MboxFolder(entry.Name)}";
                    await ImportMboxAsync(run, content, entryName, folder, uidValidity, (long)position << 32, cancellationToken);
                }
            }
            catch (InvalidDataException e)
            {
                await run.ProblemAsync(name, $"entry {position} ({entry.FullName})", e.Message, cancellationToken);
            }
        }
    }

    private async Task ImportMessageAsync(Run run, string file, string where, MessageLocation location, Stream content, long? declaredLength, CancellationToken cancellationToken)
    {
        if (declaredLength > MaxMessageBytes)
        {
            await run.ProblemAsync(file, where, $"{declaredLength} bytes, more than a message may have ({MaxMessageBytes}); skipped", cancellationToken);
            return;
        }

        // Pooled when the file is seekable (a zip entry is not): the run disposes each message once its batch is committed.
        var message = await MessageContent.CopyFromAsync(content, TemporaryDirectory, pooled: true, cancellationToken);
        if (message.Length == 0)
        {
            message.Dispose();
            await run.ProblemAsync(file, where, "empty file; skipped", cancellationToken);
            return;
        }

        await run.AddAsync(Incoming(location, message, null), cancellationToken);
    }

    private static IncomingMessage Incoming(MessageLocation location, MessageContent content, DateTimeOffset? receivedAt)
    {
        MessageHeaderSummary headers;
        using (var read = content.OpenRead())
        {
            headers = MessageHeaderSummary.Read(read);
        }

        return new IncomingMessage(location, content, receivedAt ?? headers.Date, [], headers);
    }

    /// <summary>A zip entry's folder: its directory path, <c>/</c>-separated, without empty, <c>.</c> or <c>..</c> levels; INBOX at the top.</summary>
    public static string FolderOf(string entryPath)
    {
        ArgumentNullException.ThrowIfNull(entryPath);
        var levels = entryPath.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).SkipLast(1).Where(l => l is not ("." or "..")).ToList();
        return levels.Count == 0 ? "INBOX" : string.Join('/', levels);
    }

    /// <summary>An mbox file's folder: its name without the extension (<c>Sent.mbox</c> is Sent, <c>inbox.mbox</c> INBOX).</summary>
    public static string MboxFolder(string fileName)
    {
        var name = Path.GetFileNameWithoutExtension(fileName).Trim();
        return name.Length == 0 ? "INBOX" : name.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? "INBOX" : name.Replace('/', '_');
    }

    /// <summary>
    /// One import's batch, counters and problems. A batch holds up to <see cref="BatchBytes"/> of messages in memory, so it
    /// reserves that much of the process's in-flight budget when it starts and gives it back once committed.
    /// </summary>
    private sealed class Run(ISourceStore sources, IMessageStore messages, IIndexHandOver indexer, Sync.InFlightBudget inFlight, TimeProvider timeProvider, ILogger logger, string sourceId, int files)
    {
        private const int BatchMessages = 100;
        private const long BatchBytes = 16L * 1024 * 1024;

        private readonly List<IncomingMessage> _batch = [];
        private long _batchBytes;
        private Sync.InFlightBudget.Reservation? _reservation;

        public SyncProgress Progress { get; set; } = new(0, 0, 0, 0, files);

        public long Read { get; private set; }

        public int Problems { get; private set; }

        public async Task AddAsync(IncomingMessage message, CancellationToken cancellationToken)
        {
            if (_reservation is null)
            {
                try
                {
                    _reservation = await inFlight.ReserveAsync(BatchBytes, cancellationToken);
                }
                catch
                {
                    message.Content.Dispose();
                    throw;
                }
            }

            _batch.Add(message);
            _batchBytes += message.Content.Length;
            Read++;
            if (_batch.Count >= BatchMessages || _batchBytes >= BatchBytes)
            {
                await CommitAsync(cancellationToken);
            }
        }

        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            if (_batch.Count == 0)
            {
                return;
            }

            try
            {
                var committed = new MessageBatch(sourceId, _batch.ToList(), null);
                var result = await messages.CommitBatchAsync(committed, cancellationToken);
                await indexer.EnqueueAsync(committed, result, cancellationToken);
                Progress = Progress with
                {
                    MessagesArchived = Progress.MessagesArchived + result.Added.Count,
                    MessagesOnServer = Read,
                    BytesArchived = Progress.BytesArchived + result.BytesAdded,
                };
                await sources.UpdateSourceProgressAsync(sourceId, Progress, null, cancellationToken);
            }
            finally
            {
                foreach (var message in _batch)
                {
                    message.Content.Dispose();
                }

                _batch.Clear();
                _batchBytes = 0;
                _reservation?.Dispose();
                _reservation = null;
            }
        }

        public async Task ProblemAsync(string file, string where, string problem, CancellationToken cancellationToken)
        {
            Problems++;
            FileImportLog.Problem(logger, sourceId, file, where, problem);
            if (Problems <= MaxReportedProblems)
            {
                await sources.AppendEventAsync(
                    new SourceEvent(sourceId, timeProvider.GetUtcNow(), "import-problem", $"{file}: {where}: {problem}"), cancellationToken);
            }
        }
    }
}
