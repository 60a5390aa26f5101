namespace Vault.Archive.Messages;

/// <summary>Where a message sits on the server: (folder, UIDVALIDITY, UID). POP3 uses folder "INBOX", UIDVALIDITY 0 and a UID it assigns per UIDL.</summary>
public sealed record MessageLocation(string Folder, long UidValidity, long Uid);
