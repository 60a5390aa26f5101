namespace Vault.Archive.Sources;

public enum MailProtocol
{
    Imap,
    Pop3,

    /// <summary>Mail brought as files (<c>POST /api/sources/import</c>: mbox, .eml, zip of .eml); nothing to connect to.</summary>
    File,
}
