namespace Vault.Archive.Sources;

/// <summary>
/// Why the last attempt failed, in words a person can act on.
/// <see cref="NextRetryAt"/> is null when a person must act (bad credentials, configuration).
/// </summary>
public sealed record SourceError(
    string Code,
    string Message,
    string Hint,
    string? ServerResponse,
    DateTimeOffset OccurredAt,
    int ConsecutiveFailures,
    DateTimeOffset? NextRetryAt);
