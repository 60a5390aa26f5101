using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Vault.Api.Auth;

/// <summary>
/// Counts failed API-key attempts per client address with a fixed-window limiter (System.Threading.RateLimiting, the
/// limiter under ASP.NET Core's rate limiting). A request with the right key never uses a permit. Once an address has
/// spent its permits, every /api request from it is refused until the window ends, a right key included: answering a
/// right key differently from a wrong one during the lock-out would let guessing go on at full speed.
/// </summary>
public sealed class ApiKeyFailureLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public ApiKeyFailureLimiter(IOptions<ApiKeyFailureLimits> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var limits = options.Value;
        _limiter = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limits.FailuresPerWindow,
            Window = limits.Window,
            QueueLimit = 0,
        }));
    }

    /// <summary>Null while <paramref name="client"/> may still try; else how long it must wait.</summary>
    public TimeSpan? LockedOutFor(IPAddress? client)
    {
        // Asking for zero permits tells whether any are left, without spending one.
        using var probe = _limiter.AttemptAcquire(Key(client), 0);
        return probe.IsAcquired ? null : RetryAfter(probe);
    }

    /// <summary>Spends one permit for a failed attempt; true when that was the last one (the address is now locked out).</summary>
    public bool RecordFailure(IPAddress? client)
    {
        using var lease = _limiter.AttemptAcquire(Key(client));
        return lease.IsAcquired && _limiter.GetStatistics(Key(client))?.CurrentAvailablePermits == 0;
    }

    public void Dispose() => _limiter.Dispose();

    private static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);

    /// <summary>IPv4-mapped IPv6 and plain IPv4 are one client.</summary>
    private static string Key(IPAddress? client) =>
        client is null ? "unknown" : (client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client).ToString();
}
