using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Vault.TestSupport;

namespace Vault.Api.Tests.Search;

public sealed class SearchEndpointTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly WebApplicationFactory<Program> _factory;

    public SearchEndpointTests()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Vault:DataDirectory", _data.Path);
            web.UseSetting("Vault:ApiKey", "test-key");
        });
    }

    public void Dispose()
    {
        _factory.Dispose();
        _data.Dispose();
    }

    private HttpClient Client()
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "test-key");
        return client;
    }

    [Fact]
    public async Task Query_syntax_error_is_a_400_problem_with_its_position()
    {
        var response = await Client().GetAsync(new Uri("/api/search?q=" + Uri.EscapeDataString("subject:a (b"), UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(10, problem.GetProperty("position").GetInt32());

        // A validation problem naming the field, with the parser's words as its detail too (the dashboard shows those).
        var detail = problem.GetProperty("detail").GetString();
        Assert.False(string.IsNullOrEmpty(detail));
        Assert.Equal(detail, Assert.Single(problem.GetProperty("errors").GetProperty("q").EnumerateArray()).GetString());
    }

    [Theory]
    [InlineData("/api/search", "q")]
    [InlineData("/api/search?q=%20", "q")]
    [InlineData("/api/search?q=a&pageSize=201", "pageSize")]
    [InlineData("/api/search?q=a&page=0", "page")]
    [InlineData("/api/search?q=a&sort=size", "sort")]
    [InlineData("/api/search?q=a&sort=%2Bdate", "sort")]
    [InlineData("/api/search?q=a&facets=folder,label", "facets")]
    [InlineData("/api/search?q=a&facets=years", "facets")]
    public async Task Bad_parameters_are_validation_problems_naming_the_field(string url, string field)
    {
        var response = await Client().GetAsync(new Uri(url, UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task An_empty_archive_answers_with_no_hits_in_the_contract_shape()
    {
        var response = await Client().GetAsync(new Uri("/api/search?q=anything&page=2&pageSize=5", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(0, body.GetProperty("total").GetInt64());
        Assert.Equal(2, body.GetProperty("page").GetInt32());
        Assert.Equal(5, body.GetProperty("pageSize").GetInt32());
        Assert.Equal(0, body.GetProperty("hits").GetArrayLength());
    }

    [Fact]
    public async Task Reindex_status_is_visible()
    {
        var response = await Client().GetAsync(new Uri("/api/admin/reindex", UriKind.Relative), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.False(body.GetProperty("running").GetBoolean());
        Assert.Equal(0, body.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task The_answer_always_has_warnings_and_has_facets_only_when_asked()
    {
        var plain = await Client().GetFromJsonAsync<JsonElement>("/api/search?q=anything", TestContext.Current.CancellationToken);
        Assert.Equal(JsonValueKind.Array, plain.GetProperty("warnings").ValueKind);
        Assert.False(plain.TryGetProperty("facets", out _));

        var faceted = await Client().GetFromJsonAsync<JsonElement>("/api/search?q=anything&facets=Year,%20folder,year&sort=-date", TestContext.Current.CancellationToken);
        Assert.Equal(["year", "folder"], faceted.GetProperty("facets").EnumerateObject().Select(p => p.Name));
        Assert.Empty(faceted.GetProperty("facets").GetProperty("year").EnumerateArray());
    }

    [Fact]
    public async Task A_prefix_matching_more_than_1024_words_is_a_400_at_the_prefix()
    {
        var words = string.Join(' ', Enumerable.Range(0, 1100).Select(i => $"wideword{i:0000}".Replace('0', 'q').Replace('1', 'r')));
        await using var host = await IndexedArchiveHost.StartAsync([System.Text.Encoding.UTF8.GetBytes($"From: a@example.org\r\nSubject: wide\r\n\r\n{words}\r\n")], TestContext.Current.CancellationToken);
        var response = await host.Client.GetAsync(new Uri("/api/search?q=" + Uri.EscapeDataString("subject:wide wideword*"), UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(13, problem.GetProperty("position").GetInt32());
        Assert.Equal("'wideword*' matches more than 1,024 words in the archive; type more of the word before the '*'", problem.GetProperty("detail").GetString());

        var narrower = await host.Client.GetFromJsonAsync<JsonElement>("/api/search?q=widewordr*", TestContext.Current.CancellationToken);
        Assert.Equal(1, narrower.GetProperty("total").GetInt64());
    }
}
