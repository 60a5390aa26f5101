using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Vault.TestSupport;
using static Vault.Api.Tests.Sources.JsonBodies;

namespace Vault.Api.Tests.Sources;

/// <summary>The real API (host, store, Quartz job, sync engine) against the real test Dovecot, one user per test.</summary>
public sealed class SourceLifecycleOverDovecotTests : IDisposable
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    private readonly SourceApiFactory _api = new();
    private readonly TestDovecot _dovecot = TestDovecot.Require();
    private readonly HttpClient _client;

    public SourceLifecycleOverDovecotTests() => _client = _api.CreateClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Testing_the_right_credentials_lists_folders_and_capabilities_and_saves_nothing()
    {
        var user = _dovecot.CreateUser("api-test-ok");
        await FillAsync(user, "INBOX", 2);
        await FillAsync(user, "Archive/2022", 1);

        var clock = Stopwatch.StartNew();
        var response = await _client.PostAsync(Relative("/api/sources/test"), Json(Body(user, _dovecot.ImapPort, tls: false)), Ct);
        clock.Stop();
        TestContext.Current.TestOutputHelper?.WriteLine($"POST /api/sources/test (plain IMAP, right credentials): {clock.ElapsedMilliseconds} ms");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await ReadAsync(response);
        Assert.True(result["ok"]!.GetValue<bool>(), result.ToJsonString());
        Assert.Null(result["error"]);
        var folders = result["folders"]!.AsArray().ToDictionary(f => f!["name"]!.GetValue<string>(), f => f!["messages"]?.GetValue<int>());
        Assert.Equal(2, folders["INBOX"]);
        Assert.Equal(1, folders["Archive/2022"]);
        Assert.Contains(result["capabilities"]!.AsArray(), c => string.Equals(c!.GetValue<string>(), "IDLE", StringComparison.OrdinalIgnoreCase));

        Assert.Empty((await GetAsync("/api/sources")).AsArray());
        _api.AssertNeverShown(user.Password);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_source_imports_pauses_without_a_connection_resumes_and_is_deleted(bool purge)
    {
        var user = _dovecot.CreateUser("api-lifecycle");
        await FillAsync(user, "INBOX", 3);
        await FillAsync(user, "Archive", 2);

        var created = await _client.PostAsync(Relative("/api/sources"), Json(Body(user, _dovecot.ImapPort, tls: false)), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var source = await ReadAsync(created);
        var id = source["id"]!.GetValue<string>();
        Assert.Equal("Importing", Status(source));

        var active = await UntilAsync(id, s => Status(s) == "Active", "the import finishes");
        var progress = active["progress"]!;
        Assert.Equal(5, progress["messagesArchived"]!.GetValue<long>());
        Assert.Equal(5, progress["messagesOnServer"]!.GetValue<long>());
        Assert.Equal(progress["foldersTotal"]!.GetValue<int>(), progress["foldersDone"]!.GetValue<int>());
        Assert.Null(active["error"]);
        Assert.True(await _dovecot.SessionsAsync(user, Ct) >= 1, "an Active source holds a connection");

        var clock = Stopwatch.StartNew();
        var paused = await _client.PostAsync(Relative($"/api/sources/{id}/pause"), null, Ct);
        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        Assert.Equal("Paused", Status(await ReadAsync(paused)));
        await Deadline.UntilAsync(async () => await _dovecot.SessionsAsync(user, Ct) == 0, TimeSpan.FromSeconds(3), "Dovecot sees the paused source's session end", Ct);
        TestContext.Current.TestOutputHelper?.WriteLine($"pause -> no session at Dovecot: {clock.ElapsedMilliseconds} ms");
        Assert.Equal("Paused", Status(await GetAsync($"/api/sources/{id}")));

        var resumed = await _client.PostAsync(Relative($"/api/sources/{id}/resume"), null, Ct);
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        Assert.Equal("Active", Status(await ReadAsync(resumed)));
        await Deadline.UntilAsync(async () => await _dovecot.SessionsAsync(user, Ct) >= 1, Within, "the resumed source connects again", Ct);

        var events = (await GetAsync($"/api/sources/{id}/events")).AsArray();
        var messages = events.Select(e => e!["message"]!.GetValue<string>()).ToList();
        Assert.Contains(events, e => e!["kind"]!.GetValue<string>() == "created");
        Assert.Contains(messages, m => m.StartsWith("Importing -> Active: import finished", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Active -> Paused", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Paused -> Active", StringComparison.Ordinal));

        async Task<long> FoundAsync() => (await GetAsync($"/api/search?q=source:{id}"))["total"]!.GetValue<long>();
        await Deadline.UntilAsync(async () => await FoundAsync() == 5, Within, "the archived messages are searchable", Ct);
        await UntilAsync(id, s => s["progress"]!["messagesIndexed"]!.GetValue<long>() == 5, "progress says all 5 are indexed");

        var deleted = await _client.DeleteAsync(Relative($"/api/sources/{id}{(purge ? "?purge=true" : string.Empty)}"), Ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(Relative($"/api/sources/{id}"), Ct)).StatusCode);
        await Deadline.UntilAsync(async () => await _dovecot.SessionsAsync(user, Ct) == 0, TimeSpan.FromSeconds(3), "the deleted source lets go of its connection", Ct);
        var archived = await GetAsync($"/api/messages?sourceId={id}&pageSize=50");
        Assert.Equal(purge ? 0 : 5, archived["total"]!.GetValue<long>());
        Assert.Equal(purge ? 0 : 5, await FoundAsync());
        _api.AssertNeverShown(user.Password);
    }

    [Fact]
    public async Task A_pop3_source_over_stls_archives_the_inbox_polls_and_is_searchable()
    {
        var user = _dovecot.CreateUser("api-pop3");
        await FillAsync(user, "INBOX", 3);
        await FillAsync(user, "Archive", 2);
        var body = Body(user, _dovecot.Pop3Port, tls: true);
        body["protocol"] = "pop3";
        body["tlsMode"] = "starttls";
        body["allowInsecureCertificate"] = true;
        body["pollInterval"] = "00:00:05";

        var test = await ReadAsync(await _client.PostAsync(Relative("/api/sources/test"), Json(body), Ct));
        Assert.True(test["ok"]!.GetValue<bool>(), test.ToJsonString());
        var source = await ReadAsync(await _client.PostAsync(Relative("/api/sources"), Json(body), Ct));
        var id = source["id"]!.GetValue<string>();
        Assert.Equal("poll", source["syncMode"]!.GetValue<string>());
        var active = await UntilAsync(id, s => Status(s) == "Active", "the POP3 import finishes", Within);
        Assert.Equal(3, active["progress"]!["messagesArchived"]!.GetValue<long>());

        // POP3 sees INBOX only: the Archive folder is IMAP's business.
        var archived = (await GetAsync($"/api/messages?sourceId={id}&pageSize=50"))["items"]!.AsArray();
        Assert.Equal(3, archived.Count);
        Assert.All(archived, m => Assert.Equal(["INBOX"], m!["folders"]!.AsArray().Select(f => f!.GetValue<string>())));
        await Deadline.UntilAsync(async () => await FoundAsync() == 3, Within, "the POP3 messages are searchable", Ct);

        await _dovecot.AppendAsync(user, "INBOX", Encoding.UTF8.GetBytes($"From: a@example.org\r\nSubject: later\r\nMessage-ID: <later.{user.Name}@example.org>\r\n\r\nNew mail.\r\n"), Ct);
        await UntilAsync(id, s => s["progress"]!["messagesArchived"]!.GetValue<long>() == 4, "new mail within a poll", TimeSpan.FromSeconds(20));
        _api.AssertNeverShown(user.Password);

        async Task<long> FoundAsync() =>
            (await GetAsync($"/api/search?q=source:{id}"))["total"]!.GetValue<long>();
    }

    [Fact]
    public async Task A_pop3_source_asked_to_idle_is_a_400_naming_the_sync_mode()
    {
        var user = _dovecot.CreateUser("api-pop3-idle");
        var body = Body(user, _dovecot.Pop3Port, tls: false);
        body["protocol"] = "pop3";
        body["syncMode"] = "idle";

        var response = await _client.PostAsync(Relative("/api/sources"), Json(body), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("syncMode", (await ReadAsync(response))["errors"]!.AsObject().Select(e => e.Key), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_wrong_password_stops_in_error_with_the_servers_words_and_is_not_retried()
    {
        var user = _dovecot.CreateUser("api-badpass");
        var body = Body(user, _dovecot.ImapPort, tls: false);
        body["password"] = user.Password + "-wrong";
        // Dovecot delays a failed login's answer by 2 s (and a real server, unlike the test one, which keeps no penalties,
        // up to 15 s after recent failures from the same address): the timeout must outlast that, or the honest outcome
        // would be a Timeout.
        body["timeout"] = "00:00:30";

        var source = await ReadAsync(await _client.PostAsync(Relative("/api/sources"), Json(body), Ct));
        var id = source["id"]!.GetValue<string>();
        var failed = await UntilAsync(id, s => Status(s) == "Error", "the login fails", TimeSpan.FromSeconds(45));

        var error = failed["error"]!;
        Assert.Equal("AuthenticationFailed", error["code"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(error["message"]!.GetValue<string>()));
        Assert.False(string.IsNullOrWhiteSpace(error["hint"]!.GetValue<string>()));
        Assert.Contains("AUTHENTICATIONFAILED", error["serverResponse"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Null(error["nextRetryAt"]);
        Assert.Equal(1, error["consecutiveFailures"]!.GetValue<int>());

        // Proving an absence needs a bounded wait: a retry with the shortest backoff (a second) would show by now.
        for (var look = 0; look < 4; look++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(750), Ct);
            var again = await GetAsync($"/api/sources/{id}");
            Assert.Equal("Error", Status(again));
            Assert.Equal(1, again["error"]!["consecutiveFailures"]!.GetValue<int>());
        }

        // One login attempt, not one per SASL mechanism plus LOGIN: Dovecot logs the count when the connection closes.
        var log = Path.Combine(_dovecot.RunDirectory, "log", "dovecot.log");
        string? closed = null;
        await Deadline.UntilAsync(
            async () => (closed = (await File.ReadAllLinesAsync(log, Ct)).LastOrDefault(l => l.Contains($"user=<{user.Name}>", StringComparison.Ordinal) && l.Contains("auth failed", StringComparison.Ordinal))) is not null,
            TimeSpan.FromSeconds(5),
            "Dovecot logs the failed login",
            Ct);
        Assert.Contains("auth failed, 1 attempts", closed, StringComparison.Ordinal);

        _api.AssertNeverShown(body["password"]!.GetValue<string>());
        _api.AssertNeverShown(user.Password);
    }

    [Fact]
    public async Task The_self_signed_imaps_certificate_is_refused_unless_allowed()
    {
        var user = _dovecot.CreateUser("api-tls");
        var body = Body(user, _dovecot.ImapsPort, tls: true);

        var clock = Stopwatch.StartNew();
        var refused = await ReadAsync(await _client.PostAsync(Relative("/api/sources/test"), Json(body), Ct));
        TestContext.Current.TestOutputHelper?.WriteLine($"POST /api/sources/test (IMAPS, certificate refused): {clock.ElapsedMilliseconds} ms");

        Assert.False(refused["ok"]!.GetValue<bool>());
        Assert.Equal("TlsCertificateInvalid", refused["error"]!["code"]!.GetValue<string>());
        Assert.Contains("Allow insecure certificate", refused["error"]!["hint"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);

        body["allowInsecureCertificate"] = true;
        clock.Restart();
        var allowed = await ReadAsync(await _client.PostAsync(Relative("/api/sources/test"), Json(body), Ct));
        TestContext.Current.TestOutputHelper?.WriteLine($"POST /api/sources/test (IMAPS, insecure allowed): {clock.ElapsedMilliseconds} ms");

        Assert.True(allowed["ok"]!.GetValue<bool>(), allowed.ToJsonString());
        Assert.Contains(allowed["folders"]!.AsArray(), f => f!["name"]!.GetValue<string>() == "INBOX");
        _api.AssertNeverShown(user.Password);
    }

    [Fact]
    public async Task An_unknown_host_is_host_not_found()
    {
        var user = _dovecot.CreateUser("api-nohost");
        var body = Body(user, 993, tls: true);
        body["host"] = "nosuchhost.invalid";

        var response = await _client.PostAsync(Relative("/api/sources/test"), Json(body), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await ReadAsync(response);
        Assert.False(result["ok"]!.GetValue<bool>());
        Assert.Equal("HostNotFound", result["error"]!["code"]!.GetValue<string>());
        Assert.Empty(result["folders"]!.AsArray());
        _api.AssertNeverShown(user.Password);
    }

    [Fact]
    public async Task Resuming_an_active_source_and_pausing_a_paused_one_are_conflicts()
    {
        var user = _dovecot.CreateUser("api-conflict");
        await FillAsync(user, "INBOX", 1);
        var id = (await ReadAsync(await _client.PostAsync(Relative("/api/sources"), Json(Body(user, _dovecot.ImapPort, tls: false)), Ct)))["id"]!.GetValue<string>();
        await UntilAsync(id, s => Status(s) == "Active", "the import finishes");

        var resume = await _client.PostAsync(Relative($"/api/sources/{id}/resume"), null, Ct);
        await AssertConflictAsync(resume);
        Assert.Equal("Active", Status(await GetAsync($"/api/sources/{id}")));

        Assert.Equal(HttpStatusCode.OK, (await _client.PostAsync(Relative($"/api/sources/{id}/pause"), null, Ct)).StatusCode);
        var pauseAgain = await _client.PostAsync(Relative($"/api/sources/{id}/pause"), null, Ct);
        await AssertConflictAsync(pauseAgain);
        Assert.Equal("Paused", Status(await GetAsync($"/api/sources/{id}")));
        _api.AssertNeverShown(user.Password);
    }

    public void Dispose()
    {
        _client.Dispose();
        _api.Dispose();
    }

    private static async Task AssertConflictAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await ReadAsync(response);
        Assert.Equal(409, problem["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrWhiteSpace(problem["detail"]!.GetValue<string>()));
    }

    private JsonObject Body(TestUser user, int port, bool tls) => new()
    {
        ["name"] = user.Name,
        ["protocol"] = "imap",
        ["host"] = _dovecot.Host,
        ["port"] = port,
        ["tls"] = tls,
        ["username"] = user.Name,
        ["password"] = user.Password,
        ["timeout"] = "00:00:10",
    };

    private async Task FillAsync(TestUser user, string folder, int count)
    {
        for (var n = 1; n <= count; n++)
        {
            var message = string.Create(
                CultureInfo.InvariantCulture,
                $"From: Alice <alice@example.org>\r\nTo: {user.Name}@example.com\r\nSubject: {folder} message {n}\r\n" +
                $"Date: Wed, 01 Mar 2023 10:0{n}:00 +0000\r\nMessage-ID: <{user.Name}.{folder.Replace('/', '.')}.{n}@example.org>\r\n\r\nBody {n} of {folder}.\r\n");
            await _dovecot.AppendAsync(user, folder, Encoding.UTF8.GetBytes(message), Ct);
        }
    }

    private async Task<JsonNode> UntilAsync(string id, Func<JsonNode, bool> condition, string what, TimeSpan? within = null)
    {
        JsonNode? last = null;
        await Deadline.UntilAsync(
            async () =>
            {
                last = await GetAsync($"/api/sources/{id}");
                return condition(last);
            },
            within ?? Within,
            () => $"{what} (last seen: {last?.ToJsonString()})",
            Ct);
        return last!;
    }

    private async Task<JsonNode> GetAsync(string path)
    {
        var response = await _client.GetAsync(Relative(path), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadAsync(response);
    }

    private static string Status(JsonNode source) => source["status"]!.GetValue<string>();

    private static Uri Relative(string path) => new(path, UriKind.Relative);
}
