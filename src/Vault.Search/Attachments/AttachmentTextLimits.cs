namespace Vault.Search.Attachments;

/// <summary>
/// What one attachment may cost the indexer. Every limit ends that attachment's extraction, never the message's: what was
/// read before is kept, and the failure is recorded as an <see cref="AttachmentError"/>.
/// </summary>
public sealed record AttachmentTextLimits
{
    public static AttachmentTextLimits Default { get; } = new();

    /// <summary>Decoded bytes of one attachment; a larger one is not read at all.</summary>
    public long MaxInputBytes { get; init; } = 20 * 1024 * 1024;

    /// <summary>Characters of text kept per attachment.</summary>
    public int MaxTextChars { get; init; } = 1024 * 1024;

    /// <summary>Characters of attachment text kept per message, all attachments together.</summary>
    public int MaxMessageTextChars { get; init; } = 4 * 1024 * 1024;

    /// <summary>How long one attachment may take; enforced by cancellation, checked between pages, elements and chunks.</summary>
    public TimeSpan TimeBudget { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long all attachments of one message may take together.</summary>
    public TimeSpan MessageTimeBudget { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Containers within containers that are still read: an attachment inside more attached messages (or TNEF files)
    /// than this keeps its name in the index but not its text.
    /// </summary>
    public int MaxDepth { get; init; } = 3;

    /// <summary>Zip-based formats (Office Open XML, OpenDocument): the most bytes all entries may unpack to, as declared.</summary>
    public long MaxUnpackedBytes { get; init; } = 100 * 1024 * 1024;

    /// <summary>Zip-based formats: the most entries a package may hold.</summary>
    public int MaxZipEntries { get; init; } = 10_000;
}
