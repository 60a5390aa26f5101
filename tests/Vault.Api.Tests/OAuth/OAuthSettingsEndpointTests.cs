using System.Net;
using System.Text.Json.Nodes;
using Vault.Api.Tests.Sources;
using static Vault.Api.Tests.Sources.JsonBodies;

namespace Vault.Api.Tests.OAuth;

/// <summary>
/// The OAuth client settings (<c>/api/oauth/providers/{provider}</c>) and the OAuth2 fields of sources, through the real
/// HTTP pipeline; no mail server involved.
/// </summary>
public sealed class OAuthSettingsEndpointTests : IDisposable
{
    private readonly SourceApiFactory _api = new(new Dictionary<string, string> { ["Vault:PublicUrl"] = "https://archive.example.org/vault/" });
    private readonly HttpClient _client;

    public OAuthSettingsEndpointTests() => _client = _api.CreateClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _client.Dispose();
        _api.Dispose();
    }

    [Fact]
    public async Task An_unconfigured_provider_shows_the_defaults_and_the_redirect_uri_to_register()
    {
        var google = await GetAsync("/api/oauth/providers/google");
        var microsoft = await GetAsync("/api/oauth/providers/microsoft");

        Assert.False(google["configured"]!.GetValue<bool>());
        Assert.Null(google["clientId"]);
        Assert.Equal("https://accounts.google.com/o/oauth2/v2/auth", google["authorizeUrl"]!.GetValue<string>());
        Assert.Equal("https://oauth2.googleapis.com/token", google["tokenUrl"]!.GetValue<string>());
        Assert.Equal("https://mail.google.com/", google["scopes"]!.GetValue<string>());
        Assert.Null(google["tenant"]);
        Assert.Equal("https://archive.example.org/vault/oauth/callback", google["redirectUri"]!.GetValue<string>());
        Assert.Equal("common", microsoft["tenant"]!.GetValue<string>());
        Assert.Equal("https://login.microsoftonline.com/common/oauth2/v2.0/authorize", microsoft["authorizeUrl"]!.GetValue<string>());
        Assert.Equal("https://outlook.office.com/IMAP.AccessAsUser.All offline_access", microsoft["scopes"]!.GetValue<string>());
        Assert.Equal(2, (await GetAsync("/api/oauth/providers")).AsArray().Count);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(new Uri("/api/oauth/providers/yahoo", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _api.CreateAnonymousClient().GetAsync(new Uri("/api/oauth/providers/google", UriKind.Relative), Ct)).StatusCode);
    }

    [Fact]
    public async Task The_client_secret_is_written_but_never_read_back_and_a_tenant_moves_the_default_urls()
    {
        const string secret = "Mq8~client-secret-that-must-never-come-back";
        var saved = await PutAsync("microsoft", new JsonObject { ["clientId"] = "0f5c6a0e-1111", ["clientSecret"] = secret, ["tenant"] = "organizations" });
        Assert.Equal(HttpStatusCode.OK, saved.Status);
        Assert.True(saved.Body["clientSecretSet"]!.GetValue<bool>());
        Assert.Equal("https://login.microsoftonline.com/organizations/oauth2/v2.0/token", saved.Body["tokenUrl"]!.GetValue<string>());

        // Left out, the secret stays; the scopes may come as one string or as an array.
        var kept = await PutAsync("microsoft", new JsonObject
        {
            ["clientId"] = "0f5c6a0e-1111",
            ["tenant"] = "contoso.onmicrosoft.com",
            ["scopes"] = new JsonArray("https://outlook.office.com/IMAP.AccessAsUser.All", "offline_access", "openid"),
            ["authorizeUrl"] = "https://login.microsoftonline.us/contoso.onmicrosoft.com/oauth2/v2.0/authorize",
        });
        Assert.True(kept.Body["clientSecretSet"]!.GetValue<bool>());
        Assert.Equal("https://outlook.office.com/IMAP.AccessAsUser.All offline_access openid", kept.Body["scopes"]!.GetValue<string>());
        Assert.Equal("https://login.microsoftonline.us/contoso.onmicrosoft.com/oauth2/v2.0/authorize", kept.Body["authorizeUrl"]!.GetValue<string>());
        Assert.Equal("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token", kept.Body["tokenUrl"]!.GetValue<string>());

        var read = await GetAsync("/api/oauth/providers/microsoft");
        Assert.True(read["configured"]!.GetValue<bool>());
        Assert.Null(read["clientSecret"]);

        var cleared = await PutAsync("microsoft", new JsonObject { ["clientId"] = "0f5c6a0e-1111", ["clientSecret"] = "" });
        Assert.False(cleared.Body["clientSecretSet"]!.GetValue<bool>());
        _api.AssertNeverShown(secret);
    }

    [Fact]
    public async Task Provider_settings_are_validated_field_by_field()
    {
        var (status, body) = await PutAsync("google", new JsonObject
        {
            ["clientId"] = "",
            ["tenant"] = "organizations",
            ["authorizeUrl"] = "http://accounts.example.com/auth",
            ["tokenUrl"] = "not a url",
            ["scopes"] = "",
        });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var errors = body["errors"]!.AsObject();
        Assert.Equal(["authorizeUrl", "clientId", "scopes", "tenant", "tokenUrl"], errors.Select(e => e.Key).Order());
        Assert.Contains("no tenants", errors["tenant"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await PutAsync("microsoft", new JsonObject { ["clientId"] = "x", ["tenant"] = "../common" })).Status);
        // Plain http is for a loopback provider only (a test, a local proxy).
        Assert.Equal(HttpStatusCode.OK, (await PutAsync("google", new JsonObject { ["clientId"] = "x", ["tokenUrl"] = "http://127.0.0.1:8080/token" })).Status);
    }

    [Fact]
    public async Task Oauth2_sources_need_no_password_and_take_their_provider_from_the_preset()
    {
        var created = await _client.PostAsync(Relative("/api/sources"), Json(Source("gmail", new JsonObject())), Ct);
        var source = await ReadAsync(created);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(("oauth2", "google", "imap.gmail.com"), (source["auth"]!.GetValue<string>(), source["oauthProvider"]!.GetValue<string>(), source["host"]!.GetValue<string>()));
        Assert.Equal(("Error", "OAuthConsentRequired"), (source["status"]!.GetValue<string>(), source["error"]!["code"]!.GetValue<string>()));
        var id = source["id"]!.GetValue<string>();

        // No client yet: starting a sign-in says what to set up first.
        var start = await _client.PostAsync(Relative($"/api/sources/{id}/oauth/start"), null, Ct);
        Assert.Equal(HttpStatusCode.Conflict, start.StatusCode);
        Assert.Contains("/api/oauth/providers/google", (await ReadAsync(start))["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        var password = await _client.PostAsync(Relative("/api/sources"), Json(new JsonObject
        {
            ["name"] = "Password box", ["host"] = "imap.example.org", ["username"] = "u", ["password"] = "pw-of-a-password-source",
        }), Ct);
        var passwordId = (await ReadAsync(password))["id"]!.GetValue<string>();
        Assert.Equal("password", (await ReadAsync(password))["auth"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, (await _client.PostAsync(Relative($"/api/sources/{passwordId}/oauth/start"), null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.PostAsync(Relative("/api/sources/nope/oauth/start"), null, Ct)).StatusCode);
    }

    [Theory]
    [InlineData("imap", "{\"oauthProvider\":null}", "oauthProvider")]
    [InlineData("gmail", "{\"oauthProvider\":\"microsoft\"}", "oauthProvider")]
    [InlineData("outlook", "{\"oauthProvider\":\"yahoo\"}", "oauthProvider")]
    [InlineData("gmail", "{\"password\":\"an-app-password\"}", "password")]
    [InlineData("pop3", "{\"oauthProvider\":\"google\",\"protocol\":\"pop3\",\"host\":\"pop.gmail.com\"}", "protocol")]
    [InlineData("gmail", "{\"auth\":\"kerberos\"}", "auth")]
    public async Task Oauth2_fields_that_do_not_fit_are_validation_errors_naming_the_field(string preset, string extra, string field)
    {
        var body = Source(preset, JsonNode.Parse(extra)!.AsObject());

        var response = await _client.PostAsync(Relative("/api/sources"), Json(body), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await ReadAsync(response))["errors"]![field]);
    }

    [Fact]
    public async Task An_oauth2_source_cannot_be_tested_before_it_is_signed_in()
    {
        var response = await _client.PostAsync(Relative("/api/sources/test"), Json(Source("outlook", new JsonObject())), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("signing in", (await ReadAsync(response))["errors"]!["auth"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_presets_say_which_oauth_provider_they_sign_in_with()
    {
        var presets = (await GetAsync("/api/providers")).AsArray().ToDictionary(p => p!["id"]!.GetValue<string>(), p => p!["oauthProvider"]?.GetValue<string>());

        Assert.Equal("google", presets["gmail"]);
        Assert.Equal("microsoft", presets["outlook"]);
        Assert.Null(presets["yahoo"]);
    }

    private static JsonObject Source(string preset, JsonObject extra)
    {
        var body = new JsonObject { ["name"] = $"OAuth {Guid.NewGuid():N}", ["provider"] = preset, ["auth"] = "oauth2", ["username"] = "someone@example.com" };
        if (preset is "imap" or "pop3")
        {
            body["host"] = "imap.example.org";
        }

        foreach (var (key, value) in extra)
        {
            body[key] = value?.DeepClone();
        }

        return body;
    }

    private async Task<JsonNode> GetAsync(string path)
    {
        var response = await _client.GetAsync(Relative(path), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadAsync(response);
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> PutAsync(string provider, JsonObject body)
    {
        var response = await _client.PutAsync(Relative($"/api/oauth/providers/{provider}"), Json(body), Ct);
        return (response.StatusCode, await ReadAsync(response));
    }

    private static Uri Relative(string path) => new(path, UriKind.Relative);
}
