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
    /// <summary>Messages the target already held (same Message-ID and content), so not appended again.</summary>
    public long MessagesSkipped { get; init; }

    /// <summary>
    /// Restored messages whose bytes had to change to travel as an IMAP message: bare LF line ends made CRLF (RFC 5322
    /// §2.3; mail imported from mbox files), or a line end added to a message that has no header/body split MailKit
    /// can carry. Every other message is appended with its stored bytes exactly.
    /// </summary>
    public long MessagesNormalized { get; init; }

    /// <summary>
    /// Messages that could not be restored: unreadable in the archive, or refused by the target server. Each one is a
    /// source event (<c>restore-problem</c>) with its id and the reason; the restore goes on without it.
    /// </summary>
    public long MessagesFailed { get; init; }

    /// <summary>Bytes appended so far (the bytes that went to the target), for throughput.</summary>
    public long BytesRestored { get; init; }

    /// <summary>
    /// Why the restore stopped (<see cref="JobStatus.Failed"/>), or, while it is Running, the failure it is about to
    /// retry after (<see cref="JobError.NextRetryAt"/>); null when nothing went wrong.
    /// </summary>
    public JobError? Error { get; init; }

    /// <summary>Only these archive folders (<c>/</c>-separated names as the API shows them); null for every folder.</summary>
    public IReadOnlyList<string>? SelectedFolders { get; init; }

    /// <summary>Only the source's messages this search query (the API's query language) matches; null for all.</summary>
    public string? Query { get; init; }

    /// <summary>The source's folders as they were when the restore started; empty until then.</summary>
    public IReadOnlyList<string> Folders { get; init; } = [];

    public int FolderIndex { get; init; }
    public long FolderMessagesDone { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
}
