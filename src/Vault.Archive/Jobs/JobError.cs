namespace Vault.Archive.Jobs;

/// <summary>
/// Why a background job (a restore) stopped or is waiting to try again, in the words a source's error uses: a stable
/// <see cref="Code"/> from the error classifier, a plain <see cref="Message"/>, a <see cref="Hint"/> (what to do), the
/// server's own words. <see cref="NextRetryAt"/> is set while the job will try again on its own, null when it stopped.
/// </summary>
public sealed record JobError(
    string Code,
    string Message,
    string Hint,
    string? ServerResponse,
    DateTimeOffset OccurredAt,
    DateTimeOffset? NextRetryAt = null);
