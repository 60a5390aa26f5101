namespace Vault.Search.Attachments;

/// <summary>
/// Why the text of an attachment was not (or not wholly) indexed: the <c>reason</c> of <c>attachmentErrors</c> and the tag of
/// the <c>vault.attachments.failed</c> counter.
/// </summary>
public enum AttachmentFailure
{
    /// <summary>Protected by a password: an encrypted PDF or Office file.</summary>
    Encrypted,

    /// <summary>Damaged, or not what its type or name says: the format's reader gave up on it.</summary>
    Unreadable,

    /// <summary>Larger than the byte cap, or (zip-based formats) unpacks to more than is allowed, or holds too many entries.</summary>
    TooLarge,

    /// <summary>Its time budget ran out; the text read until then is still indexed.</summary>
    TimedOut,
}
