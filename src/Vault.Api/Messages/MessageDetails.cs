namespace Vault.Api.Messages;

/// <summary>
/// The body of <c>GET /api/messages/{id}</c>. <see cref="ParseError"/> is true when MimeKit could not read the
/// message: headers and text are then what could be read, and the raw download is the way to the rest.
/// <see cref="AttachmentErrors"/> lists the attachments whose text the index could not read when it last indexed the
/// message (kept in the index, so showing them costs no second extraction); empty before the message is indexed.
/// </summary>
public sealed record MessageDetails(
    string Id,
    string SourceId,
    string Sha256,
    long Size,
    IReadOnlyList<string> Folders,
    IReadOnlyList<MessageHeaderEntry> Headers,
    string? From,
    string? To,
    string? Cc,
    string? Subject,
    DateTimeOffset? Date,
    string Text,
    IReadOnlyList<AttachmentEntry> Attachments,
    bool ParseError,
    IReadOnlyList<AttachmentErrorEntry> AttachmentErrors)
{
    /// <summary>When the message was found gone from every folder on the server (it stays archived); null while it is there.</summary>
    public DateTimeOffset? DeletedOnServerAt { get; init; }
}
