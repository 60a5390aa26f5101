using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Vault.Api.Tests.Search;

/// <summary>Inputs at the edges of /api/search and /api/messages, each once a 500 or a wrong answer, now a page or a 400.</summary>
public sealed class ReadEndpointBoundsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(IndexedArchiveHost host, string url)
    {
        var response = await host.Client.GetAsync(new Uri(url, UriKind.Relative), Ct);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
    }

    [Fact]
    public async Task A_search_page_far_beyond_the_end_is_empty_and_keeps_the_total()
    {
        await using var host = await IndexedArchiveHost.StartAsync(3, Ct);
        var (status, body) = await GetAsync(host, "/api/search?q=pelican&page=2147483647&pageSize=200&sort=relevance");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, body.GetProperty("total").GetInt64());
        Assert.Equal(int.MaxValue, body.GetProperty("page").GetInt32());
        Assert.Equal(0, body.GetProperty("hits").GetArrayLength());
    }

    [Fact]
    public async Task A_messages_page_far_beyond_the_end_is_empty_and_keeps_the_total()
    {
        await using var host = await IndexedArchiveHost.StartAsync(3, Ct);
        var (status, body) = await GetAsync(host, $"/api/messages?sourceId={IndexedArchiveHost.SourceId}&page=2147483647&pageSize=200");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, body.GetProperty("total").GetInt64());
        Assert.Equal(0, body.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Days_at_the_ends_of_the_calendar_are_searched_not_a_server_error()
    {
        await using var host = await IndexedArchiveHost.StartAsync(3, Ct);
        Assert.Equal(0, await host.TotalAsync("date:9999-12-31", Ct));
        Assert.Equal(3, await host.TotalAsync("date:0001-01-01..9999-12-31", Ct));
        Assert.Equal(3, await host.TotalAsync("subject:(pelican OR prufbericht)", Ct));
    }

    public static TheoryData<string, int> OversizedQueries => new()
    {
        { string.Join(' ', Enumerable.Repeat("w", 1025)), 2000 },
        { new string('a', 4097), 4096 },
        { new string('(', 33) + "a" + new string(')', 33), 32 },
    };

    [Theory]
    [MemberData(nameof(OversizedQueries))]
    public async Task An_oversized_query_is_a_400_problem_with_its_position(string query, int position)
    {
        await using var host = await IndexedArchiveHost.StartAsync(1, Ct);
        var (status, problem) = await GetAsync(host, "/api/search?q=" + Uri.EscapeDataString(query));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(position, problem.GetProperty("position").GetInt32());
    }

    [Theory]
    [InlineData("/api/messages?sourceId=s&page=0", "page")]
    [InlineData("/api/messages?sourceId=s&page=-1", "page")]
    [InlineData("/api/messages?sourceId=s&page=abc", "page")]
    [InlineData("/api/messages?sourceId=s&page=2147483648", "page")]
    [InlineData("/api/messages?sourceId=s&pageSize=0", "pageSize")]
    [InlineData("/api/messages?sourceId=s&pageSize=201", "pageSize")]
    [InlineData("/api/messages?sourceId=%20", "sourceId")]
    [InlineData("/api/search?q=a&page=-2147483648", "page")]
    [InlineData("/api/search?q=a&page=1e3", "page")]
    [InlineData("/api/search?q=a&pageSize=-1", "pageSize")]
    [InlineData("/api/search?q=a&pageSize=99999999999", "pageSize")]
    public async Task Out_of_range_paging_is_a_validation_problem_naming_the_field(string url, string field)
    {
        await using var host = await IndexedArchiveHost.StartAsync(1, Ct);
        var (status, problem) = await GetAsync(host, url);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }
}
