namespace Vault.Ingestion.Connections;

/// <summary>A folder as shown to a person: decoded, '/'-separated, relative to the personal namespace.</summary>
public sealed record MailFolderInfo(string Name, int? Messages);
