using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Vault.Api.Auth;
using Vault.TestSupport;

namespace Vault.Api.Tests.Auth;

public sealed class ApiKeyFailureLimitTests : IDisposable
{
    private const string Key = "limit-test-key";
    private readonly TempDirectory _data = new();
    private readonly List<WebApplicationFactory<Program>> _factories = [];

    [Fact]
    public async Task Ten_wrong_keys_are_401_and_the_eleventh_is_429_with_retry_after()
    {
        var client = Client(window: TimeSpan.FromMinutes(1));

        for (var attempt = 1; attempt <= 10; attempt++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(client, "10.0.0.1", "wrong")).StatusCode);
        }

        var refused = await SendAsync(client, "10.0.0.1", "wrong");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Requests_with_the_right_key_never_spend_a_permit()
    {
        var client = Client(window: TimeSpan.FromMinutes(1));
        var statuses = new List<HttpStatusCode>();

        for (var request = 0; request < 50; request++)
        {
            statuses.Add((await SendAsync(client, "10.0.0.2", Key)).StatusCode);
        }

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        for (var attempt = 1; attempt <= 10; attempt++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(client, "10.0.0.2", null)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await SendAsync(client, "10.0.0.2", null)).StatusCode);
    }

    [Fact]
    public async Task Requests_to_routes_that_need_no_key_never_spend_a_permit()
    {
        var client = Client(window: TimeSpan.FromMinutes(1));
        foreach (var path in new[] { "/healthz", "/", "/onboard/unknown-link", "/openapi/v1.json" })
        {
            for (var request = 0; request < 6; request++)
            {
                using var anonymous = new HttpRequestMessage(HttpMethod.Get, path);
                anonymous.Headers.Add("X-Test-Client", "10.0.0.6");
                await client.SendAsync(anonymous, TestContext.Current.CancellationToken);
            }
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(client, "10.0.0.6", "wrong")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, "10.0.0.6", Key)).StatusCode);
    }

    [Fact]
    public async Task One_address_locked_out_does_not_lock_out_another()
    {
        var client = Client(window: TimeSpan.FromMinutes(1));
        for (var attempt = 1; attempt <= 10; attempt++)
        {
            await SendAsync(client, "10.0.0.3", "wrong");
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await SendAsync(client, "10.0.0.3", "wrong")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(client, "10.0.0.4", "wrong")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, "10.0.0.4", Key)).StatusCode);
    }

    [Fact]
    public async Task A_locked_out_address_waits_out_the_window_even_with_the_right_key_then_gets_in()
    {
        var client = Client(window: TimeSpan.FromSeconds(1));
        for (var attempt = 1; attempt <= 10; attempt++)
        {
            await SendAsync(client, "10.0.0.5", "wrong");
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await SendAsync(client, "10.0.0.5", Key)).StatusCode);
        await Deadline.UntilAsync(
            async () => (await SendAsync(client, "10.0.0.5", Key)).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(20),
            "the right key was still refused after the window",
            TestContext.Current.CancellationToken);
    }

    public void Dispose()
    {
        foreach (var factory in _factories)
        {
            factory.Dispose();
        }

        _data.Dispose();
    }

    /// <summary>A host whose limiter has the given window; the test names each request's client address in X-Test-Client.</summary>
    private HttpClient Client(TimeSpan window)
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Vault:DataDirectory", _data.Path);
            web.UseSetting("Vault:ApiKey", Key);
            web.ConfigureTestServices(services =>
            {
                services.Configure<ApiKeyFailureLimits>(limits => limits.Window = window);
                services.AddSingleton<IStartupFilter, ClientAddressFromHeader>();
            });
        });
        _factories.Add(factory);
        return factory.CreateClient();
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string clientAddress, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/");
        request.Headers.Add("X-Test-Client", clientAddress);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>The test server has no peer address; this gives each request the one the test chose.</summary>
    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(context.Request.Headers["X-Test-Client"].ToString());
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
