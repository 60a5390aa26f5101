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
        var error = policy.ToSourceError(WrongPassword, 1);
        Assert.Null(error.NextRetryAt);
        Assert.Equal(1, error.ConsecutiveFailures);
    }

    [Fact]
    public void Transient_errors_back_off_between_half_the_ceiling_and_the_ceiling_up_to_the_cap()
    {
        var policy = new RetryPolicy(new FakeTimeProvider(), new Random(7));
        var now = DateTimeOffset.UnixEpoch;

        for (var failures = 1; failures <= 20; failures++)
        {
            var ceiling = TimeSpan.FromTicks(Math.Min(RetryPolicy.BaseDelay.Ticks * (1L << Math.Min(failures - 1, 30)), RetryPolicy.MaxDelay.Ticks));
            var delay = policy.NextRetryAt(Refused, failures, now)!.Value - now;
            Assert.InRange(delay, ceiling / 2, ceiling);
        }

        var late = Enumerable.Range(0, 50).Select(_ => policy.NextRetryAt(Refused, 30, now)!.Value - now).ToList();
        Assert.All(late, delay => Assert.InRange(delay, RetryPolicy.MaxDelay / 2, RetryPolicy.MaxDelay));
        Assert.True(late.Distinct().Count() > 40, "jitter spreads retries apart");
    }

    [Fact]
    public void Every_failure_in_a_row_waits_at_least_as_long_as_the_one_before_could()
    {
        // Equal jitter: the shortest wait after n failures is the longest after n-1, so a source that fails the same
        // way every time retries ever more slowly, never back at a few seconds (below the cap: 5 s * 2^8 = 21 min).
        var policy = new RetryPolicy(new FakeTimeProvider(), new Random(11));
        for (var failures = 2; failures <= 9; failures++)
        {
            var shortest = Enumerable.Range(0, 200).Min(_ => policy.Delay(failures));
            var longestBefore = Enumerable.Range(0, 200).Max(_ => policy.Delay(failures - 1));
            Assert.True(shortest >= longestBefore * 0.99, $"after {failures} failures the shortest wait {shortest} is below {longestBefore}");
        }
    }

    [Fact]
    public void The_error_carries_its_count_and_the_time_it_occurred()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture));
        var policy = new RetryPolicy(time, new Random(3));

        var second = policy.ToSourceError(Refused, 2);

        Assert.Equal(2, second.ConsecutiveFailures);
        Assert.Equal(time.GetUtcNow(), second.OccurredAt);
        Assert.InRange(second.NextRetryAt!.Value - second.OccurredAt, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));
    }
}
