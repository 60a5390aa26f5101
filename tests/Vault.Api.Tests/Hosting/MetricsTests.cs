using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Vault.Ingestion.Sync;
using Vault.TestSupport;

namespace Vault.Api.Tests.Hosting;

public sealed partial class MetricsTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Theory]
    [InlineData("vault_batch_duration_seconds")]
    [InlineData("vault_sync_pass_duration_seconds")]
    public async Task A_two_second_duration_lands_in_a_seconds_bucket_not_the_first(string histogram)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Vault:DataDirectory", _data.Path);
            web.UseSetting("Vault:ApiKey", "metrics-key");
        });
        var client = host.CreateClient();
        var metrics = host.Services.GetRequiredService<SyncMetrics>();

        metrics.BatchCommitted(messages: 10, bytes: 1000, TimeSpan.FromSeconds(2));
        metrics.PassCompleted(TimeSpan.FromSeconds(2));
        var text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative), ct);

        var buckets = Bucket().Matches(text)
            .Where(match => match.Groups["name"].Value == histogram)
            .ToDictionary(match => match.Groups["le"].Value, match => double.Parse(match.Groups["count"].Value, CultureInfo.InvariantCulture));
        Assert.True(buckets.Count > 3, $"no buckets of {histogram} in:\n{text}");
        Assert.Equal(0, buckets.First().Value);
        Assert.Equal(0, buckets["1"]);
        Assert.Equal(1, buckets["2.5"]);
        Assert.Equal(1, buckets["+Inf"]);
    }

    public void Dispose() => _data.Dispose();

    [GeneratedRegex(@"^(?<name>\w+)_bucket\{[^}]*le=""(?<le>[^""]+)""[^}]*\} (?<count>\S+)", RegexOptions.Multiline)]
    private static partial Regex Bucket();
}
