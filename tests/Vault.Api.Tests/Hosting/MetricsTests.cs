using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Vault.Ingestion.Sync;
using Vault.TestSupport;

namespace Vault.Api.Tests.Hosting;

/// <summary>
/// Alone: the exporter of every host in this process follows instruments by meter name, so another host starting or
/// stopping meanwhile adds to, or stops, the histograms this one exports.
/// </summary>
[CollectionDefinition(nameof(MetricsTests), DisableParallelization = true)]
[Collection(nameof(MetricsTests))]
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

        // Other hosts in this test process export through the same meter names, so only what this test adds is compared.
        var before = await BucketsAsync(client, histogram, ct);
        metrics.BatchCommitted(messages: 10, bytes: 1000, TimeSpan.FromSeconds(2));
        metrics.PassCompleted(TimeSpan.FromSeconds(2));
        // The exporter may answer from its scrape cache for a moment: poll until the observations show.
        var after = new Dictionary<string, double>();
        double Added(string le) => after.GetValueOrDefault(le) - before.GetValueOrDefault(le);
        await Deadline.UntilAsync(
            async () =>
            {
                after = await BucketsAsync(client, histogram, ct);
                return Added("+Inf") >= 1;
            },
            TimeSpan.FromSeconds(10), () => $"the observation of {histogram} exported: before {string.Join(", ", before.Select(b => $"{b.Key}={b.Value}"))}; after {string.Join(", ", after.Select(b => $"{b.Key}={b.Value}"))}", ct);

        Assert.True(after.Count > 3, $"no buckets of {histogram}");
        Assert.True(Added("2.5") - Added("1") >= 1, $"no observation between 1 s and 2.5 s in {histogram}: {string.Join(", ", after.Select(b => $"{b.Key}={b.Value}"))}");
    }

    private static async Task<Dictionary<string, double>> BucketsAsync(HttpClient client, string histogram, CancellationToken cancellationToken)
    {
        var text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative), cancellationToken);
        return Bucket().Matches(text)
            .Where(match => match.Groups["name"].Value == histogram)
            .ToDictionary(match => match.Groups["le"].Value, match => double.Parse(match.Groups["count"].Value, CultureInfo.InvariantCulture));
    }

    public void Dispose() => _data.Dispose();

    [GeneratedRegex(@"^(?<name>\w+)_bucket\{[^}]*le=""(?<le>[^""]+)""[^}]*\} (?<count>\S+)", RegexOptions.Multiline)]
    private static partial Regex Bucket();
}
