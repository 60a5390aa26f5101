using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Vault.Api.Tests.Sources;
using Vault.TestSupport;
using Vault.TestSupport.OAuth;
using static Vault.Api.Tests.Sources.JsonBodies;

namespace Vault.Api.Tests.OAuth;

/// <summary>
/// One test's OAuth2 world: the real Vault host (every response body and log line kept, logging at Trace), a test
/// authorization server on loopback standing in for Google, and the real test Dovecot, whose oauth2 passdb introspects
/// the tokens that server issues. Also listens to every Activity, so traces can be searched for secrets too.
/// </summary>
internal sealed class OAuthHarness : IAsyncDisposable
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<string> _activityTags = new();

    private OAuthHarness(TestDovecot dovecot, TestAuthorizationServer provider, SourceApiFactory api)
    {
        Dovecot = dovecot;
        Provider = provider;
        Api = api;
        Client = api.CreateClient();
        Browser = api.CreateAnonymousClient();
        _listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                _activityTags.Enqueue(activity.DisplayName);
                foreach (var tag in activity.TagObjects)
                {
                    _activityTags.Enqueue($"{tag.Key}={tag.Value}");
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public TestDovecot Dovecot { get; }

    public TestAuthorizationServer Provider { get; }

    public SourceApiFactory Api { get; }

    /// <summary>With the API key.</summary>
    public HttpClient Client { get; }

    /// <summary>Without the key: the browser the provider sends back to <c>/oauth/callback</c>.</summary>
    public HttpClient Browser { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<OAuthHarness> StartAsync(string pollInterval = "00:00:05")
    {
        var dovecot = await TestDovecot.RequireOAuthAsync(Ct);
        var provider = await TestAuthorizationServer.StartAsync();
        var api = new SourceApiFactory(new Dictionary<string, string>
        {
            ["Vault:Sync:PollInterval"] = pollInterval,
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:Quartz"] = "Trace",
        });
        return new OAuthHarness(dovecot, provider, api);
    }

    /// <summary>Points Vault's Google client at the test provider.</summary>
    public async Task ConfigureGoogleAsync()
    {
        var response = await Client.PutAsync(new Uri("/api/oauth/providers/google", UriKind.Relative), Json(new JsonObject
        {
            ["clientId"] = Provider.ClientId,
            ["clientSecret"] = Provider.ClientSecret,
            ["authorizeUrl"] = Provider.AuthorizeUrl.AbsoluteUri,
            ["tokenUrl"] = Provider.TokenUrl.AbsoluteUri,
        }), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>A Gmail-preset OAuth2 source pointed at the test Dovecot (plain IMAP on loopback), polling every poll interval.</summary>
    public async Task<JsonNode> CreateSourceAsync(TestUser user, string name = "Gmail over OAuth")
    {
        var response = await Client.PostAsync(new Uri("/api/sources", UriKind.Relative), Json(new JsonObject
        {
            ["name"] = name,
            ["provider"] = "gmail",
            ["auth"] = "oauth2",
            ["host"] = Dovecot.Host,
            ["port"] = Dovecot.ImapPort,
            ["tls"] = false,
            ["username"] = user.Name,
            ["syncMode"] = "poll",
        }), Ct);
        var body = await ReadAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToJsonString());
        return body;
    }

    public async Task<Uri> StartSignInAsync(string sourceId)
    {
        var response = await Client.PostAsync(new Uri($"/api/sources/{sourceId}/oauth/start", UriKind.Relative), null, Ct);
        var body = await ReadAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        return new Uri(body["authorizeUrl"]!.GetValue<string>());
    }

    /// <summary>The browser arriving back at Vault from the provider (only the path and query: the host is the test server's).</summary>
    public Task<HttpResponseMessage> CallbackAsync(Uri providerRedirect) =>
        Browser.GetAsync(new Uri(providerRedirect.PathAndQuery, UriKind.Relative), Ct);

    /// <summary>Start, consent as <paramref name="user"/>, come back: the source is connected (302 to the dashboard).</summary>
    public async Task SignInAsync(string sourceId, TestUser user)
    {
        var back = await Provider.ConsentAsync(await StartSignInAsync(sourceId), user.Name, cancellationToken: Ct);
        using var callback = await CallbackAsync(back);
        Assert.True(callback.StatusCode == HttpStatusCode.Redirect, await callback.Content.ReadAsStringAsync(Ct));
        Assert.Equal($"/#/sources?connected={sourceId}", callback.Headers.Location!.OriginalString);
    }

    public async Task<JsonNode> GetSourceAsync(string id) => await ReadAsync(await Client.GetAsync(new Uri($"/api/sources/{id}", UriKind.Relative), Ct));

    public async Task<JsonNode> UntilAsync(string id, Func<JsonNode, bool> condition, string what, TimeSpan? within = null)
    {
        JsonNode? last = null;
        await Deadline.UntilAsync(async () => condition(last = await GetSourceAsync(id)), within ?? Within, () => $"{what}; last seen: {last?.ToJsonString()}", Ct);
        return last!;
    }

    public static string Status(JsonNode source) => source["status"]!.GetValue<string>();

    public static string? ErrorCode(JsonNode source) => source["error"]?["code"]?.GetValue<string>();

    public static long Archived(JsonNode source) => source["progress"]!["messagesArchived"]!.GetValue<long>();

    /// <summary>The SHA-256 of every message Vault archived for the source, sorted.</summary>
    public async Task<List<string>> ArchivedSha256Async(string id)
    {
        var page = await ReadAsync(await Client.GetAsync(new Uri($"/api/messages?sourceId={id}&pageSize=100", UriKind.Relative), Ct));
        return [.. page["items"]!.AsArray().Select(item => item!["sha256"]!.GetValue<string>()).Order()];
    }

    public static byte[] Message(string subject) => Encoding.UTF8.GetBytes(
        $"From: Olivia Sender <olivia@example.test>\r\nTo: archive@example.test\r\nSubject: {subject}\r\n" +
        $"Date: Wed, 04 Mar 2026 09:30:00 +0000\r\nMessage-ID: <{Guid.NewGuid():N}@example.test>\r\n" +
        $"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{subject}, written {DateTime.UtcNow.Ticks.ToString(CultureInfo.InvariantCulture)}.\r\n");

    /// <summary>
    /// No access token, refresh token, code, PKCE verifier or client secret the provider ever saw in any response Vault
    /// gave, any log line, or any trace; and no state in a log line or trace (it is in the authorize URL Vault returns).
    /// </summary>
    public void AssertNoSecretShown(IEnumerable<string> states)
    {
        var secrets = Provider.Secrets;
        Assert.NotEmpty(secrets);
        Assert.NotEmpty(Api.Logs.Lines);
        Assert.NotEmpty(_activityTags);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(Api.Bodies, body => body.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(Api.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(_activityTags, tag => tag.Contains(secret, StringComparison.Ordinal));
        }

        foreach (var state in states)
        {
            Assert.DoesNotContain(Api.Logs.Lines, line => line.Contains(state, StringComparison.Ordinal));
            Assert.DoesNotContain(_activityTags, tag => tag.Contains(state, StringComparison.Ordinal));
        }
    }

    public static string StateOf(Uri authorizeUrl) =>
        System.Web.HttpUtility.ParseQueryString(authorizeUrl.Query)["state"]!;

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        Client.Dispose();
        Browser.Dispose();
        Api.Dispose();
        await Provider.DisposeAsync();
    }
}
