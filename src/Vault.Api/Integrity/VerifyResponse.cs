using Vault.Archive.Jobs;

namespace Vault.Api.Integrity;

/// <summary>
/// <c>GET /api/sources/{id}/verify</c>, and <c>integrity</c> on a source: <c>checked</c> of <c>total</c> while Running;
/// <c>corrupted</c> lists up to 1,000 ids (<c>corruptedCount</c> counts all); <c>missingFromIndex</c> were queued for
/// indexing, <c>orphanedInIndex</c> index entries without a message were removed.
/// </summary>
public sealed record VerifyResponse(
    string Status,
    long Total,
    long Checked,
    long Ok,
    IReadOnlyList<string> Corrupted,
    long CorruptedCount,
    long MissingFromIndex,
    long OrphanedInIndex,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error)
{
    public static VerifyResponse From(VerifyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new(report.Status.ToString(), report.Total, report.Checked, report.Ok, report.Corrupted, report.CorruptedCount,
            report.MissingFromIndex, report.OrphanedInIndex, report.StartedAt, report.FinishedAt, report.Error);
    }
}
