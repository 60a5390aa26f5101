using Microsoft.Extensions.DependencyInjection;
using Vault.Api.Export;
using Vault.Search.Indexing;
using Vault.TestSupport;

namespace Vault.Api.Tests.Export;

[CollectionDefinition(nameof(ExportMemoryTests), DisableParallelization = true)]
public sealed class ExportMemoryRunsAlone;

/// <summary>
/// Memory while exporting, measured by the garbage collector rather than by time: the heap that survives a full
/// collection stays level from the first quarter of the export to its end, and what is allocated per exported byte is
/// bounded. Runs alone (no other test allocating in this process meanwhile).
/// </summary>
[Collection(nameof(ExportMemoryTests))]
public sealed class ExportMemoryTests : IAsyncDisposable
{
    private readonly ExportHost _host = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Theory]
    [InlineData(ExportFormat.Zip)]
    [InlineData(ExportFormat.Mbox)]
    public async Task Memory_stays_level_while_a_large_source_is_exported(ExportFormat format)
    {
        var mailbox = await GeneratedMailbox.RequireAsync(2000, 7, Ct);
        var id = await _host.AddSourceAsync("large", mailbox.Messages().Select(m => (m.Folder, File.ReadAllBytes(m.Path))), Ct);
        var source = (await _host.Store.GetSourceAsync(id, Ct))!;
        // The indexer allocates too: let it finish first, so that what is measured is the export.
        var index = _host.Services.GetRequiredService<SearchIndex>();
        await Deadline.UntilAsync(
            async () => (await _host.Services.GetRequiredService<IndexBacklog>().CountBySourceAsync(Ct)).Count == 0 && index.CommittedSequence == index.Sequence,
            TimeSpan.FromSeconds(120), "every message indexed and the index committed", Ct);
        index.WaitForMerges();
        var exporter = _host.Services.GetRequiredService<ArchiveExporter>();
        var totals = await _host.Store.GetSourceTotalsAsync(id, Ct);
        var sink = new SamplingStream(sampleEvery: totals.Bytes / 8);

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var summary = await exporter.ExportSourceAsync(source, format, sink, Ct);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        var output = TestContext.Current.TestOutputHelper!;
        output.WriteLine($"{format}: {summary.Messages} messages, {sink.Length / 1e6:F1} MB written, {allocated / 1e6:F1} MB allocated ({(double)allocated / sink.Length:F2} per byte)");
        output.WriteLine($"live heap after full GCs (MB): {string.Join(", ", sink.Samples.Select(s => (s / 1e6).ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))}");
        Assert.True(sink.Length >= totals.Bytes, "the export holds every byte");
        Assert.True(sink.Samples.Count >= 6, $"sampled {sink.Samples.Count} times");

        // A buffered export would have grown the live heap by the export's size (about 60 MB) between these samples.
        var growth = sink.Samples[^1] - sink.Samples[1];
        Assert.True(growth < 8_000_000, $"the live heap grew by {growth / 1e6:F1} MB during the export");

        // One copy of each message plus buffers: at most about three bytes allocated per byte exported.
        Assert.True(allocated < 3 * sink.Length + 20_000_000, $"{allocated / 1e6:F1} MB allocated for {sink.Length / 1e6:F1} MB exported");
    }

    /// <summary>Discards what is written; every <c>sampleEvery</c> bytes, records the heap that survives a full collection.</summary>
    private sealed class SamplingStream(long sampleEvery) : Stream
    {
        private long _nextSample;

        public List<long> Samples { get; } = [];

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Position;

        public override long Position { get; set; }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Position += buffer.Length;
            if (Position >= _nextSample)
            {
                Samples.Add(GC.GetTotalMemory(forceFullCollection: true));
                _nextSample = Position + sampleEvery;
            }
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }
    }
}
