using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Vault.Archive;
using Vault.Archive.Messages;
using Vault.Search.Indexing;
using Vault.TestSupport;

namespace Vault.Api.Tests.Search;

/// <summary>
/// The 2,000-message generated mailbox through the whole path: store batches, indexer hand-off, HTTP search.
/// The needles must come back with the manifest's exact counts; the numbers printed are for the report, not pass/fail.
/// </summary>
public sealed class GeneratedMailboxOverHttpTests : IDisposable
{
    private const string SourceId = "src-gen";
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Needles_of_the_generated_mailbox_have_the_manifest_counts_over_http()
    {
        var ct = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper!;
        var mailbox = await GeneratedMailbox.RequireAsync(2000, 7, ct);
        await using var host = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Vault:DataDirectory", _data.Path);
            web.UseSetting("Vault:ApiKey", "test-key");
        });
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "test-key");
        var store = host.Services.GetRequiredService<IArchiveStore>();
        var indexer = host.Services.GetRequiredService<IIndexHandOver>();
        await store.InitializeAsync(ct);

        var clock = Stopwatch.StartNew();
        long rawBytes = 0;
        foreach (var folder in mailbox.Messages().GroupBy(m => m.Folder))
        {
            foreach (var chunk in folder.Select((m, i) => (m, i)).Chunk(200))
            {
                var incoming = new List<IncomingMessage>();
                foreach (var (file, i) in chunk)
                {
                    var bytes = await File.ReadAllBytesAsync(file.Path, ct);
                    rawBytes += bytes.Length;
                    incoming.Add(new IncomingMessage(new MessageLocation(file.Folder, 1, i + 1), MessageContent.FromBytes(bytes), null, [], MessageHeaderSummary.Read(new MemoryStream(bytes))));
                }

                var result = await store.CommitBatchAsync(new MessageBatch(SourceId, incoming, null), ct);
                await indexer.EnqueueAsync(result.ChangedIds.ToList(), ct);
            }
        }

        var committed = clock.Elapsed;
        await Deadline.UntilAsync(async () => await TotalAsync(client, $"source:{SourceId}", ct) >= 2000, TimeSpan.FromMinutes(3), "the indexer catches up", ct);

        var searchable = clock.Elapsed;
        Assert.Equal(mailbox.NeedleCount("rare_word"), await TotalAsync(client, mailbox.Needle("rare_word"), ct));
        Assert.Equal(mailbox.NeedleCount("phrase"), await TotalAsync(client, $"\"{mailbox.Needle("phrase")}\"", ct));
        Assert.Equal(mailbox.NeedleCount("sender"), await TotalAsync(client, $"from:{mailbox.Needle("sender")}", ct));
        Assert.Equal(mailbox.NeedleCount("date_range"), await TotalAsync(client, "date:2023-03-01..2023-03-31", ct));

        var index = new DirectoryInfo(Path.Combine(_data.Path, "index")).EnumerateFiles().Sum(f => f.Length);
        var all = new DirectoryInfo(_data.Path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        output.WriteLine($"{rawBytes / 1e6:F1} MB raw; store commits done at {committed.TotalSeconds:F2} s, all 2000 searchable at {searchable.TotalSeconds:F2} s ({2000 / searchable.TotalSeconds:F0} msg/s, {rawBytes / 1e6 / searchable.TotalSeconds:F1} MB/s end to end)");
        output.WriteLine($"index {index / 1e6:F1} MB ({100.0 * index / rawBytes:F1}% of raw); data directory total {all / 1e6:F1} MB ({100.0 * all / rawBytes:F1}% of raw)");

        string[] queries = [mailbox.Needle("rare_word"), $"\"{mailbox.Needle("phrase")}\"", $"from:{mailbox.Needle("sender")}", "date:2023-03-01..2023-03-31", "subject:budget folder:\"Archive/2022\""];
        foreach (var query in queries)
        {
            var latencies = new List<double>();
            for (var round = -5; round < 40; round++)
            {
                var start = Stopwatch.GetTimestamp();
                await TotalAsync(client, query, ct);
                if (round >= 0)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }

            latencies.Sort();
            output.WriteLine($"HTTP {query}: p50 {latencies[latencies.Count / 2]:F2} ms, p95 {latencies[(int)(latencies.Count * 0.95)]:F2} ms");
        }
    }

    private static async Task<long> TotalAsync(HttpClient client, string query, CancellationToken cancellationToken)
    {
        var body = await client.GetFromJsonAsync<JsonElement>($"/api/search?q={Uri.EscapeDataString(query)}", cancellationToken);
        return body.GetProperty("total").GetInt64();
    }
}
