namespace Vault.Archive.Pop3;

/// <summary>
/// A POP3 message id seen on the server (RFC 1939 §7: UIDL, persistent across sessions) and the UID Vault gave it: the
/// message is archived at location (INBOX, 0, <see cref="Uid"/>). <see cref="GoneAt"/> is when it left the server; a
/// UID of 0 marks a UIDL seen and deliberately not archived (older than the source's "since").
/// </summary>
public sealed record Pop3Uidl(string Uidl, long Uid, DateTimeOffset? GoneAt = null);
