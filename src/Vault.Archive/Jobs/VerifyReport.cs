namespace Vault.Archive.Jobs;

/// <summary>
/// The last integrity check of a source (<c>POST /api/sources/{id}/verify</c>): every stored message re-read and
/// re-hashed, and the search index compared with the store. Saved as it runs, so it shows progress.
/// </summary>
public sealed record VerifyReport
{
    /// <summary>At most this many corrupted ids are kept; <see cref="CorruptedCount"/> counts them all.</summary>
    public const int MaxListedIds = 1000;

    public required string SourceId { get; init; }

    public JobStatus Status { get; init; } = JobStatus.Running;

    /// <summary>How many messages the source had when the check started (progress: <see cref="Checked"/> of this).</summary>
    public long Total { get; init; }

    public long Checked { get; init; }

    /// <summary>Messages whose bytes read back with the SHA-256 (and size) they were stored with.</summary>
    public long Ok { get; init; }

    /// <summary>Ids of messages whose bytes could not be read or hash to something else; at most <see cref="MaxListedIds"/>.</summary>
    public IReadOnlyList<string> Corrupted { get; init; } = [];

    public long CorruptedCount { get; init; }

    /// <summary>Archived messages the search index lacked; they were queued for indexing.</summary>
    public long MissingFromIndex { get; init; }

    /// <summary>Index entries of this source without a message in the store; they were removed from the index.</summary>
    public long OrphanedInIndex { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Why the check itself failed (not a finding about a message), when <see cref="Status"/> is Failed.</summary>
    public string? Error { get; init; }
}
