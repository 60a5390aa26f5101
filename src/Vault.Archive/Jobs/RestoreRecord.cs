namespace Vault.Archive.Jobs;

/// <summary>
/// One restore of a source's archive into an IMAP mailbox, with its checkpoint: the folders in the order they are
/// restored, the index of the folder being restored and how many of its messages (in the store's stable order) are done.
/// A resumed restore starts there; what a crash appended past the checkpoint is found on the target and skipped.
/// </summary>
public sealed record RestoreRecord
{
    public required string Id { get; init; }
    public required string SourceId { get; init; }
    public required RestoreTarget Target { get; init; }

    /// <summary>Data Protection ciphertext of the target's password.</summary>
    public required byte[] EncryptedPassword { get; init; }

    public JobStatus Status { get; init; } = JobStatus.Running;
    public long MessagesTotal { get; init; }
    public long MessagesRestored { get; init; }
    public long MessagesSkipped { get; init; }
    public string? Error { get; init; }

    /// <summary>The source's folders as they were when the restore started; empty until then.</summary>
    public IReadOnlyList<string> Folders { get; init; } = [];

    public int FolderIndex { get; init; }
    public long FolderMessagesDone { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
}
