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
        // The exporter of a host follows every meter named Vault in the process and shares one stream per instrument
        // name among them: a host of another test that stops meanwhile ends that stream, and this host's observation
        // is lost with it (once in some twenty CI runs). One host per process, as Vault runs, cannot meet that, so a
        // lost observation is tried again on a new host, three hosts at most; wrong buckets fail on every host.
        var tried = new List<string>();
        for (var host = 0; host < 3; host++)
        {
            var (before, after) = await ObserveTwoSecondsAsync(histogram);
            double Added(string le) => after.GetValueOrDefault(le) - before.GetValueOrDefault(le);
            if (Added("+Inf") < 1)
            {
                tried.Add($"before {Show(before)}; after {Show(after)}");
                continue;
            }

            Assert.True(after.Count > 3, $"no buckets of {histogram}");
            Assert.True(Added("2.5") - Added("1") >= 1, $"no observation between 1 s and 2.5 s in {histogram}: {Show(after)}");
            return;
        }

        Assert.Fail($"the observation of {histogram} was not exported by any of three hosts: {string.Join(" | ", tried)}");
    }

    /// <returns>The histogram's buckets before one observation of 2 s, and once it shows (or after 10 s).</returns>
    private async Task<(Dictionary<string, double> Before, Dictionary<string, double> After)> ObserveTwoSecondsAsync(string histogram)
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
        // The exporter may answer from its scrape cache for a moment: poll until the observation shows.
        var after = before;
        await Deadline.HoldsWithinAsync(
            async () =>
            {
                after = await BucketsAsync(client, histogram, ct);
                return after.GetValueOrDefault("+Inf") - before.GetValueOrDefault("+Inf") >= 1;
            },
            TimeSpan.FromSeconds(10), ct);
        return (before, after);
    }

    private static string Show(Dictionary<string, double> buckets) => string.Join(", ", buckets.Select(b => $"{b.Key}={b.Value}"));

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
