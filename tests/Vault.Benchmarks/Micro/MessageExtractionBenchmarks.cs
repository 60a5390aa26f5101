using BenchmarkDotNet.Attributes;
using Lucene.Net.Documents;
using Vault.Archive.Messages;
using Vault.Search.Attachments;
using Vault.Search.Documents;

namespace Vault.Benchmarks.Micro;

/// <summary>
/// The per-message MIME work, over 100 real messages per invocation (reported per message): the indexer's
/// <see cref="MessageDocumentBuilder.Build"/> (parse, text extraction, Lucene document) and the sync engine's
/// <see cref="MessageHeaderSummary.Read"/> (header block only). <see cref="AttachmentText"/> is <c>Vault:Search:AttachmentText</c>.
/// </summary>
[MemoryDiagnoser]
public class MessageExtractionBenchmarks
{
    private const int Messages = 100;

    private readonly AttachmentTextExtraction attachmentText = new(AttachmentTextLimits.Default, TimeProvider.System);
    private List<byte[]> messages = [];
    private List<ArchivedMessage> metadata = [];

    [Params(true, false)]
    public bool AttachmentText { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        messages = (await BenchmarkMailbox.LoadAsync(CancellationToken.None)).Take(Messages).ToList();
        var now = TimeProvider.System.GetUtcNow();
        // What the store hands the indexer with each message; reading it is not what is measured.
        metadata = messages.Select((bytes, i) =>
        {
            using var headers = new MemoryStream(bytes, writable: false);
            return new ArchivedMessage
            {
                Id = $"bench-{i}",
                SourceId = "bench",
                Sha256 = "",
                Size = bytes.Length,
                InternalDate = now,
                Headers = MessageHeaderSummary.Read(headers),
                Locations = [new MessageLocation("INBOX", 1, i + 1)],
                FirstSeen = now,
            };
        }).ToList();
    }

    /// <summary>As MessageIndexer runs it: the raw message in a seekable buffer, one document per message.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public int BuildDocument()
    {
        var fields = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            using var raw = new MemoryStream(messages[i], writable: false);
            Document document = MessageDocumentBuilder.Build(metadata[i], raw, AttachmentText ? attachmentText : null, CancellationToken.None);
            fields += document.Fields.Count;
        }

        return fields;
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public int ReadHeaderSummary()
    {
        var found = 0;
        foreach (var bytes in messages)
        {
            using var raw = new MemoryStream(bytes, writable: false);
            if (MessageHeaderSummary.Read(raw).MessageIdHeader is not null)
            {
                found++;
            }
        }

        return found;
    }
}
