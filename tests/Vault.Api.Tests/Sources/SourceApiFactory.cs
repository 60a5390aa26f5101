using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vault.Archive;
using Vault.TestSupport;

namespace Vault.Api.Tests.Sources;

/// <summary>The real host over a temp data directory with a known API key; keeps every response body and log line.</summary>
internal sealed class SourceApiFactory : IDisposable
{
    public const string ApiKey = "sources-test-key";

    private readonly TempDirectory _data = new();
    private readonly WebApplicationFactory<Program> _factory;

    /// <param name="settings">Configuration keys for this host, e.g. <c>Vault:Sync:MaxConcurrentImports</c>.</param>
    public SourceApiFactory(IReadOnlyDictionary<string, string>? settings = null)
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Vault:DataDirectory", _data.Path);
            web.UseSetting("Vault:ApiKey", ApiKey);
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                web.UseSetting(key, value);
            }

            web.ConfigureLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        });
    }

    public CapturingLoggerProvider Logs { get; } = new();

    public ConcurrentQueue<string> Bodies { get; } = new();

    public string DataDirectory => _data.Path;

    public IServiceProvider Services => _factory.Services;

    public bool HasStore => _factory.Services.GetService<IArchiveStore>() is not null;

    public HttpClient CreateClient()
    {
        var client = _factory.CreateDefaultClient(new RecordingHandler(Bodies));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return client;
    }

    /// <summary>A client without the API key (a browser coming back from an OAuth provider), recording bodies like the other.</summary>
    public HttpClient CreateAnonymousClient() => _factory.CreateDefaultClient(new RecordingHandler(Bodies));

    /// <summary>Fails when <paramref name="secret"/> appears in any response body or log line seen so far.</summary>
    public void AssertNeverShown(string secret)
    {
        Assert.DoesNotContain(Bodies, body => body.Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain(Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _factory.Dispose();
        _data.Dispose();
    }

    private sealed class RecordingHandler(ConcurrentQueue<string> bodies) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            bodies.Enqueue(await response.Content.ReadAsStringAsync(cancellationToken));
            return response;
        }
    }
}
