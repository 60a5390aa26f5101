using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Vault.TestSupport;

namespace Vault.Api.Tests.Hosting;

public sealed class BadRequestProblemTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly List<WebApplicationFactory<Program>> _factories = [];

    [Theory]
    [InlineData("GET", "/api/search?q=x&page=abc", "page")]
    [InlineData("GET", "/api/search?q=x&pageSize=abc", "pageSize")]
    [InlineData("GET", "/api/search?q=x&page=q", "page")]
    [InlineData("GET", "/api/messages?sourceId=src_1&page=abc", "page")]
    [InlineData("GET", "/api/messages?sourceId=src_1&pageSize=1.5", "pageSize")]
    [InlineData("DELETE", "/api/sources/src_1?purge=maybe", "purge")]
    public async Task A_query_value_that_does_not_parse_is_a_400_naming_the_parameter(string method, string url, string field)
    {
        var errors = await SendExpectingBadRequestAsync(Client("Development"), new HttpRequestMessage(new HttpMethod(method), url));

        Assert.True(errors.TryGetProperty(field, out var messages), $"errors has no '{field}': {errors}");
        Assert.NotEmpty(messages.EnumerateArray());
    }

    [Fact]
    public async Task A_json_body_value_of_the_wrong_type_is_a_400_naming_the_field_without_echoing_the_value()
    {
        var errors = await SendExpectingBadRequestAsync(Client("Development"), JsonPost("/api/sources", """{"name":"a","port":"hunter2-secret"}"""));

        Assert.True(errors.TryGetProperty("port", out _), $"errors has no 'port': {errors}");
        Assert.DoesNotContain("hunter2-secret", errors.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"port": abc}""")]
    public async Task A_body_that_is_not_json_is_a_400_naming_the_body(string json)
    {
        var errors = await SendExpectingBadRequestAsync(Client("Development"), JsonPost("/api/sources", json));

        var message = Assert.Single(errors.GetProperty("body").EnumerateArray()).GetString();
        Assert.Contains("not valid JSON", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_body_is_a_400_naming_the_body()
    {
        var errors = await SendExpectingBadRequestAsync(Client("Development"), new HttpRequestMessage(HttpMethod.Post, "/api/sources"));

        Assert.True(errors.TryGetProperty("body", out _), $"errors has no 'body': {errors}");
    }

    [Fact]
    public async Task Outside_development_a_binding_failure_still_names_the_parameter()
    {
        var client = Client("Production");

        var query = await SendExpectingBadRequestAsync(client, new HttpRequestMessage(HttpMethod.Get, "/api/search?q=x&page=abc"));
        var body = await SendExpectingBadRequestAsync(client, JsonPost("/api/sources", """{"port":"abc"}"""));

        Assert.True(query.TryGetProperty("page", out _), $"errors has no 'page': {query}");
        Assert.True(body.TryGetProperty("port", out _), $"errors has no 'port': {body}");
    }

    private HttpClient Client(string environment)
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment(environment);
            web.UseSetting("Vault:DataDirectory", _data.Path);
            web.UseSetting("Vault:ApiKey", "test-key");
        });
        _factories.Add(factory);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "test-key");
        return client;
    }

    private static HttpRequestMessage JsonPost(string url, string json) =>
        new(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    /// <summary>Sends the request and returns the problem's <c>errors</c> member after checking the 400 problem shape.</summary>
    private static async Task<JsonElement> SendExpectingBadRequestAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(text);
            Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
            Assert.True(problem.RootElement.TryGetProperty("errors", out var errors), $"no errors member: {text}");
            return errors.Clone();
        }
    }

    public void Dispose()
    {
        foreach (var factory in _factories)
        {
            factory.Dispose();
        }

        _data.Dispose();
    }
}
