using Microsoft.Extensions.Time.Testing;

namespace Vault.Ingestion.Tests.Sync;

/// <summary>
/// A fake clock that counts the timers made on it. A test that steps through a retry waits until the retry's timer
/// exists before it advances the clock: a timer made just after the advance would start from the new time and never fire.
/// </summary>
internal sealed class TimerCountingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private int _timers;

    public int TimersCreated => Volatile.Read(ref _timers);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Interlocked.Increment(ref _timers);
        return timer;
    }
}
