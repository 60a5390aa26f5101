using Microsoft.Extensions.Options;
using Vault.Archive;
using Vault.Archive.Messages;
using Vault.Archive.Sources;

namespace Vault.Api.Export;

/// <summary>
/// Streams archived messages from the store into a zip or an mbox on <c>output</c>, one message at a time: memory holds
/// one message (a small one whole, a large one a buffer at a time), never the export. The zip has every location of a
/// source's messages as <c>folder/path/NNNNNN subject.eml</c>, each the stored bytes exactly; the mbox has every message
/// once. A message is read twice where needed (its CRC-32 before its zip entry, its headers before its From line): a
/// small one from memory, a large one by opening it again.
/// </summary>
public sealed class ArchiveExporter(IArchiveStore store, IMessageCatalog catalog, IOptions<ArchiveOptions> options)
{
    private string TemporaryDirectory => Path.Combine(options.Value.DataDirectory, "tmp");

    public async Task<ExportSummary> ExportSourceAsync(Source source, ExportFormat format, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (format == ExportFormat.Mbox)
        {
            return await WriteMboxAsync(catalog.StreamMessagesAsync(source.Id, null, cancellationToken), output, cancellationToken);
        }

        await using var zip = new ZipStreamWriter(output, TemporaryDirectory);
        long number = 0;
        foreach (var folder in await catalog.ListFoldersAsync(source.Id, cancellationToken))
        {
            var path = ExportFileNames.FolderPath(folder.Folder);
            await foreach (var message in catalog.StreamMessagesAsync(source.Id, folder.Folder, cancellationToken))
            {
                number++;
                await AddEntryAsync(zip, $"{path}/{ExportFileNames.MessageFile(number, message.Headers.Subject)}", message, cancellationToken);
            }
        }

        await zip.FinishAsync(cancellationToken);
        return new ExportSummary(number, zip.BytesWritten);
    }

    /// <summary>Messages by id (a search's hits), each once: in a zip under <c>source name/first folder/</c>.</summary>
    public async Task<ExportSummary> ExportMessagesAsync(IReadOnlyList<string> messageIds, ExportFormat format, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        var names = (await store.ListSourcesAsync(cancellationToken)).ToDictionary(s => s.Id, s => s.Settings.Name, StringComparer.Ordinal);
        if (format == ExportFormat.Mbox)
        {
            return await WriteMboxAsync(LoadAsync(messageIds, cancellationToken), output, cancellationToken);
        }

        await using var zip = new ZipStreamWriter(output, TemporaryDirectory);
        long number = 0;
        await foreach (var message in LoadAsync(messageIds, cancellationToken))
        {
            number++;
            var sourceName = ExportFileNames.Segment(names.GetValueOrDefault(message.SourceId, message.SourceId));
            var folder = ExportFileNames.FolderPath(message.Folders.Count > 0 ? message.Folders[0] : "INBOX");
            await AddEntryAsync(zip, $"{sourceName}/{folder}/{ExportFileNames.MessageFile(number, message.Headers.Subject)}", message, cancellationToken);
        }

        await zip.FinishAsync(cancellationToken);
        return new ExportSummary(number, zip.BytesWritten);
    }

    private async IAsyncEnumerable<ArchivedMessage> LoadAsync(IReadOnlyList<string> messageIds, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var id in messageIds)
        {
            // A hit deleted since the search (a purge) is left out, not an error.
            if (await store.GetMessageAsync(id, cancellationToken) is { } message)
            {
                yield return message;
            }
        }
    }

    private async Task AddEntryAsync(ZipStreamWriter zip, string name, ArchivedMessage message, CancellationToken cancellationToken)
    {
        var raw = await OpenAsync(message, cancellationToken);
        try
        {
            var (crc, length) = await ZipStreamWriter.HashAsync(raw, cancellationToken);
            if (length != message.Size)
            {
                throw new InvalidDataException($"Message {message.Id} reads back as {length} bytes, not the {message.Size} stored.");
            }

            raw = await RewindAsync(raw, message, cancellationToken);
            await zip.AddAsync(name, length, crc, message.InternalDate ?? message.Headers.Date ?? message.FirstSeen, raw, cancellationToken);
        }
        finally
        {
            await raw.DisposeAsync();
        }
    }

    private async Task<ExportSummary> WriteMboxAsync(IAsyncEnumerable<ArchivedMessage> messages, Stream output, CancellationToken cancellationToken)
    {
        var mbox = new MboxWriter(output);
        long count = 0;
        await foreach (var message in messages)
        {
            var raw = await OpenAsync(message, cancellationToken);
            try
            {
                var sender = EnvelopeSender.Read(raw);
                raw = await RewindAsync(raw, message, cancellationToken);
                await mbox.AddAsync(sender, message.InternalDate ?? message.Headers.Date ?? message.FirstSeen, raw, cancellationToken);
            }
            finally
            {
                await raw.DisposeAsync();
            }

            count++;
        }

        await output.FlushAsync(cancellationToken);
        return new ExportSummary(count, mbox.BytesWritten);
    }

    private async Task<Stream> OpenAsync(ArchivedMessage message, CancellationToken cancellationToken) =>
        await store.OpenRawAsync(message.Id, cancellationToken)
            ?? throw new InvalidDataException($"Message {message.Id} has no stored bytes.");

    /// <summary>Back to the first byte: a seek for a message held in memory, a fresh read for a large one.</summary>
    private async Task<Stream> RewindAsync(Stream raw, ArchivedMessage message, CancellationToken cancellationToken)
    {
        if (raw.CanSeek)
        {
            raw.Position = 0;
            return raw;
        }

        await raw.DisposeAsync();
        return await OpenAsync(message, cancellationToken);
    }
}
