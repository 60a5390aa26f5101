using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Vault.TestSupport;

namespace Vault.Api.Tests;

public sealed class HostTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly WebApplicationFactory<Program> _factory;

    public HostTests()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Vault:DataDirectory", _data.Path);
            web.UseSetting("Vault:ApiKey", "test-key");
        });
    }

    [Fact]
    public async Task Healthz_answers_ok_without_a_key_when_the_store_and_the_index_work()
    {
        var response = await _factory.CreateClient().GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal("ok", body["status"]!.GetValue<string>());
        Assert.Equal("ok", body["checks"]!["store"]!["status"]!.GetValue<string>());
        Assert.Equal("ok", body["checks"]!["index"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Healthz_is_503_naming_the_store_when_its_database_is_gone()
    {
        var client = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
        foreach (var file in Directory.EnumerateFiles(_data.Path, "archive.db*"))
        {
            File.Delete(file);
        }

        var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal("unhealthy", body["status"]!.GetValue<string>());
        Assert.Equal("unhealthy", body["checks"]!["store"]!["status"]!.GetValue<string>());
        Assert.Equal("ok", body["checks"]!["index"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Healthz_is_503_naming_the_index_when_its_folder_is_gone()
    {
        var client = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
        Directory.Delete(Path.Combine(_data.Path, "index"), recursive: true);

        var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal("unhealthy", body["checks"]!["index"]!["status"]!.GetValue<string>());
        Assert.Contains("index", body["checks"]!["index"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_without_the_key_is_401_problem_details_and_with_it_is_not()
    {
        var client = _factory.CreateClient();
        var anonymous = await client.GetAsync(new Uri("/api/", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(wrong, TestContext.Current.CancellationToken)).StatusCode);

        using var right = new HttpRequestMessage(HttpMethod.Get, "/api/");
        right.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "test-key");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(right, TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task Metrics_are_prometheus_text()
    {
        var client = _factory.CreateClient();
        await client.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken);
        var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("# TYPE", body, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _factory.Dispose();
        _data.Dispose();
    }
}
