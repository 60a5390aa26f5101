using Vault.Archive.Folders;
using Vault.Archive.Pop3;

namespace Vault.Archive.Messages;

/// <summary>
/// Messages and the checkpoint that covers them: a store commits all of it or nothing. For POP3 the checkpoint is the
/// INBOX state (its watermark the highest UID Vault gave) and <see cref="Uidls"/> the new UIDLs with their UIDs.
/// </summary>
public sealed record MessageBatch(string SourceId, IReadOnlyList<IncomingMessage> Messages, FolderSyncState? Checkpoint, IReadOnlyList<Pop3Uidl>? Uidls = null);
