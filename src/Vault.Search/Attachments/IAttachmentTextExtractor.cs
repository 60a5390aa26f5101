namespace Vault.Search.Attachments;

/// <summary>Reads the text of one format. Implementations keep no state between calls and are used from several threads.</summary>
internal interface IAttachmentTextExtractor
{
    /// <summary>
    /// Writes the text of <paramref name="attachment"/> to <paramref name="text"/>, stopping once it is full. Throws
    /// <see cref="AttachmentTextException"/> for a file known to be encrypted or too large; any other exception means the
    /// file could not be read. <paramref name="cancellationToken"/> carries the time budget: it is checked between pages,
    /// elements or chunks, so a cancelled extraction leaves the text read so far in <paramref name="text"/>.
    /// </summary>
    void Extract(AttachmentContent attachment, AttachmentTextWriter text, CancellationToken cancellationToken);
}
