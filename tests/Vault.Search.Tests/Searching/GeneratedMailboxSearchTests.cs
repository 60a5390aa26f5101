using System.Diagnostics;
using Vault.Search.Searching;

namespace Vault.Search.Tests.Searching;

public sealed class GeneratedMailboxSearchTests(GeneratedMailboxIndex fixture) : IClassFixture<GeneratedMailboxIndex>
{
    private async Task<SearchResults> SearchAsync(string query, int pageSize = 20) =>
        await fixture.Search.SearchAsync(query, 1, pageSize, SearchSort.Date, TestContext.Current.CancellationToken);

    [Fact]
    public void Every_generated_message_is_one_document()
    {
        Assert.Equal(fixture.Mailbox.Manifest.GetProperty("count").GetInt32(), fixture.MessageCount);
        Assert.Equal(fixture.MessageCount, fixture.Index.DocumentCount);
    }

    [Fact]
    public async Task Rare_word_finds_exactly_the_manifest_count()
    {
        var results = await SearchAsync(fixture.Mailbox.Needle("rare_word"));
        Assert.Equal(fixture.Mailbox.NeedleCount("rare_word"), results.Total);
        Assert.All(results.Hits, h => Assert.Contains(fixture.Mailbox.Needle("rare_word"), h.Snippet, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Phrase_finds_exactly_the_manifest_count_with_the_phrase_in_each_snippet()
    {
        var phrase = fixture.Mailbox.Needle("phrase");
        var results = await SearchAsync($"\"{phrase}\"", 200);
        Assert.Equal(fixture.Mailbox.NeedleCount("phrase"), results.Total);
        Assert.All(results.Hits, h =>
        {
            var highlight = Assert.Single(h.Highlights, x => h.Snippet.Substring(x.Start, x.Length).Equals(phrase, StringComparison.OrdinalIgnoreCase));
            Assert.True(highlight.Length > 0);
        });
    }

    [Fact]
    public async Task From_the_sender_finds_exactly_the_manifest_count()
    {
        var sender = fixture.Mailbox.Needle("sender");
        Assert.Equal(fixture.Mailbox.NeedleCount("sender"), (await SearchAsync($"from:{sender}")).Total);
        Assert.Equal(fixture.Mailbox.NeedleCount("sender"), (await SearchAsync($"from:{sender.ToUpperInvariant()}")).Total);
    }

    [Fact]
    public async Task Date_range_finds_exactly_the_manifest_count_newest_first()
    {
        var results = await SearchAsync("date:2023-03-01..2023-03-31", 200);
        Assert.Equal(fixture.Mailbox.NeedleCount("date_range"), results.Total);
        Assert.Equal(results.Hits.OrderByDescending(h => h.Date).Select(h => h.Id), results.Hits.Select(h => h.Id));
        Assert.All(results.Hits, h => Assert.InRange(h.Date, new DateTimeOffset(2023, 3, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2023, 3, 31, 23, 59, 59, TimeSpan.Zero)));
    }

    [Fact]
    public async Task After_and_before_split_the_range_into_its_days()
    {
        var inside = await SearchAsync("after:2023-03-01 before:2023-04-01");
        Assert.Equal(fixture.Mailbox.NeedleCount("date_range"), inside.Total);
    }

    [Fact]
    public async Task Folder_matches_its_exact_name_including_decoded_non_ascii_names()
    {
        var folders = fixture.Mailbox.Manifest.GetProperty("folders");
        Assert.Equal(folders.GetProperty("Archive/2022").GetInt32(), (await SearchAsync("folder:\"Archive/2022\"")).Total);
        Assert.Equal(folders.GetProperty("Archive").GetInt32(), (await SearchAsync("folder:Archive")).Total);
        Assert.Equal(folders.GetProperty("Projekte/Übersicht").GetInt32(), (await SearchAsync("folder:\"Projekte/Übersicht\"")).Total);
        Assert.Equal(folders.GetProperty("INBOX").GetInt32(), (await SearchAsync("folder:INBOX")).Total);
    }

    [Fact]
    public async Task Source_alone_matches_every_message_and_a_negation_the_rest()
    {
        Assert.Equal(fixture.MessageCount, (await SearchAsync($"source:{GeneratedMailboxIndex.SourceId}")).Total);
        var rare = fixture.Mailbox.Needle("rare_word");
        Assert.Equal(fixture.MessageCount - fixture.Mailbox.NeedleCount("rare_word"), (await SearchAsync($"-{rare}")).Total);
        Assert.Equal(0, (await SearchAsync("source:another-source")).Total);
    }

    [Fact]
    public async Task Or_and_has_attachment_combine_as_sets()
    {
        var attachments = (await SearchAsync("has:attachment")).Total;
        var without = (await SearchAsync("-has:attachment")).Total;
        Assert.InRange(attachments, 1, fixture.MessageCount - 1);
        Assert.Equal(fixture.MessageCount, attachments + without);
        var rare = fixture.Mailbox.Needle("rare_word");
        var either = (await SearchAsync($"{rare} OR has:attachment")).Total;
        Assert.InRange(either, attachments, attachments + fixture.Mailbox.NeedleCount("rare_word"));
    }

    [Fact]
    public async Task A_prefix_of_the_rare_word_finds_exactly_the_manifest_count()
    {
        var rare = fixture.Mailbox.Needle("rare_word");
        Assert.Equal(fixture.Mailbox.NeedleCount("rare_word"), (await SearchAsync(rare[..8] + "*")).Total);
        Assert.Equal(fixture.Mailbox.NeedleCount("rare_word"), (await SearchAsync("body:" + rare[..3] + "*")).Total);
    }

    [Fact]
    public async Task Folder_facet_counts_equal_the_manifests_folder_counts_and_in_finds_each()
    {
        var folders = fixture.Mailbox.Manifest.GetProperty("folders").EnumerateObject().ToDictionary(f => f.Name, f => (long)f.Value.GetInt32());
        var all = await fixture.Search.SearchAsync($"source:{GeneratedMailboxIndex.SourceId}", 1, 1, SearchSort.Date, [SearchFacet.Folder, SearchFacet.Source], TestContext.Current.CancellationToken);
        Assert.Equal(folders, all.Facets![SearchFacet.Folder].ToDictionary(v => v.Value, v => v.Count));
        Assert.Equal(fixture.MessageCount, Assert.Single(all.Facets[SearchFacet.Source]).Count);
        foreach (var (folder, count) in folders)
        {
            Assert.Equal(count, (await SearchAsync($"in:\"{folder}\"")).Total);
        }
    }

    [Fact]
    public async Task Pages_partition_the_results()
    {
        var first = await fixture.Search.SearchAsync("meeting", 1, 10, SearchSort.Date, TestContext.Current.CancellationToken);
        var second = await fixture.Search.SearchAsync("meeting", 2, 10, SearchSort.Date, TestContext.Current.CancellationToken);
        var both = await fixture.Search.SearchAsync("meeting", 1, 20, SearchSort.Date, TestContext.Current.CancellationToken);
        Assert.Equal(both.Hits.Select(h => h.Id), first.Hits.Concat(second.Hits).Select(h => h.Id));
        var relevance = await fixture.Search.SearchAsync("meeting", 1, 20, SearchSort.Relevance, TestContext.Current.CancellationToken);
        Assert.Equal(both.Total, relevance.Total);
    }

    [Fact]
    public async Task Measurements_for_the_report()
    {
        var output = TestContext.Current.TestOutputHelper!;
        var seconds = fixture.IndexingTime.TotalSeconds;
        output.WriteLine($"indexed {fixture.MessageCount} messages, {fixture.RawBytes / 1e6:F1} MB in {seconds:F2} s: {fixture.MessageCount / seconds:F0} msg/s, {fixture.RawBytes / 1e6 / seconds:F1} MB/s");
        output.WriteLine($"index on disk {fixture.IndexBytesOnDisk() / 1e6:F1} MB = {100.0 * fixture.IndexBytesOnDisk() / fixture.RawBytes:F1}% of raw");
        string[] queries = [fixture.Mailbox.Needle("rare_word"), $"\"{fixture.Mailbox.Needle("phrase")}\"", $"from:{fixture.Mailbox.Needle("sender")}", "date:2023-03-01..2023-03-31", "subject:budget folder:\"Archive/2022\""];
        foreach (var query in queries)
        {
            await SearchAsync(query);
        }

        var latencies = new List<double>();
        for (var round = -5; round < 40; round++)
        {
            foreach (var query in queries)
            {
                var clock = Stopwatch.StartNew();
                await SearchAsync(query);
                if (round >= 0)
                {
                    latencies.Add(clock.Elapsed.TotalMilliseconds);
                }
            }
        }

        latencies.Sort();
        output.WriteLine($"selective queries in-process: p50 {latencies[latencies.Count / 2]:F2} ms, p95 {latencies[(int)(latencies.Count * 0.95)]:F2} ms");
        Assert.Equal(queries.Length * 40, latencies.Count);
    }
}
