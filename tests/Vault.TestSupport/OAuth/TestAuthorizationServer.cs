using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Vault.TestSupport.OAuth;

/// <summary>
/// A small OAuth2 authorization server on a free loopback port, standing in for Google or Microsoft: a consent page
/// (<c>/authorize</c>, code flow with PKCE S256 required), a token endpoint (code redemption checking the verifier,
/// refresh with optional rotation, client_secret_post), RFC 7662 introspection for the test Dovecot's oauth2 passdb
/// (reached through tests/servers/dovecot/oauth-introspection-relay.py: access tokens read <c>vt.&lt;port&gt;.&lt;random&gt;</c>),
/// and RFC 7009 revocation. Tests turn faults on (token endpoint down, no refresh token, a scope left out) and read what
/// it issued, so they can look for every secret in Vault's responses and logs.
/// </summary>
public sealed class TestAuthorizationServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PendingAuthorization> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PendingAuthorization> _codes = new(StringComparer.Ordinal);
    private readonly List<IssuedGrant> _grants = [];
    private readonly List<string> _retiredSecrets = [];
    private readonly List<TokenRequestRecord> _tokenRequests = [];
    private readonly Dictionary<string, int> _introspections = new(StringComparer.Ordinal);
    private readonly List<string> _introspectionLog = [];

    private TestAuthorizationServer(WebApplication app, TimeProvider time)
    {
        _app = app;
        _time = time;
    }

    public string ClientId { get; } = $"vault-test-{Guid.NewGuid():N}";

    public string ClientSecret { get; } = $"secret-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}";

    public int Port { get; private set; }

    public Uri BaseUrl => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}");

    public Uri AuthorizeUrl => new(BaseUrl, "/authorize");

    public Uri TokenUrl => new(BaseUrl, "/token");

    /// <summary>How long an access token lives (expires_in, and when introspection stops calling it active).</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Every refresh hands out a new refresh token and retires the old one (stricter than Microsoft, which keeps the old one).</summary>
    public bool RotateRefreshTokens { get; set; }

    /// <summary>The token endpoint answers 503 with no body, as an endpoint behind a failing load balancer does.</summary>
    public bool TokenEndpointDown { get; set; }

    /// <summary>Code redemption returns no refresh token (Google without access_type=offline).</summary>
    public bool OmitRefreshToken { get; set; }

    /// <summary>The scopes granted, instead of those asked for (a person unticked one on Google's consent screen).</summary>
    public IReadOnlyList<string>? GrantScopes { get; set; }

    public IReadOnlyList<TokenRequestRecord> TokenRequests
    {
        get
        {
            lock (_gate)
            {
                return [.. _tokenRequests];
            }
        }
    }

    /// <summary>Every access token, refresh token, code and the client secret handed out so far: none may ever show in Vault's responses or logs.</summary>
    public IReadOnlyList<string> Secrets
    {
        get
        {
            lock (_gate)
            {
                return [ClientSecret, .. _retiredSecrets, .. _codes.Keys, .. _grants.Select(g => g.RefreshToken), .. _grants.SelectMany(g => g.AccessTokens.Keys)];
            }
        }
    }

    /// <summary>Every introspection answered: when, and what it found (active, expired, revoked, unknown), for failure messages.</summary>
    public IReadOnlyList<string> IntrospectionLog
    {
        get
        {
            lock (_gate)
            {
                return [.. _introspectionLog];
            }
        }
    }

    /// <summary>How many introspections (from Dovecot, through the relay) found an active token for <paramref name="user"/>.</summary>
    public int ActiveIntrospections(string user)
    {
        lock (_gate)
        {
            return _introspections.GetValueOrDefault(user);
        }
    }

    public static async Task<TestAuthorizationServer> StartAsync(TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new TestAuthorizationServer(app, time ?? TimeProvider.System);
        app.MapGet("/authorize", server.ShowConsent);
        app.MapPost("/authorize", server.DecideAsync);
        app.MapPost("/token", server.TokenAsync);
        app.MapPost("/introspect", server.IntrospectAsync);
        app.MapPost("/revoke", server.RevokeAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server.Port = new Uri(address).Port;
        return server;
    }

    /// <summary>Revokes every grant of <paramref name="user"/>, as "remove access" in the account's security settings does.</summary>
    public void RevokeGrantsOf(string user)
    {
        lock (_gate)
        {
            foreach (var grant in _grants.Where(g => g.User == user))
            {
                grant.Revoked = true;
            }
        }
    }

    /// <summary>
    /// What a person does on the consent page, without a browser: opens the authorize URL, signs in as
    /// <paramref name="user"/> and allows (or denies). Returns where the provider sends the browser back.
    /// </summary>
    public async Task<Uri> ConsentAsync(Uri authorizeUrl, string user, bool allow = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(authorizeUrl);
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        using var page = await http.GetAsync(authorizeUrl, cancellationToken);
        var html = await page.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"The authorize request was refused ({(int)page.StatusCode}): {html}");
        const string marker = "name=\"request\" value=\"";
        var start = html.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        var request = html[start..html.IndexOf('"', start)];
        using var form = new FormUrlEncodedContent([new("request", request), new("user", user), new("decision", allow ? "allow" : "deny")]);
        using var decided = await http.PostAsync(new Uri(BaseUrl, "/authorize"), form, cancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, decided.StatusCode);
        return decided.Headers.Location!;
    }

    /// <summary>Redeems a code the way a client with the wrong PKCE verifier would; returns the token endpoint's answer.</summary>
    public async Task<(HttpStatusCode Status, string Body)> RedeemAsync(string code, string redirectUri, string verifier, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        using var form = new FormUrlEncodedContent(
        [
            new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", redirectUri),
            new("code_verifier", verifier), new("client_id", ClientId), new("client_secret", ClientSecret),
        ]);
        using var response = await http.PostAsync(TokenUrl, form, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    private IResult ShowConsent(HttpRequest request)
    {
        var query = request.Query;
        if (query["client_id"] != ClientId || string.IsNullOrEmpty(query["redirect_uri"]))
        {
            return Page(400, "Unknown client or no redirect URI.");
        }

        if (query["response_type"] != "code" || string.IsNullOrEmpty(query["state"]))
        {
            return Page(400, "This provider does the authorization code flow with a state only.");
        }

        if (query["code_challenge_method"] != "S256" || string.IsNullOrEmpty(query["code_challenge"]))
        {
            return Page(400, "PKCE with S256 is required (code_challenge, code_challenge_method=S256).");
        }

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var scopes = query["scope"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var pending = new PendingAuthorization(query["redirect_uri"]!, query["state"]!, query["code_challenge"]!, scopes, query["login_hint"]);
        lock (_gate)
        {
            _pending[id] = pending;
        }

        var encode = HtmlEncoder.Default;
        return Results.Content(
            $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Test Provider · Sign in</title>
            <style>body{"{"}font-family:sans-serif;max-width:32rem;margin:3rem auto{"}"} button{"{"}font-size:1rem;padding:.5rem 1rem;margin-right:.5rem{"}"}</style></head>
            <body><main>
            <h1>Sign in to Test Provider</h1>
            <p>Vault wants to read your mail: <code>{encode.Encode(string.Join(' ', scopes))}</code></p>
            <form method="post" action="/authorize">
            <input type="hidden" name="request" value="{id}">
            <p><label for="user">Account</label> <input id="user" name="user" value="{encode.Encode(pending.LoginHint ?? string.Empty)}"></p>
            <button type="submit" name="decision" value="allow">Allow</button><button type="submit" name="decision" value="deny">Deny</button>
            </form></main></body></html>
            """,
            "text/html; charset=utf-8");
    }

    private async Task<IResult> DecideAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        PendingAuthorization? pending;
        lock (_gate)
        {
            _pending.Remove(form["request"].ToString(), out pending);
        }

        if (pending is null)
        {
            return Page(400, "This consent page was already answered.");
        }

        if (form["decision"] != "allow")
        {
            return Results.Redirect(Back(pending.RedirectUri, ("error", "access_denied"), ("error_description", "The user declined."), ("state", pending.State)));
        }

        var code = $"vc_{Random()}";
        lock (_gate)
        {
            _codes[code] = pending with { User = form["user"].ToString(), CodeExpiresAt = _time.GetUtcNow().AddMinutes(5) };
        }

        return Results.Redirect(Back(pending.RedirectUri, ("code", code), ("state", pending.State)));
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        var grantType = form["grant_type"].ToString();
        if (TokenEndpointDown)
        {
            Record(new(grantType, false, false, form["scope"], "unavailable", _time.GetUtcNow()));
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        if (form["client_id"] != ClientId || form["client_secret"] != ClientSecret)
        {
            Record(new(grantType, false, false, form["scope"], "invalid_client", _time.GetUtcNow()));
            return Error(401, "invalid_client", "Unknown client or wrong secret.");
        }

        lock (_gate)
        {
            return grantType switch
            {
                "authorization_code" => RedeemCode(form["code"].ToString(), form["redirect_uri"].ToString(), form["code_verifier"].ToString()),
                "refresh_token" => Refresh(form["refresh_token"].ToString(), form["scope"]),
                _ => Error(400, "unsupported_grant_type", grantType),
            };
        }
    }

    private IResult RedeemCode(string code, string redirectUri, string verifier)
    {
        var now = _time.GetUtcNow();
        _codes.TryGetValue(code, out var known);
        var sent = verifier.Length > 0;
        if (sent)
        {
            _retiredSecrets.Add(verifier);
        }

        var matched = sent && known is not null && Challenge(verifier) == known.CodeChallenge;
        IResult Refuse(string description)
        {
            _tokenRequests.Add(new("authorization_code", sent, matched, null, "invalid_grant", now));
            return Error(400, "invalid_grant", description);
        }

        if (known is null || known.CodeExpiresAt < now)
        {
            return Refuse("Malformed auth code.");
        }

        if (known.Redeemed)
        {
            return Refuse("Code was already redeemed.");
        }

        if (known.RedirectUri != redirectUri)
        {
            return Refuse("redirect_uri does not match the authorize request.");
        }

        if (!matched)
        {
            return Refuse("Invalid code verifier.");
        }

        known.Redeemed = true;
        var grant = new IssuedGrant(known.User!, GrantScopes ?? known.Scopes) { RefreshToken = $"vr_{Random()}" };
        _grants.Add(grant);
        _tokenRequests.Add(new("authorization_code", sent, matched, null, null, now));
        return Tokens(grant, includeRefreshToken: !OmitRefreshToken);
    }

    private IResult Refresh(string refreshToken, string? scope)
    {
        var now = _time.GetUtcNow();
        var grant = _grants.FirstOrDefault(g => g.RefreshToken == refreshToken && refreshToken.Length > 0);
        if (grant is null || grant.Revoked)
        {
            _tokenRequests.Add(new("refresh_token", false, false, scope, "invalid_grant", now));
            return Error(400, "invalid_grant", "Token has been expired or revoked.");
        }

        _tokenRequests.Add(new("refresh_token", false, false, scope, null, now));
        if (RotateRefreshTokens)
        {
            _retiredSecrets.Add(grant.RefreshToken);
            grant.RefreshToken = $"vr_{Random()}";
            return Tokens(grant, includeRefreshToken: true);
        }

        return Tokens(grant, includeRefreshToken: false);
    }

    private IResult Tokens(IssuedGrant grant, bool includeRefreshToken)
    {
        var accessToken = $"vt.{Port.ToString(CultureInfo.InvariantCulture)}.{Random()}";
        grant.AccessTokens[accessToken] = _time.GetUtcNow() + AccessTokenLifetime;
        var body = new Dictionary<string, object>
        {
            ["access_token"] = accessToken,
            ["token_type"] = "Bearer",
            ["expires_in"] = (long)AccessTokenLifetime.TotalSeconds,
            ["scope"] = string.Join(' ', grant.Scopes),
        };
        if (includeRefreshToken)
        {
            body["refresh_token"] = grant.RefreshToken;
        }

        return Results.Json(body);
    }

    private async Task<IResult> IntrospectAsync(HttpRequest request)
    {
        var token = (await request.ReadFormAsync())["token"].ToString();
        lock (_gate)
        {
            var grant = _grants.FirstOrDefault(g => g.AccessTokens.ContainsKey(token));
            var now = _time.GetUtcNow();
            _introspectionLog.Add($"{now:HH:mm:ss.fff} {(grant is null ? "unknown" : grant.Revoked ? "revoked" : grant.AccessTokens[token] <= now ? $"expired at {grant.AccessTokens[token]:HH:mm:ss.fff}" : "active")}");
            if (grant is null || grant.Revoked || grant.AccessTokens[token] <= now)
            {
                return Results.Json(new Dictionary<string, object> { ["active"] = false });
            }

            _introspections[grant.User] = _introspections.GetValueOrDefault(grant.User) + 1;
            return Results.Json(new Dictionary<string, object>
            {
                ["active"] = true,
                ["username"] = grant.User,
                ["scope"] = string.Join(' ', grant.Scopes),
                ["client_id"] = ClientId,
                ["exp"] = grant.AccessTokens[token].ToUnixTimeSeconds(),
            });
        }
    }

    private async Task<IResult> RevokeAsync(HttpRequest request)
    {
        var token = (await request.ReadFormAsync())["token"].ToString();
        lock (_gate)
        {
            foreach (var grant in _grants.Where(g => g.RefreshToken == token || g.AccessTokens.ContainsKey(token)))
            {
                grant.Revoked = true;
            }
        }

        return Results.Ok();
    }

    private void Record(TokenRequestRecord record)
    {
        lock (_gate)
        {
            _tokenRequests.Add(record);
        }
    }

    private static IResult Error(int status, string error, string description) =>
        Results.Json(new Dictionary<string, string> { ["error"] = error, ["error_description"] = description }, statusCode: status);

    private static IResult Page(int status, string text) =>
        Results.Content($"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Error</title></head><body><p>{HtmlEncoder.Default.Encode(text)}</p></body></html>",
            "text/html; charset=utf-8", Encoding.UTF8, status);

    private static string Back(string redirectUri, params (string Name, string Value)[] parameters) =>
        redirectUri + (redirectUri.Contains('?', StringComparison.Ordinal) ? "&" : "?") +
        string.Join('&', parameters.Select(p => $"{Uri.EscapeDataString(p.Name)}={Uri.EscapeDataString(p.Value)}"));

    public static string Challenge(string verifier) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Random() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
