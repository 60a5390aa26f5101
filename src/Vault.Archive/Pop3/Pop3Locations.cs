namespace Vault.Archive.Pop3;

/// <summary>Where POP3 messages sit in the archive: INBOX (POP3 has no other folder), UIDVALIDITY 0, a UID per UIDL.</summary>
public static class Pop3Locations
{
    public const string Folder = "INBOX";

    public const long UidValidity = 0;
}
