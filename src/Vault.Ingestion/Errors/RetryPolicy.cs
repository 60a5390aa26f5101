using Vault.Archive.Sources;

namespace Vault.Ingestion.Errors;

/// <summary>
/// When to try again after a failure: exponential backoff with "equal jitter" (half of
/// <c>BaseDelay * 2^(failures-1)</c>, capped, plus a random part up to the other half), so the delays grow with
/// every failure in a row and many sources failing together still do not retry in step. Errors a person must fix
/// (credentials, certificates, configuration) get no retry time at all: retrying a rejected password only gets
/// accounts locked.
/// </summary>
/// <remarks>
/// Full jitter (a delay anywhere between zero and the ceiling) was used before; it let a source that fails the same
/// way every time retry after a second or two even after many failures, which reads as hammering in a server's log.
/// </remarks>
public sealed class RetryPolicy(TimeProvider timeProvider, Random random)
{
    public static TimeSpan BaseDelay { get; } = TimeSpan.FromSeconds(5);

    public static TimeSpan MaxDelay { get; } = TimeSpan.FromMinutes(30);

    public RetryPolicy(TimeProvider timeProvider)
        : this(timeProvider, Random.Shared)
    {
    }

    /// <summary>Null when a person must act; otherwise <paramref name="now"/> plus the jittered backoff.</summary>
    public DateTimeOffset? NextRetryAt(ClassifiedError error, int consecutiveFailures, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Transient ? now + Delay(consecutiveFailures) : null;
    }

    /// <summary>Between half the ceiling and the ceiling, where the ceiling doubles with each failure in a row up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan Delay(int consecutiveFailures)
    {
        var exponent = Math.Clamp(consecutiveFailures - 1, 0, 30);
        var ceiling = Math.Min(BaseDelay.TotalMilliseconds * Math.Pow(2, exponent), MaxDelay.TotalMilliseconds);
        var half = ceiling / 2;
        return TimeSpan.FromMilliseconds(Math.Max(1000, half + (random.NextDouble() * half)));
    }

    /// <summary>The Archive's <see cref="SourceError"/> for the <paramref name="consecutiveFailures"/>-th failure in a row, now.</summary>
    public SourceError ToSourceError(ClassifiedError error, int consecutiveFailures)
    {
        ArgumentNullException.ThrowIfNull(error);
        var now = timeProvider.GetUtcNow();
        return new SourceError(error.Code, error.Message, error.Hint, error.ServerResponse, now, consecutiveFailures, NextRetryAt(error, consecutiveFailures, now));
    }
}
