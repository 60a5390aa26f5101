using MimeKit;

namespace Vault.Search.Documents;

/// <summary>
/// An attachment of a parsed message: its position in the message (0-based, in MIME tree order), names and the entity.
/// <see cref="Depth"/> counts the attached messages (message/rfc822) it sits in: 0 for the message's own attachments.
/// </summary>
public sealed record MessageAttachment(int Index, string? FileName, string ContentType, MimeEntity Entity, int Depth = 0);
