namespace Vault.Archive.Messages;

/// <summary>A folder that holds archived messages of a source, and how many.</summary>
public sealed record FolderCount(string Folder, long Messages);
