namespace Vault.Search.Tests.Mailboxes;

/// <summary>One message file and the folder it is shown in.</summary>
public sealed record MailboxFile(string Path, string Folder);
