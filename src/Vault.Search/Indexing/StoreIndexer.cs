using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Vault.Archive;
using Vault.Search.Attachments;
using Vault.Search.Documents;

namespace Vault.Search.Indexing;

/// <summary>
/// Reads messages from the store and writes their documents: parsing (the hot path) runs on every core but one,
/// the index writer takes documents from all of them, one commit and refresh per batch, then the store
/// learns which ids the index now has. With <paramref name="attachmentText"/> (<c>Vault:Search:AttachmentText</c>)
/// the text inside attachments is read here too: in the indexing pipeline, never in the sync engine's commit.
/// </summary>
public sealed class StoreIndexer(SearchIndex index, IArchiveStore store, AttachmentTextExtraction? attachmentText, ILogger<StoreIndexer> logger)
{
    /// <summary>
    /// Messages up to this size are copied into memory and parsed from there (one decompression); larger ones are parsed
    /// straight from the store's seekable stream with persistent content, so their attachments are never in memory.
    /// </summary>
    private const long BufferLimit = 16 * 1024 * 1024;

    /// <summary>Indexes the messages, commits, refreshes searchers and marks them indexed. Returns the ids that failed (left unindexed).</summary>
    public async Task<IReadOnlyList<string>> IndexAsync(IReadOnlyList<string> messageIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        var done = new ConcurrentBag<string>();
        var failed = new ConcurrentBag<string>();
        // One core is left to the sync engine: archiving comes first, and on 2 cores the benchmark's import reached
        // Active ~3 s sooner this way while time to searchable stayed within its target.
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount - 1), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(messageIds.Distinct(StringComparer.Ordinal), parallel, async (id, token) =>
        {
            try
            {
                await IndexOneAsync(id, token);
                done.Add(id);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Per-message boundary: a store read error on one message never blocks the batch.
                SearchLog.MessageFailed(logger, id, ex);
                failed.Add(id);
            }
        });

        await index.CommitAsync(cancellationToken);
        if (!done.IsEmpty)
        {
            await store.MarkIndexedAsync(done.ToList(), cancellationToken);
        }

        return failed.ToList();
    }

    private async Task IndexOneAsync(string id, CancellationToken cancellationToken)
    {
        var metadata = await store.GetMessageAsync(id, cancellationToken);
        if (metadata is null)
        {
            index.Delete(id);
            return;
        }

        var raw = await store.OpenRawAsync(id, cancellationToken) ?? Stream.Null;
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
                SearchLog.ParseError(logger, id);
            }

            foreach (var error in AttachmentFields.Errors(document))
            {
                SearchLog.AttachmentNotRead(logger, id, error.Name, error.Reason);
            }

            index.Upsert(document);
        }
    }
}
