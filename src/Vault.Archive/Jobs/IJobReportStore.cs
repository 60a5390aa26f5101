namespace Vault.Archive.Jobs;

/// <summary>
/// Background jobs' state (integrity reports, restores), a port of its own beside <see cref="IArchiveStore"/>: both
/// stores implement it, held to the same contract tests. A source keeps only its last integrity report.
/// </summary>
public interface IJobReportStore
{
    /// <summary>Replaces the source's report.</summary>
    Task SaveVerifyReportAsync(VerifyReport report, CancellationToken cancellationToken);

    Task<VerifyReport?> GetVerifyReportAsync(string sourceId, CancellationToken cancellationToken);

    /// <summary>The last report of every source that has one.</summary>
    Task<IReadOnlyList<VerifyReport>> ListVerifyReportsAsync(CancellationToken cancellationToken);

    /// <summary>Creates or replaces the restore (its progress and checkpoint).</summary>
    Task SaveRestoreAsync(RestoreRecord restore, CancellationToken cancellationToken);

    Task<RestoreRecord?> GetRestoreAsync(string restoreId, CancellationToken cancellationToken);

    Task<IReadOnlyList<RestoreRecord>> ListRestoresAsync(CancellationToken cancellationToken);
}
