using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Vault.Api.Auth;
using Vault.TestSupport;

namespace Vault.Api.Tests.Auth;

/// <summary>Every /api route, found from the app's own endpoint table, refuses a request without the key before it reads the body.</summary>
public sealed partial class ApiKeyRouteTests : IDisposable
{
    private const string Key = "route-test-key";
    private const string MalformedJson = "{\"name\": not json";
    private readonly TempDirectory _data = new();
    private readonly WebApplicationFactory<Program> _factory;

    public ApiKeyRouteTests()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Vault:DataDirectory", _data.Path);
            web.UseSetting("Vault:ApiKey", Key);
            // Every route below is one failed attempt from the same address: no lock-out within this test.
            web.ConfigureTestServices(services => services.Configure<ApiKeyFailureLimits>(limits => limits.FailuresPerWindow = 10_000));
        });
    }

    [Fact]
    public async Task Every_api_route_answers_401_without_the_key_even_for_a_malformed_body()
    {
        var client = _factory.CreateClient();
        var routes = ApiRoutes().ToList();
        Assert.True(routes.Count >= 40, $"only {routes.Count} /api routes found");

        var answered = new List<string>();
        foreach (var (method, path, contentType) in routes)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path)
            {
                Content = new StringContent(MalformedJson, Encoding.UTF8, contentType),
            };
            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            answered.Add($"{method} {path}: {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType} {response.Headers.WwwAuthenticate}");
        }

        Assert.All(answered, line => Assert.EndsWith(": 401 application/problem+json Bearer", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_the_key_the_same_malformed_body_reaches_the_route_and_is_a_400_naming_the_body()
    {
        var client = _factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sources")
        {
            Content = new StringContent(MalformedJson, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"body\"", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_document_declares_the_key_on_every_api_operation_and_on_no_other()
    {
        var client = _factory.CreateClient();
        var document = JsonNode.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken))!;

        var scheme = document["components"]!["securitySchemes"]!["apiKey"]!;
        Assert.Equal("http", scheme["type"]!.GetValue<string>());
        Assert.Equal("bearer", scheme["scheme"]!.GetValue<string>());
        var operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject()
                .Where(item => item.Value is JsonObject { } operation && operation.ContainsKey("responses"))
                .Select(item => (Path: path.Key, Method: item.Key, Security: item.Value!["security"]?.ToJsonString() ?? "none")))
            .ToList();
        static bool UnderApi(string path) => path == "/api" || path.StartsWith("/api/", StringComparison.Ordinal);
        Assert.True(operations.Count(o => UnderApi(o.Path)) >= 40, $"{operations.Count} operations");
        Assert.Contains(operations, o => !UnderApi(o.Path));
        Assert.All(operations, o => Assert.Equal(UnderApi(o.Path) ? "[{\"apiKey\":[]}]" : "none", o.Security));
    }

    public void Dispose()
    {
        _factory.Dispose();
        _data.Dispose();
    }

    /// <summary>
    /// Each method and path of the app's /api endpoints, route parameters filled in, with the body type the route accepts
    /// (routing itself answers 415 for any other, before authentication).
    /// </summary>
    private IEnumerable<(string Method, string Path, string ContentType)> ApiRoutes()
    {
        var sources = _factory.Services.GetServices<EndpointDataSource>();
        foreach (var endpoint in sources.SelectMany(source => source.Endpoints).OfType<RouteEndpoint>())
        {
            var pattern = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            if (!pattern.StartsWith("/api", StringComparison.Ordinal))
            {
                continue;
            }

            var path = RouteParameter().Replace(pattern, parameter => parameter.Value.Contains(":int", StringComparison.Ordinal) ? "1" : "x");
            var contentType = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes is [var accepted, ..] ? accepted : "application/json";
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                yield return (method, path, contentType);
            }
        }
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
