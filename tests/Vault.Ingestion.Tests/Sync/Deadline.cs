using System.Diagnostics;

namespace Vault.Ingestion.Tests.Sync;

/// <summary>Waits on a condition with a deadline (no sleeps that a test relies on for correctness).</summary>
internal static class Deadline
{
    public static async Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, TimeSpan within, string what, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > within)
            {
                Assert.Fail($"Not within {within}: {what}");
            }

            await Task.Delay(20, cancellationToken);
        }

        return watch.Elapsed;
    }
}
