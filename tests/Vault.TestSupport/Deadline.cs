using System.Diagnostics;
using Xunit;

namespace Vault.TestSupport;

/// <summary>Waits on a condition with a deadline (no sleeps that a test relies on for correctness).</summary>
public static class Deadline
{
    public static Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, TimeSpan within, string what, CancellationToken cancellationToken) =>
        UntilAsync(condition, within, () => what, cancellationToken);

    /// <summary>As above; <paramref name="what"/> is asked only on failure, so it can describe the last state seen.</summary>
    public static async Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, TimeSpan within, Func<string> what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(what);
        var watch = Stopwatch.StartNew();
        if (!await HoldsWithinAsync(condition, within, cancellationToken))
        {
            Assert.Fail($"Not within {within}: {what()}");
        }

        return watch.Elapsed;
    }

    /// <summary>Whether <paramref name="condition"/> held within <paramref name="within"/>, for a test that has a next step when it did not.</summary>
    public static async Task<bool> HoldsWithinAsync(Func<Task<bool>> condition, TimeSpan within, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > within)
            {
                return false;
            }

            await Task.Delay(20, cancellationToken);
        }

        return true;
    }
}
