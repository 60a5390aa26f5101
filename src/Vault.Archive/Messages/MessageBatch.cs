using Vault.Archive.Folders;

namespace Vault.Archive.Messages;

/// <summary>
/// Messages and the folder checkpoint that covers them: a store commits both or neither.
/// <see cref="Checkpoint"/> may be null for a source without folder state (POP3 keeps its UIDLs as locations).
/// </summary>
public sealed record MessageBatch(string SourceId, IReadOnlyList<IncomingMessage> Messages, FolderSyncState? Checkpoint);
