namespace Vault.Benchmarks.EndToEnd;

/// <summary>What one end-to-end run measured; null where a phase did not produce a number (see <see cref="Notes"/>).</summary>
public sealed class RunResult
{
    public int Run { get; set; }
    public int Messages { get; set; }
    public long MailboxBytes { get; set; }
    public double? TimeToActiveSeconds { get; set; }
    public double? TimeToSearchableSeconds { get; set; }
    public double? MessagesPerSecond { get; set; }
    public double? MegabytesPerSecond { get; set; }
    /// <summary>CPU seconds Vault used from create to searchable: above the wall time means it used both cores.</summary>
    public double? CpuSecondsToSearchable { get; set; }
    /// <summary>The runtime's JIT, GC and allocation counters over the same span as <see cref="CpuSecondsToSearchable"/>.</summary>
    public RuntimeCounters? RuntimeToSearchable { get; set; }
    public double? PeakRssDuringImportMiB { get; set; }
    public double? PeakRssMiB { get; set; }
    public long? DiskBytes { get; set; }
    public long? IndexBytes { get; set; }
    public Dictionary<string, long> DiskBreakdown { get; } = [];
    public int SearchSamples { get; set; }
    public double? SearchP50Milliseconds { get; set; }
    public double? SearchP95Milliseconds { get; set; }
    /// <summary>The same queries with <c>facets=folder,year,from,source</c>.</summary>
    public double? FacetedSearchP50Milliseconds { get; set; }
    public double? FacetedSearchP95Milliseconds { get; set; }
    /// <summary>
    /// The plain queries again once Vault's CPU is quiet. The first measurement starts at searchable, when the import's
    /// last merges may still be running on the same 2 cores (its p50 at 100,000 messages ranged 2.6-5.7 ms over runs of one build).
    /// </summary>
    public double? QuietSearchP50Milliseconds { get; set; }
    public double? QuietSearchP95Milliseconds { get; set; }
    public List<double?> IdleAppendToSearchableSeconds { get; } = [];
    public double? IdleAppendToSearchableMedianSeconds { get; set; }
    public double? NoOpSyncPassMilliseconds { get; set; }
    public string? NoOpSyncPassSource { get; set; }
    /// <summary>Seconds from create until each multiple of <see cref="MilestoneStep"/> messages was archived and searchable.</summary>
    public List<(long Messages, double? ArchivedSeconds, double? IndexedSeconds)> Milestones { get; } = [];
    public int MilestoneStep { get; set; }
    public List<string> Notes { get; } = [];
    public string? Failure { get; set; }
}
