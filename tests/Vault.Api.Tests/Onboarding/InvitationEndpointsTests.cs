using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using static Vault.Api.Tests.Sources.JsonBodies;

namespace Vault.Api.Tests.Onboarding;

/// <summary>
/// Self-service links through the real host, without a mail server: what a link is (shown once, stored as a hash),
/// what it opens (its own page, nothing under /api), when it stops working, and how bad input is answered.
/// </summary>
public sealed class InvitationEndpointsTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 3, 9, 0, 0, TimeSpan.Zero));
    private readonly OnboardingHost _host;

    public InvitationEndpointsTests() => _host = new OnboardingHost(time: _time);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_link_is_shown_once_in_the_create_answer_and_only_its_hash_is_stored()
    {
        var connector = await _host.CreateConnectorAsync();
        var created = await _host.InviteAsync(connector, "alice@example.org", "bob@example.org");

        Assert.Equal(2, created.Count);
        var tokens = created.Select(i => OnboardingHost.TokenOf(i!)).ToList();
        Assert.All(tokens, token => Assert.Equal(43, token.Length));
        Assert.NotEqual(tokens[0], tokens[1]);
        Assert.Equal("Pending", created[0]!["status"]!.GetValue<string>());
        Assert.Equal(_time.GetUtcNow().AddDays(7), created[0]!["expiresAt"]!.GetValue<DateTimeOffset>());

        var listed = await _host.ListAsync(connector);
        Assert.Equal(["alice@example.org", "bob@example.org"], listed.Select(i => i["email"]!.GetValue<string>()).Order());
        Assert.All(listed, i => Assert.Null(i["url"]));
        Assert.All(listed, i => Assert.Equal("Pending", i["status"]!.GetValue<string>()));

        // The page opens with the token, and the database holds its SHA-256, never the token.
        foreach (var token in tokens)
        {
            Assert.Equal(HttpStatusCode.OK, (await _host.Owner.GetAsync(new Uri($"/onboard/{token}", UriKind.Relative), Ct)).StatusCode);
            var invitation = await ReadAsync(await _host.Owner.GetAsync(new Uri($"/onboard/{token}/api/invitation", UriKind.Relative), Ct));
            Assert.Equal("Staff mail", invitation["connectorName"]!.GetValue<string>());
            Assert.Null(invitation["mailbox"]);
            _host.AssertNotOnDisk(token);
        }

        Assert.Equal(
            tokens.Select(t => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(t)))).Order(),
            (await StoredTokenHashesAsync()).Order());
        var createPath = $"POST /api/connectors/{connector}/invitations";
        foreach (var token in tokens)
        {
            _host.AssertShownOnlyIn(token, request => request == createPath);
        }
    }

    [Fact]
    public async Task A_token_never_opens_the_api_and_a_link_has_no_route_but_its_own_three()
    {
        var connector = await _host.CreateConnectorAsync();
        var token = OnboardingHost.TokenOf((await _host.InviteAsync(connector, "alice@example.org"))[0]!);

        foreach (var path in new[] { "/api/sources", "/api/connectors", $"/api/connectors/{connector}/invitations", "/api/search?q=a" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            Assert.Equal(HttpStatusCode.Unauthorized, (await _host.Owner.SendAsync(request, Ct)).StatusCode);
        }

        foreach (var path in new[] { "api/sources", "api/messages", "api/search?q=a", "api/mailboxes", "api/save/../sources" })
        {
            var answer = await _host.Owner.GetAsync(new Uri($"/onboard/{token}/{path}", UriKind.Relative), Ct);
            Assert.True(answer.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"{path}: {answer.StatusCode}");
        }

        // Still usable after all that: none of it counted as a use.
        Assert.Equal("Pending", (await _host.ListAsync(connector))[0]["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_link_is_404_and_a_revoked_one_410_each_with_a_short_page_and_no_detail()
    {
        var connector = await _host.CreateConnectorAsync();
        var created = await _host.InviteAsync(connector, "alice@example.org");
        var token = OnboardingHost.TokenOf(created[0]!);
        var unknown = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        var otherCase = new string(token.Select(c => char.IsAsciiLetterLower(c) ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c)).ToArray());
        foreach (var path in new[] { unknown, "short", token[..42] + "!", otherCase })
        {
            var page = await _host.Owner.GetAsync(new Uri($"/onboard/{Uri.EscapeDataString(path)}", UriKind.Relative), Ct);
            Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
            Assert.Contains("Link not found", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, (await _host.OwnerPostAsync(path, "save", "alice", "secret")).StatusCode);
        }

        var revoke = await _host.Admin.DeleteAsync(new Uri($"/api/invitations/{created[0]!["id"]}", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        var gone = await _host.Owner.GetAsync(new Uri($"/onboard/{token}", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        Assert.Equal("text/html", gone.Content.Headers.ContentType?.MediaType);
        var text = await gone.Content.ReadAsStringAsync(Ct);
        Assert.Contains("This link no longer works", text, StringComparison.Ordinal);
        Assert.DoesNotContain("alice@example.org", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Staff mail", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Gone, (await _host.Owner.GetAsync(new Uri($"/onboard/{token}/api/invitation", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await _host.OwnerPostAsync(token, "test", "alice", "secret")).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await _host.OwnerPostAsync(token, "save", "alice", "secret")).StatusCode);
        Assert.Equal("Revoked", (await _host.ListAsync(connector))[0]["status"]!.GetValue<string>());

        // Revoking twice is no error; an unknown invitation is a 404 problem.
        Assert.Equal(HttpStatusCode.NoContent, (await _host.Admin.DeleteAsync(new Uri($"/api/invitations/{created[0]!["id"]}", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Admin.DeleteAsync(new Uri("/api/invitations/nope", UriKind.Relative), Ct)).StatusCode);
    }

    [Fact]
    public async Task A_link_works_until_its_expiry_on_the_clock_and_is_gone_after_it()
    {
        var connector = await _host.CreateConnectorAsync();
        var response = await _host.Admin.PostAsync(
            new Uri($"/api/connectors/{connector}/invitations", UriKind.Relative),
            Json(new JsonObject { ["emails"] = new JsonArray("alice@example.org"), ["expiresIn"] = "02:00:00" }),
            Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await ReadAsync(response))["invitations"]![0]!;
        var token = OnboardingHost.TokenOf(created);
        var seven = OnboardingHost.TokenOf((await _host.InviteAsync(connector, "bob@example.org"))[0]!);
        var page = new Uri($"/onboard/{token}", UriKind.Relative);

        _time.Advance(TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await _host.Owner.GetAsync(page, Ct)).StatusCode);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Gone, (await _host.Owner.GetAsync(page, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await _host.OwnerPostAsync(token, "save", "alice", "secret")).StatusCode);
        Assert.Equal(
            new Dictionary<string, string> { ["alice@example.org"] = "Expired", ["bob@example.org"] = "Pending" },
            await _host.StatusesAsync(connector));

        // The default lifetime is 7 days; an expired invitation cannot be revoked (409), and its address can be invited again.
        _time.Advance(TimeSpan.FromDays(7) - TimeSpan.FromHours(2));
        Assert.Equal(HttpStatusCode.Gone, (await _host.Owner.GetAsync(new Uri($"/onboard/{seven}", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await _host.Admin.DeleteAsync(new Uri($"/api/invitations/{created["id"]}", UriKind.Relative), Ct)).StatusCode);
        Assert.Single(await _host.InviteAsync(connector, "alice@example.org"));
    }

    [Theory]
    [InlineData("""{ "emails": [] }""", "emails")]
    [InlineData("""{ }""", "emails")]
    [InlineData("""{ "emails": ["alice@example.org", "not an address"] }""", "emails[1]")]
    [InlineData("""{ "emails": ["alice@example.org", "Alice <alice@example.org>"] }""", "emails[1]")]
    [InlineData("""{ "emails": ["alice@example.org", "ALICE@example.org"] }""", "emails[1]")]
    [InlineData("""{ "emails": ["alice@localhost"] }""", "emails[0]")]
    [InlineData("""{ "emails": [""] }""", "emails[0]")]
    [InlineData("""{ "emails": ["alice@example.org"], "expiresIn": "forever" }""", "expiresIn")]
    [InlineData("""{ "emails": ["alice@example.org"], "expiresIn": "00:10:00" }""", "expiresIn")]
    [InlineData("""{ "emails": ["alice@example.org"], "expiresIn": "365.00:00:00" }""", "expiresIn")]
    [InlineData("""{ "emails": "alice@example.org" }""", "emails")]
    [InlineData("""{ "emails": [42] }""", "emails[0]")]
    [InlineData("""not json""", "body")]
    public async Task A_bad_invitation_request_is_a_400_naming_the_field_and_creates_nothing(string body, string field)
    {
        var connector = await _host.CreateConnectorAsync();

        var response = await _host.Admin.PostAsync(
            new Uri($"/api/connectors/{connector}/invitations", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await ReadAsync(response))["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(field), $"errors name {string.Join(", ", errors.Select(e => e.Key))}, not {field}");
        Assert.Empty(await _host.ListAsync(connector));
    }

    [Fact]
    public async Task An_address_already_invited_or_archived_is_refused_by_its_position()
    {
        var connector = await _host.CreateConnectorAsync();
        await _host.InviteAsync(connector, "alice@example.org");
        var mailbox = await _host.Admin.PostAsync(
            new Uri($"/api/connectors/{connector}/mailboxes", UriKind.Relative),
            Json(new JsonObject { ["mailboxes"] = new JsonArray(new JsonObject { ["username"] = "bob", ["email"] = "bob@example.org", ["password"] = "pw" }) }),
            Ct);
        Assert.Equal(HttpStatusCode.Created, mailbox.StatusCode);

        var response = await _host.Admin.PostAsync(
            new Uri($"/api/connectors/{connector}/invitations", UriKind.Relative),
            Json(new JsonObject { ["emails"] = new JsonArray("carol@example.org", "Alice@Example.org", "bob@example.org") }),
            Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ReadAsync(response))["errors"]!.AsObject();
        Assert.Equal(["emails[1]", "emails[2]"], errors.Select(e => e.Key).Order());
        Assert.Contains("pending invitation", errors["emails[1]"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("already a mailbox", errors["emails[2]"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(await _host.ListAsync(connector));
    }

    [Fact]
    public async Task A_csv_list_names_every_bad_line_and_creates_nothing_until_all_are_valid()
    {
        var connector = await _host.CreateConnectorAsync();
        var path = new Uri($"/api/connectors/{connector}/invitations/csv?expiresIn=3.00:00:00", UriKind.Relative);
        const string bad = "displayName,email\nAlice,alice@example.org\nBob,not-an-address\n\"Carol, C\",carol@example.org\nDan\n\"Eve,eve@example.org\n";

        var response = await _host.Admin.PostAsync(path, new StringContent(bad, Encoding.UTF8, "text/csv"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ReadAsync(response))["errors"]!.AsObject();
        Assert.Equal(["line 3", "line 5", "line 6"], errors.Select(e => e.Key));
        Assert.Empty(await _host.ListAsync(connector));

        foreach (var (csv, line) in new[] { ("name\nalice@example.org\n", "line 1"), ("", "line 1"), ("email\n", "line 2") })
        {
            var refused = await _host.Admin.PostAsync(path, new StringContent(csv, Encoding.UTF8, "text/csv"), Ct);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.True((await ReadAsync(refused))["errors"]!.AsObject().ContainsKey(line), csv);
        }

        var wrongType = await _host.Admin.PostAsync(path, new StringContent("{}", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        var badLifetime = await _host.Admin.PostAsync(
            new Uri($"/api/connectors/{connector}/invitations/csv?expiresIn=soon", UriKind.Relative), new StringContent("email\na@example.org\n", Encoding.UTF8, "text/csv"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, badLifetime.StatusCode);
        Assert.True((await ReadAsync(badLifetime))["errors"]!.AsObject().ContainsKey("expiresIn"));
        Assert.Empty(await _host.ListAsync(connector));

        var good = await _host.Admin.PostAsync(path, new StringContent("displayName,email\r\nAlice,alice@example.org\r\n\"Carol, C\",carol@example.org\r\n", Encoding.UTF8, "text/csv"), Ct);
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
        var created = (await ReadAsync(good))["invitations"]!.AsArray();
        Assert.Equal(["alice@example.org", "carol@example.org"], created.Select(i => i!["email"]!.GetValue<string>()));
        Assert.All(created, i => Assert.Equal(_time.GetUtcNow().AddDays(3), i!["expiresAt"]!.GetValue<DateTimeOffset>()));
    }

    [Fact]
    public async Task Only_a_per_user_connector_takes_invitations_and_an_unknown_connector_is_404()
    {
        var magic = await _host.CreateConnectorAsync(authMode: "magicPassword", name: "Shared password");

        var refused = await _host.Admin.PostAsync(
            new Uri($"/api/connectors/{magic}/invitations", UriKind.Relative), Json(new JsonObject { ["emails"] = new JsonArray("alice@example.org") }), Ct);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("perUser", (await ReadAsync(refused))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(await _host.ListAsync(magic));

        var missing = await _host.Admin.PostAsync(
            new Uri("/api/connectors/nope/invitations", UriKind.Relative), Json(new JsonObject { ["emails"] = new JsonArray("alice@example.org") }), Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Admin.GetAsync(new Uri("/api/connectors/nope/invitations", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _host.Owner.GetAsync(new Uri($"/api/connectors/{magic}/invitations", UriKind.Relative), Ct)).StatusCode);
    }

    [Theory]
    [InlineData("""{ "username": "alice" }""", "password")]
    [InlineData("""{ "password": "secret" }""", "username")]
    [InlineData("""{ "username": "  ", "password": "secret" }""", "username")]
    [InlineData("""{ "username": 5, "password": "secret" }""", "username")]
    [InlineData("""[1, 2]""", "body")]
    [InlineData("""{ "username": "alice", "password": "secret" """, "body")]
    public async Task Bad_owner_input_is_a_400_naming_the_field(string body, string field)
    {
        var connector = await _host.CreateConnectorAsync();
        var token = OnboardingHost.TokenOf((await _host.InviteAsync(connector, "alice@example.org"))[0]!);

        foreach (var action in new[] { "test", "save" })
        {
            var response = await _host.Owner.PostAsync(
                new Uri($"/onboard/{token}/api/{action}", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"), Ct);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var errors = (await ReadAsync(response))["errors"]!.AsObject();
            Assert.True(errors.ContainsKey(field), $"{action}: errors name {string.Join(", ", errors.Select(e => e.Key))}, not {field}");
        }

        Assert.Equal("Pending", (await _host.ListAsync(connector))[0]["status"]!.GetValue<string>());
        _host.AssertShownOnlyIn(token, request => request == $"POST /api/connectors/{connector}/invitations");
    }

    [Fact]
    public async Task A_link_gets_ten_tests_or_saves_a_minute_and_other_links_keep_theirs()
    {
        var connector = await _host.CreateConnectorAsync();
        var created = await _host.InviteAsync(connector, "alice@example.org", "bob@example.org");
        var (alice, bob) = (OnboardingHost.TokenOf(created[0]!), OnboardingHost.TokenOf(created[1]!));

        // Empty passwords: refused before any login, yet each counts as a try.
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await _host.OwnerPostAsync(alice, i % 2 == 0 ? "test" : "save", "alice", "")).StatusCode);
        }

        var limited = await _host.OwnerPostAsync(alice, "test", "alice", "guess");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta is { } wait && wait > TimeSpan.Zero && wait <= TimeSpan.FromMinutes(1), $"Retry-After: {limited.Headers.RetryAfter}");
        Assert.Contains("too many attempts", (await ReadAsync(limited))["detail"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await _host.OwnerPostAsync(alice, "save", "alice", "guess")).StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, (await _host.OwnerPostAsync(bob, "test", "bob", "")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _host.Owner.GetAsync(new Uri($"/onboard/{alice}", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal("Pending", (await _host.ListedAsync(connector, "alice@example.org"))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_links_page_and_status_are_limited_too()
    {
        var connector = await _host.CreateConnectorAsync();
        var token = OnboardingHost.TokenOf((await _host.InviteAsync(connector, "alice@example.org"))[0]!);
        var status = new Uri($"/onboard/{token}/api/invitation", UriKind.Relative);

        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 61; i++)
        {
            codes.Add((await _host.Owner.GetAsync(status, Ct)).StatusCode);
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, 60).Append(HttpStatusCode.TooManyRequests), codes);
    }

    [Fact]
    public async Task The_owner_page_has_the_dashboard_headers_no_referrer_and_is_never_cached()
    {
        var connector = await _host.CreateConnectorAsync();
        var token = OnboardingHost.TokenOf((await _host.InviteAsync(connector, "alice@example.org"))[0]!);

        var page = await _host.Owner.GetAsync(new Uri($"/onboard/{token}", UriKind.Relative), Ct);
        var json = await _host.Owner.GetAsync(new Uri($"/onboard/{token}/api/invitation", UriKind.Relative), Ct);
        var missing = await _host.Owner.GetAsync(new Uri("/onboard/unknown", UriKind.Relative), Ct);

        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync(Ct);
        Assert.Contains("/onboarding/onboard.js", html, StringComparison.Ordinal);
        Assert.DoesNotContain("app.js", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-nav", html, StringComparison.Ordinal);
        foreach (var response in new[] { page, json, missing })
        {
            Assert.Equal("no-referrer", string.Join(",", response.Headers.GetValues("Referrer-Policy")));
            Assert.Equal("DENY", string.Join(",", response.Headers.GetValues("X-Frame-Options")));
            Assert.Contains("frame-ancestors 'none'", string.Join(",", response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        }

        Assert.True(page.Headers.CacheControl?.NoStore, "the page is personal: no-store");
        Assert.True(json.Headers.CacheControl?.NoStore, "the status is personal: no-store");
        Assert.StartsWith("default-src 'self'", string.Join(",", page.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.StartsWith("default-src 'none'", string.Join(",", json.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    public void Dispose() => _host.Dispose();

    private async Task<List<string>> StoredTokenHashesAsync()
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_host.DataDirectory, "archive.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        await using var connection = new SqliteConnection(builder.ToString());
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT token_hash FROM invitations";
        var hashes = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            hashes.Add(Convert.ToHexString((byte[])reader[0]));
        }

        return hashes;
    }
}
