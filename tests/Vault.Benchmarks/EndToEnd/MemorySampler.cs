namespace Vault.Benchmarks.EndToEnd;

/// <summary>Samples the Vault process's VmRSS every 100 ms; <see cref="MarkImportDone"/> freezes the import's peak.</summary>
public sealed class MemorySampler : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly VaultProcess vault;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private long peakRss;
    private long? importPeakRss;

    public MemorySampler(VaultProcess vault)
    {
        this.vault = vault;
        loop = SampleAsync(stop.Token);
    }

    public long PeakRss => Interlocked.Read(ref peakRss);

    public long? ImportPeakRss => importPeakRss;

    public void MarkImportDone()
    {
        Sample();
        importPeakRss = PeakRss;
    }

    /// <summary>The kernel's own high-water mark (VmHWM), which also catches spikes between two samples.</summary>
    public long? KernelPeakRss() => vault.ReadMemory()?.PeakRss;

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
            // Stopped, as asked.
        }

        stop.Dispose();
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            Sample();
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    private void Sample()
    {
        if (vault.ReadMemory() is { } memory && memory.Rss > Interlocked.Read(ref peakRss))
        {
            Interlocked.Exchange(ref peakRss, memory.Rss);
        }
    }
}
