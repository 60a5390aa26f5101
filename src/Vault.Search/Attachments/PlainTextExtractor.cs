namespace Vault.Search.Attachments;

/// <summary>text/* (plain, CSV, anything textual without a reader of its own) in the part's charset.</summary>
internal sealed class PlainTextExtractor : IAttachmentTextExtractor
{
    public void Extract(AttachmentContent attachment, AttachmentTextWriter text, CancellationToken cancellationToken)
    {
        var bytes = attachment.Bytes.AsSpan();
        TextDecoding.AppendTo(text, bytes, TextDecoding.Detect(bytes, attachment.Charset), cancellationToken);
    }
}
