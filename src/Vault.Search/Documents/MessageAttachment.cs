using MimeKit;

namespace Vault.Search.Documents;

/// <summary>An attachment of a parsed message: its position in the message (0-based, in MIME tree order), names and the entity.</summary>
public sealed record MessageAttachment(int Index, string? FileName, string ContentType, MimeEntity Entity);
