using Vault.Search.Documents;

namespace Vault.Search.Attachments;

/// <summary>An HTML file, reduced to what a reader sees by the same <see cref="HtmlTextReducer"/> as message bodies.</summary>
internal sealed class HtmlAttachmentTextExtractor : IAttachmentTextExtractor
{
    public void Extract(AttachmentContent attachment, AttachmentTextWriter text, CancellationToken cancellationToken)
    {
        var encoding = TextDecoding.Detect(attachment.Bytes.AsSpan(), attachment.Charset);
        using var reader = new StreamReader(attachment.OpenRead(), encoding, detectEncodingFromByteOrderMarks: true);
        var capacity = Math.Min((attachment.Bytes.Count / 4) + 16, 64 * 1024);
        text.Append(HtmlTextReducer.Reduce(reader, capacity, text.Room, cancellationToken));
    }
}
