using System.Security.Cryptography;
using Vault.Archive.Messages;
using Vault.Search.Attachments;
using Vault.Search.Documents;
using Vault.Search.Indexing;
using Vault.TestSupport;

namespace Vault.Search.Tests.Mailboxes;

/// <summary>Indexes message files straight into a <see cref="SearchIndex"/>, with the metadata a store would hand the indexer.</summary>
internal static class FileIndexing
{
    public static readonly DateTimeOffset FirstSeen = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The attachment reader as the host runs it (attachment text on, the default limits).</summary>
    public static AttachmentTextExtraction AttachmentText { get; } = new(AttachmentTextLimits.Default, TimeProvider.System);

    public static ArchivedMessage Metadata(byte[] raw, string sourceId, string folder, long uid)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(raw));
        using var stream = new MemoryStream(raw, writable: false);
        return new ArchivedMessage
        {
            Id = MessageIds.For(sourceId, sha),
            SourceId = sourceId,
            Sha256 = sha,
            Size = raw.Length,
            Headers = MessageHeaderSummary.Read(stream),
            Locations = [new MessageLocation(folder, 1, uid)],
            FirstSeen = FirstSeen,
        };
    }

    public static Lucene.Net.Documents.Document Build(byte[] raw, string sourceId, string folder, long uid, AttachmentTextExtraction? attachmentText = null) =>
        Build(raw, Metadata(raw, sourceId, folder, uid), attachmentText);

    public static Lucene.Net.Documents.Document Build(byte[] raw, ArchivedMessage metadata, AttachmentTextExtraction? attachmentText = null)
    {
        using var stream = new MemoryStream(raw, writable: false);
        return MessageDocumentBuilder.Build(metadata, stream, attachmentText ?? AttachmentText, CancellationToken.None);
    }

    /// <summary>Builds documents on every core, like the indexer, then commits once.</summary>
    public static async Task<long> IndexAsync(SearchIndex index, IReadOnlyList<MailboxFile> files, string sourceId, CancellationToken cancellationToken)
    {
        long bytes = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), parallel, async (i, token) =>
        {
            var raw = await File.ReadAllBytesAsync(files[i].Path, token);
            Interlocked.Add(ref bytes, raw.Length);
            index.Upsert(Build(raw, sourceId, files[i].Folder, i + 1));
        });
        await index.CommitAsync(cancellationToken);
        return bytes;
    }
}
