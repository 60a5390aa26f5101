using Microsoft.Extensions.Time.Testing;
using Vault.Ingestion.Errors;

namespace Vault.Ingestion.Tests.Errors;

public sealed class RetryPolicyTests
{
    private static readonly ClassifiedError Refused = new(ErrorCodes.ConnectionRefused, "refused", "wait", null, true);
    private static readonly ClassifiedError WrongPassword = new(ErrorCodes.AuthenticationFailed, "rejected", "fix it", "NO", false);

    [Fact]
    public void Credential_errors_get_no_retry_time()
    {
        var policy = new RetryPolicy(new FakeTimeProvider(), new Random(1));

        Assert.Null(policy.NextRetryAt(WrongPassword, 1, DateTimeOffset.UnixEpoch));
        var error = policy.ToSourceError(WrongPassword, null);
        Assert.Null(error.NextRetryAt);
        Assert.Equal(1, error.ConsecutiveFailures);
    }

    [Fact]
    public void Transient_errors_back_off_exponentially_with_jitter_up_to_the_cap()
    {
        var policy = new RetryPolicy(new FakeTimeProvider(), new Random(7));
        var now = DateTimeOffset.UnixEpoch;

        for (var failures = 1; failures <= 20; failures++)
        {
            var ceiling = TimeSpan.FromTicks(Math.Min(RetryPolicy.BaseDelay.Ticks * (1L << Math.Min(failures - 1, 30)), RetryPolicy.MaxDelay.Ticks));
            var delay = policy.NextRetryAt(Refused, failures, now)!.Value - now;
            Assert.InRange(delay, TimeSpan.FromSeconds(1), ceiling < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : ceiling);
        }

        var late = Enumerable.Range(0, 50).Select(_ => policy.NextRetryAt(Refused, 30, now)!.Value - now).ToList();
        Assert.True(late.Max() > TimeSpan.FromMinutes(10), "with the cap reached, some delays should be long");
        Assert.True(late.Distinct().Count() > 40, "jitter spreads retries apart");
    }

    [Fact]
    public void Consecutive_failures_count_up_from_the_previous_error()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture));
        var policy = new RetryPolicy(time, new Random(3));

        var first = policy.ToSourceError(Refused, null);
        time.Advance(TimeSpan.FromMinutes(1));
        var second = policy.ToSourceError(Refused, first);

        Assert.Equal(2, second.ConsecutiveFailures);
        Assert.Equal(time.GetUtcNow(), second.OccurredAt);
        Assert.True(second.NextRetryAt > second.OccurredAt);
    }
}
