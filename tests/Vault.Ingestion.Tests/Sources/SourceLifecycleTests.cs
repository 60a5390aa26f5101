using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Vault.Archive.Embedded;
using Vault.Archive.Sources;
using Vault.Ingestion.ImportRunner;
using Vault.Ingestion.Jobs;
using Vault.Ingestion.Sources;
using Vault.Ingestion.Sync;
using Vault.Search.Indexing;
using Vault.TestSupport;

namespace Vault.Ingestion.Tests.Sources;

/// <summary>A person's create, pause, resume and delete move the status, the job and the sources-by-status gauge together.</summary>
public sealed class SourceLifecycleTests : IAsyncDisposable
{
    private readonly TempDirectory _data = new("vault-lifecycle");
    private readonly RunnerMeterFactory _meters = new();
    private readonly EmbeddedArchiveStore _store;
    private readonly SearchIndex _index;
    private readonly SyncMetrics _metrics;
    private readonly RecordingRunner _runner = new();
    private readonly SourceLifecycle _lifecycle;

    public SourceLifecycleTests()
    {
        _store = new EmbeddedArchiveStore(_data.Path, TimeProvider.System);
        _index = new SearchIndex(Path.Combine(_data.Path, "index"));
        _metrics = new SyncMetrics(_meters);
        _lifecycle = new SourceLifecycle(_store, _store, _store, _runner, _metrics, _index, TimeProvider.System, NullLogger<SourceLifecycle>.Instance);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_sources_by_status_gauge_follows_create_pause_resume_and_delete()
    {
        await _store.InitializeAsync(Token);
        var settings = new SourceSettings { Name = "gauge", Host = "127.0.0.1", Username = "someone" };

        var source = await _lifecycle.CreateAsync(settings, [1, 2, 3], Token);
        Assert.Equal(Gauge(SourceStatus.Importing, 1), ReadGauge());
        Assert.Equal([$"start {source.Id}"], _runner.Calls);

        var paused = await _lifecycle.PauseAsync(source.Id, "test", Token);
        Assert.Equal(SourceStatus.Paused, paused.Source!.Status);
        Assert.Equal(Gauge(SourceStatus.Paused, 1), ReadGauge());

        Assert.Equal("The source is already paused.", (await _lifecycle.PauseAsync(source.Id, "test", Token)).ConflictReason);
        Assert.True((await _lifecycle.ResumeAsync("no-such-source", "test", Token)).IsNotFound);

        var resumed = await _lifecycle.ResumeAsync(source.Id, "test", Token);
        Assert.Equal(SourceStatus.Importing, resumed.Source!.Status);
        Assert.Equal(Gauge(SourceStatus.Importing, 1), ReadGauge());

        Assert.True(await _lifecycle.DeleteAsync(source.Id, purge: false, Token));
        Assert.Equal(Gauge(null, 0), ReadGauge());
        Assert.Equal([$"start {source.Id}", $"stop {source.Id}", $"start {source.Id}", $"stop {source.Id}"], _runner.Calls);
        Assert.False(await _lifecycle.DeleteAsync(source.Id, purge: false, Token));
    }

    private static Dictionary<string, long> Gauge(SourceStatus? only, long count) =>
        Enum.GetValues<SourceStatus>().ToDictionary(s => s.ToString(), s => s == only ? count : 0);

    /// <summary>The "vault.sources" gauge of this test's own meter (other tests' meters run in the same process).</summary>
    private Dictionary<string, long> ReadGauge()
    {
        var values = new Dictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "vault.sources" && _meters.Owns(instrument.Meter))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) => values[(string)tags[0].Value!] = value);
        listener.Start();
        listener.RecordObservableInstruments();
        return values;
    }

    public async ValueTask DisposeAsync()
    {
        _index.Dispose();
        await _store.DisposeAsync();
        _meters.Dispose();
        _data.Dispose();
    }

    /// <summary>Records what the lifecycle asks of the job runner; Quartz itself is covered by QuartzSourceRunnerTests.</summary>
    private sealed class RecordingRunner : ISourceRunner
    {
        public List<string> Calls { get; } = [];

        public Task StartAsync(string sourceId, CancellationToken cancellationToken)
        {
            Calls.Add($"start {sourceId}");
            return Task.CompletedTask;
        }

        public Task StopAsync(string sourceId, CancellationToken cancellationToken)
        {
            Calls.Add($"stop {sourceId}");
            return Task.CompletedTask;
        }
    }
}
