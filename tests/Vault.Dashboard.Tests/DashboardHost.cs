using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Vault.TestSupport;

namespace Vault.Dashboard.Tests;

/// <summary>
/// Vault over the real HTTP pipeline (Kestrel on a free loopback port) with its own data directory and a known key,
/// so a real browser can load the dashboard from it.
/// </summary>
public sealed class DashboardHost : IDisposable
{
    private readonly TempDirectory _data = new("vault-dashboard");
    private readonly WebApplicationFactory<Program> _factory;

    public DashboardHost()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Vault:DataDirectory", _data.Path);
            web.UseSetting("Vault:ApiKey", ApiKey);
            web.UseSetting("Vault:Sync:PollInterval", "00:00:02");
        });
        _factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _factory.StartServer();

        var addresses = _factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        Origin = new Uri(addresses.Addresses.Single()).GetLeftPart(UriPartial.Authority);
        Api = new HttpClient { BaseAddress = new Uri(Origin) };
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
    }

    public string ApiKey { get; } = $"dashboard-test-{Guid.NewGuid():N}";

    /// <summary><c>http://127.0.0.1:port</c>, no trailing slash.</summary>
    public string Origin { get; }

    /// <summary>A client with the key, for setting up state and checking what the browser did.</summary>
    public HttpClient Api { get; }

    public void Dispose()
    {
        Api.Dispose();
        _factory.Dispose();
        _data.Dispose();
    }
}
