using System.Buffers;
using MimeKit;
using Vault.Archive.Messages;

namespace Vault.Ingestion.Restore;

/// <summary>
/// The rest of a stored message after its header block, written as it is: MimeKit hands the body the raw output stream
/// (no line-end filter) and MailKit measures the APPEND literal by writing it once to a counting stream, then sends it.
/// Entity headers are cleared, so nothing of MimeKit's own is merged in.
/// </summary>
internal sealed class StoredBody : MimeEntity
{
    private const int CopyBuffer = 81920;

    private readonly MessageContent _content;
    private readonly long _offset;

    public StoredBody(MessageContent content, long offset)
        : base(new ContentType("application", "octet-stream"))
    {
        _content = content;
        _offset = offset;
        Headers.Clear();
    }

    public override void Prepare(EncodingConstraint constraint, int maxLineLength = 78)
    {
        // Stored bytes are never re-encoded.
    }

    public override void WriteTo(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var source = _content.OpenRead();
        source.Seek(_offset, SeekOrigin.Begin);
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBuffer);
        try
        {
            int read;
            while ((read = source.Read(buffer, 0, CopyBuffer)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                stream.Write(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public override async Task WriteToAsync(FormatOptions options, Stream stream, bool contentOnly, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        await using var source = _content.OpenRead();
        source.Seek(_offset, SeekOrigin.Begin);
        await source.CopyToAsync(stream, CopyBuffer, cancellationToken);
    }
}
