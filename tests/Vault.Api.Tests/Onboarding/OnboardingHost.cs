using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Vault.Api.Tests.Sources;
using Vault.TestSupport;
using static Vault.Api.Tests.Sources.JsonBodies;

namespace Vault.Api.Tests.Onboarding;

/// <summary>
/// The real host for self-service links: a temp data directory, a known API key, every log line and every response
/// (path and body) kept, an optional <see cref="TimeProvider"/> in place of the clock. <see cref="Admin"/> carries the
/// key; <see cref="Owner"/> is a mailbox owner's browser, with none.
/// </summary>
internal sealed class OnboardingHost : IDisposable
{
    public const string ApiKey = "onboarding-test-key";
    public const string PublicUrl = "https://archive.example.org/vault";

    private readonly TempDirectory _data = new("vault-onboarding");
    private readonly WebApplicationFactory<Program> _factory;

    public OnboardingHost(IReadOnlyDictionary<string, string>? settings = null, TimeProvider? time = null)
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Vault:DataDirectory", _data.Path);
            web.UseSetting("Vault:ApiKey", ApiKey);
            web.UseSetting("Vault:PublicUrl", PublicUrl);
            web.UseSetting("Vault:Organisation", "Example Ltd");
            // As an operator chasing a problem would: ASP.NET Core's own request logging at Debug. A link's path is its
            // secret, so what keeps tokens out of the log must be Vault's filters, not appsettings.json's defaults.
            web.UseSetting("Logging:LogLevel:Default", "Trace");
            web.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Debug");
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                web.UseSetting(key, value);
            }

            web.ConfigureLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
            if (time is not null)
            {
                web.ConfigureTestServices(services => services.Replace(ServiceDescriptor.Singleton(time)));
            }
        });
        Admin = _factory.CreateDefaultClient(new RecordingHandler(Responses));
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        Owner = _factory.CreateDefaultClient(new RecordingHandler(Responses));
    }

    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>Every response so far: the request's method and path, and the body.</summary>
    public ConcurrentQueue<(string Request, string Body)> Responses { get; } = new();

    public HttpClient Admin { get; }

    public HttpClient Owner { get; }

    public string DataDirectory => _data.Path;

    public IServiceProvider Services => _factory.Services;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A perUser connector on <paramref name="host"/>:<paramref name="port"/> (plain IMAP); returns its id.</summary>
    public async Task<string> CreateConnectorAsync(string host = "127.0.0.1", int port = 10143, string authMode = "perUser", string name = "Staff mail")
    {
        var body = new JsonObject
        {
            ["name"] = name,
            ["host"] = host,
            ["port"] = port,
            ["tls"] = false,
            ["authMode"] = authMode,
            ["timeout"] = "00:00:30",
        };
        if (authMode == "magicPassword")
        {
            body["adminPassword"] = "shared";
        }

        var response = await Admin.PostAsync(new Uri("/api/connectors", UriKind.Relative), Json(body), Ct);
        var json = await ReadAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, json.ToJsonString());
        return json["id"]!.GetValue<string>();
    }

    /// <summary>POST /api/connectors/{id}/invitations that must succeed; returns the created invitations.</summary>
    public async Task<JsonArray> InviteAsync(string connectorId, params string[] emails)
    {
        var response = await Admin.PostAsync(
            new Uri($"/api/connectors/{connectorId}/invitations", UriKind.Relative),
            Json(new JsonObject { ["emails"] = new JsonArray([.. emails.Select(e => JsonValue.Create(e))]) }),
            Ct);
        var json = await ReadAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, json.ToJsonString());
        return json["invitations"]!.AsArray();
    }

    /// <summary>The token of a link <c>{PublicUrl}/onboard/{token}</c>.</summary>
    public static string TokenOf(JsonNode invitation)
    {
        var url = invitation["url"]!.GetValue<string>();
        Assert.StartsWith($"{PublicUrl}/onboard/", url, StringComparison.Ordinal);
        return url[(url.LastIndexOf('/') + 1)..];
    }

    public async Task<JsonNode[]> ListAsync(string connectorId)
    {
        var response = await Admin.GetAsync(new Uri($"/api/connectors/{connectorId}/invitations", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await ReadAsync(response)).AsArray().Select(n => n!)];
    }

    /// <summary>The listed invitation of <paramref name="email"/> (invitations made in one request share their creation time, so their order is not theirs).</summary>
    public async Task<JsonNode> ListedAsync(string connectorId, string email) =>
        (await ListAsync(connectorId)).Single(i => i["email"]!.GetValue<string>() == email);

    /// <summary>The status of each listed invitation, by address.</summary>
    public async Task<Dictionary<string, string>> StatusesAsync(string connectorId) =>
        (await ListAsync(connectorId)).ToDictionary(i => i["email"]!.GetValue<string>(), i => i["status"]!.GetValue<string>());

    /// <summary>POST to a link's test or save route as the owner, with a JSON body.</summary>
    public Task<HttpResponseMessage> OwnerPostAsync(string token, string action, string? username, string? password) =>
        Owner.PostAsync(
            new Uri($"/onboard/{token}/api/{action}", UriKind.Relative),
            Json(new JsonObject { ["username"] = username, ["password"] = password }),
            Ct);

    /// <summary>Fails when <paramref name="secret"/> is in any file under the data directory (the database, its WAL, the index).</summary>
    public void AssertNotOnDisk(string secret)
    {
        var needle = Encoding.UTF8.GetBytes(secret);
        foreach (var file in Directory.EnumerateFiles(_data.Path, "*", SearchOption.AllDirectories))
        {
            byte[] bytes;
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                bytes = copy.ToArray();
            }
            catch (FileNotFoundException)
            {
                // Replaced while listed (an index commit drops the previous segments file): its successor is listed or read next time.
                continue;
            }

            Assert.True(bytes.AsSpan().IndexOf(needle) < 0, $"{Path.GetRelativePath(_data.Path, file)} holds the secret in clear");
        }
    }

    /// <summary>Fails when <paramref name="secret"/> is in any log line, or in any response but those <paramref name="allowedIn"/> accepts.</summary>
    public void AssertShownOnlyIn(string secret, Func<string, bool> allowedIn)
    {
        Assert.DoesNotContain(Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
        foreach (var (request, body) in Responses)
        {
            Assert.False(body.Contains(secret, StringComparison.Ordinal) && !allowedIn(request), $"The answer to {request} carries the secret.");
        }
    }

    public void Dispose()
    {
        Admin.Dispose();
        Owner.Dispose();
        _factory.Dispose();
        _data.Dispose();
    }

    private sealed class RecordingHandler(ConcurrentQueue<(string, string)> responses) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            responses.Enqueue(($"{request.Method} {request.RequestUri?.AbsolutePath}", await response.Content.ReadAsStringAsync(cancellationToken)));
            return response;
        }
    }
}
