using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Vault.TestSupport;

namespace Vault.Api.Tests.Hosting;

public sealed partial class SecurityHeadersTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly WebApplicationFactory<Program> _factory;

    public SecurityHeadersTests()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Vault:DataDirectory", _data.Path);
            web.UseSetting("Vault:ApiKey", "headers-key");
        });
    }

    [Theory]
    [InlineData("/", HttpStatusCode.OK)]
    [InlineData("/app.js", HttpStatusCode.OK)]
    [InlineData("/js/api.js", HttpStatusCode.OK)]
    [InlineData("/api/", HttpStatusCode.OK)]
    [InlineData("/api/sources", HttpStatusCode.Unauthorized)]
    [InlineData("/api/messages/nope", HttpStatusCode.NotFound)]
    [InlineData("/healthz", HttpStatusCode.OK)]
    [InlineData("/metrics", HttpStatusCode.OK)]
    [InlineData("/openapi/v1.json", HttpStatusCode.OK)]
    [InlineData("/docs/", HttpStatusCode.OK)]
    [InlineData("/no-such-page", HttpStatusCode.NotFound)]
    public async Task Every_response_carries_nosniff_deny_framing_and_no_referrer(string path, HttpStatusCode status)
    {
        var response = await SendAsync(path, authorized: path != "/api/sources");

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/index.html")]
    [InlineData("/app.js")]
    public async Task The_dashboard_policy_allows_only_its_own_origin_and_no_inline_code(string path)
    {
        var policy = Header(await SendAsync(path, authorized: false), "Content-Security-Policy");

        Assert.StartsWith("default-src 'self';", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src", policy, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", policy, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/")]
    [InlineData("/api/sources")]
    [InlineData("/openapi/v1.json")]
    public async Task Api_answers_may_load_and_run_nothing(string path)
    {
        var policy = Header(await SendAsync(path, authorized: true), "Content-Security-Policy");

        Assert.Equal("default-src 'none'; frame-ancestors 'none'; sandbox", policy);
    }

    [Fact]
    public async Task The_docs_page_allows_its_own_inline_start_up_script_by_hash_and_no_other_inline_script()
    {
        var response = await SendAsync("/docs/", authorized: false);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var policy = Header(response, "Content-Security-Policy");

        var inline = Assert.Single(InlineScript().Matches(html)).Groups["body"].Value;
        var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(inline)));
        var scriptSources = policy.Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("script-src ", StringComparison.Ordinal));
        Assert.Equal($"script-src 'self' 'sha256-{hash}'", scriptSources);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("https:", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("http:", html.Replace("http://www.w3.org", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _factory.Dispose();
        _data.Dispose();
    }

    private async Task<HttpResponseMessage> SendAsync(string path, bool authorized)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (authorized)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "headers-key");
        }

        return await _factory.CreateClient().SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : $"(no {name})";

    [GeneratedRegex(@"<script(?![^>]*\bsrc\s*=)[^>]*>(?<body>.*?)</script>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();
}
