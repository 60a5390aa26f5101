using Vault.Archive.Sources;

namespace Vault.Ingestion.Errors;

/// <summary>
/// When to try again after a failure: exponential backoff with full jitter (a random delay between zero and
/// <c>BaseDelay * 2^(failures-1)</c>, capped), so many sources failing together do not retry in step. Errors a
/// person must fix (credentials, certificates, configuration) get no retry time at all: retrying a rejected
/// password only gets accounts locked.
/// </summary>
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
        if (!error.Transient)
        {
            return null;
        }

        var exponent = Math.Clamp(consecutiveFailures - 1, 0, 30);
        var ceiling = Math.Min(BaseDelay.TotalMilliseconds * Math.Pow(2, exponent), MaxDelay.TotalMilliseconds);

        // Full jitter (AWS architecture blog, "Exponential Backoff And Jitter"), but never sooner than a second.
        var delay = Math.Max(1000, random.NextDouble() * ceiling);
        return now + TimeSpan.FromMilliseconds(delay);
    }

    /// <summary>The Archive's <see cref="SourceError"/> for a failure now, counting it after <paramref name="previous"/>.</summary>
    public SourceError ToSourceError(ClassifiedError error, SourceError? previous)
    {
        ArgumentNullException.ThrowIfNull(error);
        var now = timeProvider.GetUtcNow();
        var failures = (previous?.ConsecutiveFailures ?? 0) + 1;
        return new SourceError(error.Code, error.Message, error.Hint, error.ServerResponse, now, failures, NextRetryAt(error, failures, now));
    }
}
