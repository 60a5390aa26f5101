using Vault.Search.QueryLanguage;
using Vault.Search.Searching;
using Vault.Search.Tests.Mailboxes;

namespace Vault.Search.Tests.Searching;

/// <summary>Inputs at the edges of what <see cref="SearchService"/> accepts: huge pages, the calendar's ends, the term limit.</summary>
public sealed class SearchServiceTests : IDisposable
{
    private readonly ScratchIndex _index = new();

    public void Dispose() => _index.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task AddAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _index.Add($"From: a@example.org\r\nSubject: pelican {i}\r\nDate: Thu, 0{i + 1} Mar 2023 10:00:00 +0000\r\nMessage-ID: <p{i}@example.org>\r\n\r\nbody {i}\r\n");
        }

        await _index.Index.CommitAsync(Ct);
    }

    [Theory]
    [InlineData(2, 3)]
    [InlineData(int.MaxValue, 200)]
    [InlineData(int.MaxValue / 200 + 2, 200)]
    public async Task A_page_beyond_the_last_hit_is_empty_and_keeps_the_total(int page, int pageSize)
    {
        await AddAsync(3);
        foreach (var sort in new[] { SearchSort.Date, SearchSort.Relevance })
        {
            var results = await _index.Search.SearchAsync("pelican", page, pageSize, sort, Ct);
            Assert.Equal(3, results.Total);
            Assert.Equal(page, results.Page);
            Assert.Empty(results.Hits);
        }
    }

    [Fact]
    public async Task The_last_page_holds_the_remaining_hits()
    {
        await AddAsync(5);
        var results = await _index.Search.SearchAsync("pelican", 2, 3, SearchSort.Date, Ct);
        Assert.Equal(5, results.Total);
        Assert.Equal(["pelican 1", "pelican 0"], results.Hits.Select(h => h.Subject));
    }

    [Theory]
    [InlineData("date:9999-12-31", 0)]
    [InlineData("date:0001-01-01", 0)]
    [InlineData("date:0001-01-01..9999-12-31", 3)]
    [InlineData("after:0001-01-01 before:9999-12-31", 3)]
    [InlineData("date:2023-03-02..9999-12-31", 2)]
    public async Task Days_at_the_ends_of_the_calendar_are_valid(string query, int expected)
    {
        await AddAsync(3);
        Assert.Equal(expected, (await _index.QueryAsync(query)).Total);
    }

    [Fact]
    public async Task A_query_at_the_term_limit_runs()
    {
        await AddAsync(2);
        var others = SearchQueryParser.MaxTerms - 1;
        Assert.Equal(0, (await _index.QueryAsync("pelican" + string.Concat(Enumerable.Repeat(" p", others)))).Total);
        Assert.Equal(2, (await _index.QueryAsync("pelican" + string.Concat(Enumerable.Repeat(" -p", others)))).Total);
    }

    [Fact]
    public async Task Negations_alone_at_the_term_limit_run_with_their_match_all_clause()
    {
        await AddAsync(2);
        var query = string.Join(' ', Enumerable.Repeat("-p", SearchQueryParser.MaxTerms));
        Assert.Equal(2, (await _index.QueryAsync(query)).Total);
    }
}
