namespace Vault.Archive.Sources;

public enum MailProtocol
{
    Imap,
    Pop3,
}
