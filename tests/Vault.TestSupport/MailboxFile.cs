namespace Vault.TestSupport;

/// <summary>One message file and the folder it is shown in.</summary>
public sealed record MailboxFile(string Path, string Folder);
