using System.Net;
using System.Text.Json.Nodes;
using Vault.Api.Tests.Sources;
using Vault.TestSupport;
using static Vault.Api.Tests.Sources.JsonBodies;

namespace Vault.Api.Tests.Restore;

/// <summary><c>POST /api/sources/{id}/restore</c> and <c>/api/restores</c> through the real host, its Quartz job and a real Dovecot.</summary>
public sealed class RestoreEndpointTests : IDisposable
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(90);
    private readonly SourceApiFactory _factory = new();
    private readonly HttpClient _client;

    public RestoreEndpointTests() => _client = _factory.CreateClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    [Fact]
    public async Task A_source_restored_over_http_lands_exact_in_another_mailbox_and_a_query_restores_only_its_matches()
    {
        var dovecot = TestDovecot.Require();
        var owner = dovecot.CreateUser("api-restore");
        var corpus = await TestDovecot.RunGeneratorAsync(150, 23, Ct);
        await dovecot.FillFromMaildirAsync(owner, corpus.Maildir, Ct);
        var sourceId = await ArchivedSourceAsync(dovecot, owner);
        var target = dovecot.CreateUser("api-restore-to");

        var started = await _client.PostAsync(new Uri($"/api/sources/{sourceId}/restore", UriKind.Relative), Json(Target(dovecot, target)), Ct);

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var accepted = await ReadAsync(started);
        var restoreId = accepted["id"]!.GetValue<string>();
        Assert.Equal($"/api/restores/{restoreId}", started.Headers.Location!.OriginalString);
        Assert.Equal("Running", accepted["status"]!.GetValue<string>());
        Assert.Null(accepted["target"]!["password"]);
        var done = await FinishedAsync(restoreId);
        Assert.Equal("Completed", done["status"]!.GetValue<string>());
        var source = await MailboxSnapshot.ReadAsync(dovecot, owner, Ct);
        Assert.Equal(source, await MailboxSnapshot.ReadAsync(dovecot, target, Ct));
        var count = MailboxSnapshot.Count(source);
        Assert.Equal((count, count, 0L), (done["messagesTotal"]!.GetValue<long>(), done["messagesRestored"]!.GetValue<long>(), done["messagesSkipped"]!.GetValue<long>()));
        Assert.Null(done["error"]);
        Assert.Equal(done["foldersTotal"]!.GetValue<int>(), done["foldersDone"]!.GetValue<int>());
        Assert.True(done["bytesRestored"]!.GetValue<long>() > 0);
        var listed = (await ReadAsync(await _client.GetAsync(new Uri($"/api/restores?sourceId={sourceId}", UriKind.Relative), Ct))).AsArray();
        Assert.Equal(restoreId, Assert.Single(listed)!["id"]!.GetValue<string>());

        // Only what a query matches, under a prefix: INBOX's messages (some of them are in other folders too, and go there).
        var picked = dovecot.CreateUser("api-restore-picked");
        var body = Target(dovecot, picked);
        body["query"] = "folder:INBOX";
        body["folderPrefix"] = "Picked";
        var second = await ReadAsync(await _client.PostAsync(new Uri($"/api/sources/{sourceId}/restore", UriKind.Relative), Json(body), Ct));
        var selected = await FinishedAsync(second["id"]!.GetValue<string>());
        Assert.Equal("Completed", selected["status"]!.GetValue<string>());
        Assert.Equal("folder:INBOX", selected["query"]!.GetValue<string>());
        var restored = await MailboxSnapshot.ReadAsync(dovecot, picked, Ct);
        Assert.Equal(source["INBOX"], restored["Picked/INBOX"]);
        Assert.All(restored, folder => Assert.Subset(source[folder.Key["Picked/".Length..]].ToHashSet(), folder.Value.ToHashSet()));
        Assert.True(MailboxSnapshot.Count(restored) < count, "messages outside INBOX only were left out");
        Assert.Equal(MailboxSnapshot.Count(restored), selected["messagesRestored"]!.GetValue<long>());

        _factory.AssertNeverShown(target.Password);
        _factory.AssertNeverShown(picked.Password);
    }

    [Fact]
    public async Task A_wrong_password_fails_the_restore_with_a_plain_explanation_and_a_hint_and_resume_tries_again()
    {
        var dovecot = TestDovecot.Require();
        var owner = dovecot.CreateUser("api-restore-auth");
        await dovecot.AppendAsync(owner, "INBOX", "From: a@example.org\r\nSubject: one\r\nMessage-ID: <one@x>\r\n\r\nHello.\r\n"u8.ToArray(), Ct);
        var sourceId = await ArchivedSourceAsync(dovecot, owner);
        var target = dovecot.CreateUser("api-restore-auth-to");
        var body = Target(dovecot, target);
        body["password"] = "wrong-restore-password";

        var restoreId = (await ReadAsync(await _client.PostAsync(new Uri($"/api/sources/{sourceId}/restore", UriKind.Relative), Json(body), Ct)))["id"]!.GetValue<string>();
        var failed = await FinishedAsync(restoreId);

        Assert.Equal("Failed", failed["status"]!.GetValue<string>());
        var error = failed["error"]!;
        Assert.Equal("AuthenticationFailed", error["code"]!.GetValue<string>());
        Assert.Equal("The server rejected the username or password.", error["message"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(error["hint"]!.GetValue<string>()));
        Assert.Null(error["nextRetryAt"]?.GetValue<string>());
        Assert.NotNull(failed["finishedAt"]?.GetValue<string>());

        var resumed = await _client.PostAsync(new Uri($"/api/restores/{restoreId}/resume", UriKind.Relative), null, Ct);
        Assert.Equal(HttpStatusCode.Accepted, resumed.StatusCode);
        Assert.Equal("Running", (await ReadAsync(resumed))["status"]!.GetValue<string>());
        Assert.Equal("Failed", (await FinishedAsync(restoreId))["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.PostAsync(new Uri("/api/restores/nope/resume", UriKind.Relative), null, Ct)).StatusCode);
        _factory.AssertNeverShown("wrong-restore-password");
    }

    [Fact]
    public async Task A_restore_into_a_master_user_connectors_mailbox_needs_no_password_of_its_own()
    {
        var dovecot = TestDovecot.Require();
        var owner = dovecot.CreateUser("api-restore-conn");
        await dovecot.AppendAsync(owner, "INBOX", "From: a@example.org\r\nSubject: one\r\nMessage-ID: <c1@x>\r\n\r\nHello.\r\n"u8.ToArray(), Ct);
        await dovecot.AppendAsync(owner, "Projects/2024", "From: b@example.org\r\nSubject: two\r\nMessage-ID: <c2@x>\r\n\r\nHi.\r\n"u8.ToArray(), Ct);
        var sourceId = await ArchivedSourceAsync(dovecot, owner);
        var target = dovecot.CreateUser("api-restore-conn-to");
        var connector = await _client.PostAsync(new Uri("/api/connectors", UriKind.Relative), Json(new JsonObject
        {
            ["name"] = "restore target server",
            ["host"] = dovecot.Host,
            ["port"] = dovecot.ImapPort,
            ["tls"] = false,
            ["authMode"] = "masterUser",
            ["adminUsername"] = dovecot.MasterUser,
            ["adminPassword"] = dovecot.MasterPassword,
        }), Ct);
        Assert.Equal(HttpStatusCode.Created, connector.StatusCode);
        var connectorId = (await ReadAsync(connector))["id"]!.GetValue<string>();

        var started = await _client.PostAsync(new Uri($"/api/sources/{sourceId}/restore", UriKind.Relative),
            Json(new JsonObject { ["connectorId"] = connectorId, ["username"] = target.Name }), Ct);

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var accepted = await ReadAsync(started);
        Assert.Equal((connectorId, dovecot.ImapPort), (accepted["target"]!["connectorId"]!.GetValue<string>(), accepted["target"]!["port"]!.GetValue<int>()));
        var done = await FinishedAsync(accepted["id"]!.GetValue<string>());
        Assert.Equal("Completed", done["status"]!.GetValue<string>());
        var source = await MailboxSnapshot.ReadAsync(dovecot, owner, Ct);
        Assert.Equal(["INBOX", "Projects/2024"], source.Keys);
        Assert.Equal(source, await MailboxSnapshot.ReadAsync(dovecot, target, Ct));
        _factory.AssertNeverShown(dovecot.MasterPassword);
    }

    [Fact]
    public async Task Bad_requests_are_400s_naming_each_field_and_unknown_ids_404s()
    {
        var created = await _client.PostAsync(new Uri("/api/sources", UriKind.Relative), Json(new JsonObject
        {
            ["name"] = "unreachable",
            ["host"] = "127.0.0.1",
            ["port"] = 1,
            ["tls"] = false,
            ["username"] = "u",
            ["password"] = "p",
        }), Ct);
        var sourceId = (await ReadAsync(created))["id"]!.GetValue<string>();
        var restore = new Uri($"/api/sources/{sourceId}/restore", UriKind.Relative);

        var empty = await ErrorsAsync(await _client.PostAsync(restore, Json(new JsonObject()), Ct));
        Assert.Equal(["host", "password", "username"], empty.Select(e => e.Key).Order(StringComparer.Ordinal));

        var wrong = await ErrorsAsync(await _client.PostAsync(restore, Json(new JsonObject
        {
            ["host"] = "imaps://mail.example.org",
            ["port"] = 70000,
            ["tlsMode"] = "ssl",
            ["username"] = "u",
            ["password"] = "p",
            ["timeout"] = "forever",
            ["folderPrefix"] = "a//b",
            ["folders"] = new JsonArray("Nope"),
            ["connectorId"] = "no-such-connector",
        }), Ct));
        Assert.Equal(["connectorId", "folderPrefix", "folders", "host", "port", "timeout", "tlsMode"], wrong.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Contains("'Nope'", wrong["folders"][0], StringComparison.Ordinal);

        var query = await _client.PostAsync(restore, Json(new JsonObject { ["host"] = "h", ["username"] = "u", ["password"] = "p", ["query"] = "subject:(unclosed" }), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, query.StatusCode);
        var problem = await ReadAsync(query);
        Assert.NotNull(problem["errors"]!["query"]);
        Assert.True(problem["position"]!.GetValue<int>() >= 0);

        var typed = await _client.PostAsync(restore, new StringContent("""{"host":"h","username":"u","password":"p","tls":"yes"}""", System.Text.Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(["tls"], (await ErrorsAsync(typed)).Keys);

        Assert.Equal(HttpStatusCode.NotFound, (await _client.PostAsync(new Uri("/api/sources/nope/restore", UriKind.Relative), Json(new JsonObject { ["host"] = "h", ["username"] = "u", ["password"] = "p" }), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(new Uri("/api/restores/nope", UriKind.Relative), Ct)).StatusCode);
        Assert.Empty((await ReadAsync(await _client.GetAsync(new Uri("/api/restores", UriKind.Relative), Ct))).AsArray());
    }

    internal static JsonObject Target(TestDovecot dovecot, TestUser user) => new()
    {
        ["host"] = dovecot.Host,
        ["port"] = dovecot.ImapPort,
        ["tls"] = false,
        ["username"] = user.Name,
        ["password"] = user.Password,
    };

    private Task<string> ArchivedSourceAsync(TestDovecot dovecot, TestUser owner) => ArchivedSourceAsync(_client, dovecot, owner);

    private Task<JsonNode> FinishedAsync(string restoreId) => FinishedAsync(_client, restoreId);

    /// <summary>Creates the source and waits until it is Active with every message searchable.</summary>
    internal static async Task<string> ArchivedSourceAsync(HttpClient client, TestDovecot dovecot, TestUser owner)
    {
        var body = Target(dovecot, owner);
        body["name"] = owner.Name;
        var created = await client.PostAsync(new Uri("/api/sources", UriKind.Relative), Json(body), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await ReadAsync(created))["id"]!.GetValue<string>();
        JsonNode source = new JsonObject();
        await Deadline.UntilAsync(async () =>
        {
            source = await ReadAsync(await client.GetAsync(new Uri($"/api/sources/{id}", UriKind.Relative), Ct));
            var progress = source["progress"]!;
            return source["status"]!.GetValue<string>() == "Active"
                && progress["messagesIndexed"]!.GetValue<long>() == progress["messagesArchived"]!.GetValue<long>();
        }, Within, () => $"the source is archived and indexed: {source.ToJsonString()}", Ct);
        return id;
    }

    internal static async Task<JsonNode> FinishedAsync(HttpClient client, string restoreId)
    {
        JsonNode restore = new JsonObject();
        await Deadline.UntilAsync(async () =>
        {
            restore = await ReadAsync(await client.GetAsync(new Uri($"/api/restores/{restoreId}", UriKind.Relative), Ct));
            return restore["status"]!.GetValue<string>() != "Running";
        }, Within, () => $"the restore ends: {restore.ToJsonString()}", Ct);
        return restore;
    }

    private static async Task<Dictionary<string, string[]>> ErrorsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var errors = (await ReadAsync(response))["errors"]!.AsObject();
        return errors.ToDictionary(e => e.Key, e => e.Value!.AsArray().Select(m => m!.GetValue<string>()).ToArray());
    }
}
