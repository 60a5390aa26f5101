using Vault.Search.Searching;
using Vault.Search.Tests.Mailboxes;

namespace Vault.Search.Tests.Searching;

/// <summary>Facets count over the whole result, whatever the page, from doc values; a message in two folders counts in both.</summary>
public sealed class FacetTests : IDisposable
{
    private static readonly SearchFacet[] All = [SearchFacet.Folder, SearchFacet.Year, SearchFacet.From, SearchFacet.Source];

    private readonly ScratchIndex _index = new();

    public void Dispose() => _index.Dispose();

    private static string Message(string from, int year, string word) =>
        $"From: {from}\r\nSubject: {word} {Guid.NewGuid():N}\r\nDate: Mon, 01 Jun {year} 10:00:00 +0000\r\n\r\n{word}\r\n";

    private async Task<SearchResults> SearchAsync(string query, int pageSize, params SearchFacet[] facets)
    {
        await _index.Index.CommitAsync(TestContext.Current.CancellationToken);
        return await _index.Search.SearchAsync(query, 1, pageSize, SearchSort.Date, facets, TestContext.Current.CancellationToken);
    }

    private static Dictionary<string, long> Counts(SearchResults results, SearchFacet facet) =>
        results.Facets![facet].ToDictionary(v => v.Value, v => v.Count);

    [Fact]
    public async Task Facets_count_every_hit_not_only_the_page()
    {
        for (var i = 0; i < 7; i++)
        {
            _index.Add(Message("Alice <Alice@Example.org>", 2023, "pelican"), i < 4 ? "INBOX" : "Archive/2023");
        }

        for (var i = 0; i < 3; i++)
        {
            _index.Add(Message("bob@example.net", 2021 + i, "pelican"), "Sent");
        }

        _index.Add(Message("carol@example.com", 2020, "heron"), "INBOX");

        var results = await SearchAsync("pelican", 2, All);
        Assert.Equal(10, results.Total);
        Assert.Equal(2, results.Hits.Count);
        Assert.Equal([SearchFacet.Folder, SearchFacet.Year, SearchFacet.From, SearchFacet.Source], results.Facets!.Keys);
        Assert.Equal(new Dictionary<string, long> { ["INBOX"] = 4, ["Archive/2023"] = 3, ["Sent"] = 3 }, Counts(results, SearchFacet.Folder));
        Assert.Equal(new Dictionary<string, long> { ["2023"] = 8, ["2021"] = 1, ["2022"] = 1 }, Counts(results, SearchFacet.Year));
        Assert.Equal(new Dictionary<string, long> { ["alice@example.org"] = 7, ["bob@example.net"] = 3 }, Counts(results, SearchFacet.From));
        Assert.Equal(new Dictionary<string, long> { [ScratchIndex.SourceId] = 10 }, Counts(results, SearchFacet.Source));

        // Most frequent first, ties by value.
        Assert.Equal(["INBOX", "Archive/2023", "Sent"], results.Facets[SearchFacet.Folder].Select(v => v.Value));
    }

    [Fact]
    public async Task Facets_are_counted_on_a_page_past_the_last_hit_too()
    {
        _index.Add(Message("alice@example.org", 2023, "pelican"));
        await _index.Index.CommitAsync(TestContext.Current.CancellationToken);
        var results = await _index.Search.SearchAsync("pelican", 1000, 10, SearchSort.Date, [SearchFacet.Folder], TestContext.Current.CancellationToken);
        Assert.Empty(results.Hits);
        Assert.Equal(1, Assert.Single(results.Facets![SearchFacet.Folder]).Count);
    }

    [Fact]
    public async Task A_message_in_two_folders_counts_once_in_each()
    {
        var raw = System.Text.Encoding.UTF8.GetBytes(Message("alice@example.org", 2023, "pelican"));
        _index.Add(raw, "INBOX", m => m with { Locations = [.. m.Locations, new Vault.Archive.Messages.MessageLocation("Archive", 1, 7)] });
        var results = await SearchAsync("pelican", 10, SearchFacet.Folder);
        Assert.Equal(1, results.Total);
        Assert.Equal(new Dictionary<string, long> { ["INBOX"] = 1, ["Archive"] = 1 }, Counts(results, SearchFacet.Folder));
    }

    [Fact]
    public async Task Each_facet_lists_its_twenty_most_frequent_values()
    {
        for (var sender = 0; sender < 25; sender++)
        {
            for (var copies = 0; copies <= sender % 3; copies++)
            {
                _index.Add(Message($"s{sender:00}@example.org", 2023, "pelican"));
            }
        }

        var from = (await SearchAsync("pelican", 1, SearchFacet.From)).Facets![SearchFacet.From];
        Assert.Equal(FacetCounter.TopValues, from.Count);
        Assert.Equal(from.OrderByDescending(v => v.Count).ThenBy(v => v.Value, StringComparer.Ordinal), from);
        Assert.All(from.Take(8), v => Assert.Equal(3, v.Count));
        Assert.DoesNotContain(from, v => v.Count == 1 && string.CompareOrdinal(v.Value, "s19") > 0);
    }

    [Fact]
    public async Task No_facets_asked_means_none_counted()
    {
        _index.Add(Message("alice@example.org", 2023, "pelican"));
        Assert.Null((await SearchAsync("pelican", 10)).Facets);
    }
}
