using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Vault.Archive.Messages;
using Vault.Search.Attachments;
using Vault.Search.Documents;

namespace Vault.Search.Indexing;

/// <summary>
/// Writes the documents of archived messages: parsing (the hot path) runs on every core but one, the index writer takes
/// documents from all of them. The bytes come from the sync engine's hand-over when it still had them in memory, from the
/// store otherwise. With <paramref name="attachmentText"/> (<c>Vault:Search:AttachmentText</c>) the text inside
/// attachments is read here too: in the indexing pipeline, never in the sync engine's commit. Nothing is committed here:
/// <see cref="IndexingWorker"/> decides when the index is refreshed and made durable.
/// </summary>
public sealed class MessageIndexer(SearchIndex index, IArchiveChangeFeed store, IndexHandOver handOver, AttachmentTextExtraction? attachmentText, ILogger<MessageIndexer> logger)
{
    /// <summary>
    /// Messages up to this size are copied into memory and parsed from there (one decompression); larger ones are parsed
    /// straight from the store's seekable stream with persistent content, so their attachments are never in memory.
    /// </summary>
    private const long BufferLimit = 16 * 1024 * 1024;

    /// <summary>Adds or replaces the documents of <paramref name="messages"/>. Returns the ids that failed (logged, left out).</summary>
    public async Task<IReadOnlyList<string>> IndexAsync(IReadOnlyList<ArchivedMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var failed = new ConcurrentBag<string>();
        // While batches are being committed one core is left to the sync engine: archiving comes first (on 2 cores the
        // benchmark's import reached Active ~3 s sooner this way). Once they stop, the index takes every core.
        var cores = handOver.Importing ? Environment.ProcessorCount - 1 : Environment.ProcessorCount;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, cores), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(messages, parallel, async (message, token) =>
        {
            try
            {
                await IndexOneAsync(message, token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Per-message boundary: a store read error on one message never blocks the batch.
                SearchLog.MessageFailed(logger, message.Id, ex);
                failed.Add(message.Id);
            }
        });

        return failed.ToList();
    }

    private async Task IndexOneAsync(ArchivedMessage metadata, CancellationToken cancellationToken)
    {
        // Held until the document is in the index: a parsed part reads the bytes in place, and they may be a pooled array.
        using var handedOff = handOver.TakeHandedOff(metadata.Id);
        var raw = handedOff is not null && MemoryMarshal.TryGetArray(handedOff.Bytes, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : await store.OpenRawAsync(metadata.Id, cancellationToken) ?? Stream.Null;
        await using (raw)
        {
            var input = raw;
            if (raw is not MemoryStream && metadata.Size <= BufferLimit)
            {
                var buffer = new MemoryStream((int)metadata.Size);
                await raw.CopyToAsync(buffer, cancellationToken);
                buffer.Position = 0;
                input = buffer;
            }

            var document = MessageDocumentBuilder.Build(metadata, input, attachmentText, cancellationToken);
            if (document.Get(SearchFields.ParseError, CultureInfo.InvariantCulture) is not null)
            {
                SearchLog.ParseError(logger, metadata.Id);
            }

            foreach (var error in AttachmentFields.Errors(document))
            {
                SearchLog.AttachmentNotRead(logger, metadata.Id, error.Name, error.Reason);
            }

            index.Upsert(document);
        }
    }
}
