using Vault.Archive.Folders;

namespace Vault.Ingestion.Imap;

/// <summary>What one pass over a folder did: its new checkpoint and how much it archived.</summary>
public sealed record FolderPassResult(FolderSyncState State, long MessagesAdded, long BytesAdded);
