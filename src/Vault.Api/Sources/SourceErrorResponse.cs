using Vault.Archive.Sources;

namespace Vault.Api.Sources;

public sealed record SourceErrorResponse(
    string Code,
    string Message,
    string Hint,
    string? ServerResponse,
    DateTimeOffset OccurredAt,
    int ConsecutiveFailures,
    DateTimeOffset? NextRetryAt)
{
    public static SourceErrorResponse From(SourceError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(error.Code, error.Message, error.Hint, error.ServerResponse, error.OccurredAt, error.ConsecutiveFailures, error.NextRetryAt);
    }
}
