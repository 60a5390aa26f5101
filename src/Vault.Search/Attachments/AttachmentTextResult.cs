namespace Vault.Search.Attachments;

/// <summary>The text of each attachment of a message, in the message's order, and what could not be read.</summary>
public sealed record AttachmentTextResult(IReadOnlyList<ExtractedAttachmentText> Attachments, IReadOnlyList<AttachmentError> Errors);
