using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Vault.Archive;
using Vault.Archive.Sources;

namespace Vault.Ingestion.Sync;

/// <summary>The sync engine's instruments on the <c>Vault</c> meter.</summary>
public sealed class SyncMetrics
{
    private readonly Counter<long> _messagesArchived;
    private readonly Counter<long> _bytesArchived;
    private readonly Counter<long> _syncErrors;
    private readonly Histogram<double> _batchDuration;
    private readonly Histogram<double> _passDuration;
    private readonly ConcurrentDictionary<string, SourceStatus> _statuses = new(StringComparer.Ordinal);

    /// <summary>
    /// Boundaries in seconds for the duration histograms. OpenTelemetry's default boundaries (0, 5, 10, 25 ... 10000)
    /// are meant for milliseconds: every batch and pass, measured in seconds, fell into the first bucket.
    /// </summary>
    public static IReadOnlyList<double> SecondsBoundaries { get; } = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    private static readonly InstrumentAdvice<double> SecondsBuckets = new() { HistogramBucketBoundaries = SecondsBoundaries };

    public SyncMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(VaultTelemetry.MeterName);
        _messagesArchived = meter.CreateCounter<long>("vault.messages.archived", "{message}", "Messages newly written to the archive.");
        _bytesArchived = meter.CreateCounter<long>("vault.bytes.archived", "By", "Raw bytes newly written to the archive.");
        _syncErrors = meter.CreateCounter<long>("vault.sync.errors", "{error}", "Failed sync attempts by error code.");
        _batchDuration = meter.CreateHistogram("vault.batch.duration", "s", "Fetch and commit time of one batch.", advice: SecondsBuckets);
        _passDuration = meter.CreateHistogram("vault.sync.pass.duration", "s", "One poll pass over a source's folders (STATUS each, sync the changed ones).", advice: SecondsBuckets);
        meter.CreateObservableGauge("vault.sources", ObserveSources, "{source}", "Sources by status.");
    }

    public void BatchCommitted(long messages, long bytes, TimeSpan duration)
    {
        _messagesArchived.Add(messages);
        _bytesArchived.Add(bytes);
        _batchDuration.Record(duration.TotalSeconds);
    }

    public void PassCompleted(TimeSpan duration) => _passDuration.Record(duration.TotalSeconds);

    public void SyncFailed(string code) => _syncErrors.Add(1, new KeyValuePair<string, object?>("code", code));

    public void StatusChanged(string sourceId, SourceStatus status) => _statuses[sourceId] = status;

    public void SourceRemoved(string sourceId) => _statuses.TryRemove(sourceId, out _);

    private IEnumerable<Measurement<long>> ObserveSources() =>
        Enum.GetValues<SourceStatus>().Select(status => new Measurement<long>(
            _statuses.Values.Count(s => s == status),
            new KeyValuePair<string, object?>("status", status.ToString())));
}
