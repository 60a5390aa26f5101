using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Vault.Api.Tests.Sources;
using Vault.TestSupport;
using static Vault.Api.Tests.Sources.JsonBodies;

namespace Vault.Api.Tests.Connectors;

/// <summary>
/// Mailbox lists (JSON and CSV) are validated whole before anything is created: every bad line is named
/// (<c>line N</c>, the header is line 1), and then nothing is created. No mail server is needed: the connector points
/// at a server that never answers.
/// </summary>
public sealed class ConnectorMailboxListTests : IAsyncDisposable
{
    private readonly SourceApiFactory _api = new();
    private readonly HttpClient _client;

    // Accepts and never answers: imports wait for their timeout instead of failing (and writing) thousands of times.
    private readonly SilentServer _server = new();

    public ConnectorMailboxListTests() => _client = _api.CreateClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_csv_with_bad_lines_names_every_one_and_creates_nothing()
    {
        var id = await CreateConnectorAsync("perUser");
        var csv = """
            username,email,displayName,password
            alice,alice@example.org,Alice,pw-a
            ,nobody@example.org,,pw-x
            bob,not-an-address,Bob,pw-b
            carol,carol@example.org,"Carol, ""the"" admin",
            alice,alice2@example.org,Alice again,pw-a2
            dave,dave@example.org
            "erin,erin@example.org,Erin,pw-e
            """;

        var response = await PostCsvAsync(id, csv, dryRun: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ReadAsync(response))["errors"]!.AsObject();
        Assert.Equal(["line 3", "line 4", "line 5", "line 6", "line 7", "line 8"], errors.Select(e => e.Key));
        Assert.Contains("username", Messages(errors, "line 3"), StringComparison.Ordinal);
        Assert.Contains("email", Messages(errors, "line 4"), StringComparison.Ordinal);
        Assert.Contains("password", Messages(errors, "line 5"), StringComparison.Ordinal);
        Assert.Contains("twice", Messages(errors, "line 6"), StringComparison.Ordinal);
        Assert.Contains("2 fields", Messages(errors, "line 7"), StringComparison.Ordinal);
        Assert.Contains("quoted field is not closed", Messages(errors, "line 8"), StringComparison.Ordinal);
        Assert.Empty(await MailboxesAsync(id));
        _api.AssertNeverShown("pw-a");
    }

    [Fact]
    public async Task A_header_without_username_or_with_an_unknown_column_is_an_error_on_line_1()
    {
        var id = await CreateConnectorAsync("perUser");

        var noUser = await ReadAsync(await PostCsvAsync(id, "email,password\nalice@example.org,pw\n", dryRun: false));
        Assert.Contains("username", Messages(noUser["errors"]!.AsObject(), "line 1"), StringComparison.Ordinal);

        var unknown = await ReadAsync(await PostCsvAsync(id, "username,pasword\nalice,pw\n", dryRun: false));
        Assert.Contains("pasword", Messages(unknown["errors"]!.AsObject(), "line 1"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dry_run_validates_and_creates_nothing_then_the_same_list_creates_every_mailbox()
    {
        var id = await CreateConnectorAsync("masterUser");
        var csv = "Username,DisplayName\r\nalice,\"Alice, Sales\"\r\nbob,Bob\r\n";

        var dry = await PostCsvAsync(id, csv, dryRun: true);
        Assert.Equal(HttpStatusCode.OK, dry.StatusCode);
        var checkedOnly = await ReadAsync(dry);
        Assert.Equal(2, checkedOnly["valid"]!.GetValue<int>());
        Assert.True(checkedOnly["dryRun"]!.GetValue<bool>());
        Assert.Empty(await MailboxesAsync(id));

        var created = await PostCsvAsync(id, csv, dryRun: false);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var mailboxes = await MailboxesAsync(id);
        Assert.Equal(["alice", "bob"], mailboxes.Select(m => m!["username"]!.GetValue<string>()).Order());
        Assert.Contains(mailboxes, m => m!["name"]!.GetValue<string>() == "Alice, Sales");
        Assert.All(mailboxes, m => Assert.Equal(id, m!["connectorId"]!.GetValue<string>()));

        // A user name the connector already has is an error on its line, not a second mailbox.
        var again = await PostCsvAsync(id, "username\ncarol\nALICE\n", dryRun: false);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("already has", Messages((await ReadAsync(again))["errors"]!.AsObject(), "line 3"), StringComparison.Ordinal);
        Assert.Equal(2, (await MailboxesAsync(id)).Count);
    }

    [Fact]
    public async Task A_master_user_list_with_passwords_and_a_json_list_with_duplicates_name_the_entries()
    {
        var id = await CreateConnectorAsync("masterUser");
        var withPassword = await ReadAsync(await PostCsvAsync(id, "username,password\nalice,secret-pw\n", dryRun: false));
        Assert.Contains("leave the password out", Messages(withPassword["errors"]!.AsObject(), "line 2"), StringComparison.Ordinal);

        var body = new JsonObject { ["mailboxes"] = new JsonArray(new JsonObject { ["username"] = "x" }, new JsonObject { ["username"] = "X" }, new JsonObject { ["username"] = "has space" }) };
        var response = await _client.PostAsync(new Uri($"/api/connectors/{id}/mailboxes", UriKind.Relative), Json(body), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ReadAsync(response))["errors"]!.AsObject();
        Assert.Equal(["mailboxes[1].username", "mailboxes[2].username"], errors.Select(e => e.Key).Order());
        Assert.Empty(await MailboxesAsync(id));
        _api.AssertNeverShown("secret-pw");
    }

    [Fact]
    public async Task Five_thousand_csv_lines_are_validated_and_created_in_one_request()
    {
        var id = await CreateConnectorAsync("masterUser");
        var csv = new StringBuilder("username,email\n");
        for (var i = 0; i < 5000; i++)
        {
            csv.Append("user").Append(i).Append(",user").Append(i).Append("@example.org\n");
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var response = await PostCsvAsync(id, csv.ToString(), dryRun: false);
        TestContext.Current.TestOutputHelper?.WriteLine($"5,000 mailboxes validated and created in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(5000, (await ReadAsync(response))["created"]!.AsArray().Count);
        Assert.Equal(5000, (await ReadAsync(await _client.GetAsync(new Uri($"/api/connectors/{id}", UriKind.Relative), Ct)))["summary"]!["mailboxes"]!.GetValue<int>());
    }

    [Fact]
    public async Task Deleting_a_connector_with_mailboxes_is_a_conflict_until_asked_to_delete_them_too()
    {
        var id = await CreateConnectorAsync("masterUser");
        Assert.Equal(HttpStatusCode.Created, (await PostCsvAsync(id, "username\nalice\n", dryRun: false)).StatusCode);

        var refused = await _client.DeleteAsync(new Uri($"/api/connectors/{id}", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(1, (await ReadAsync(refused))["mailboxes"]!.GetValue<int>());
        Assert.Single(await MailboxesAsync(id));

        var deleted = await _client.DeleteAsync(new Uri($"/api/connectors/{id}?deleteMailboxes=true", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(new Uri($"/api/connectors/{id}", UriKind.Relative), Ct)).StatusCode);
        Assert.Empty((await ReadAsync(await _client.GetAsync(new Uri("/api/sources", UriKind.Relative), Ct))).AsArray());
    }

    [Fact]
    public async Task A_connector_request_names_each_wrong_field()
    {
        var body = new JsonObject
        {
            ["name"] = "",
            ["host"] = "imaps://mail.example.org",
            ["authMode"] = "admin",
            ["maxConnections"] = 0,
            ["masterUserSeparator"] = "ab",
            ["since"] = "last year",
        };
        var response = await _client.PostAsync(new Uri("/api/connectors", UriKind.Relative), Json(body), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ReadAsync(response))["errors"]!.AsObject();
        Assert.Equal(["authMode", "host", "masterUserSeparator", "maxConnections", "name", "since"], errors.Select(e => e.Key).Order());
    }

    private static string Messages(JsonObject errors, string key) =>
        string.Join(" | ", errors[key]?.AsArray().Select(m => m!.GetValue<string>()) ?? throw new Xunit.Sdk.XunitException($"no errors for '{key}' in {errors.ToJsonString()}"));

    private async Task<string> CreateConnectorAsync(string authMode)
    {
        var body = new JsonObject
        {
            ["name"] = $"list {authMode} {Guid.NewGuid():N}",
            ["host"] = "127.0.0.1",
            ["port"] = _server.Port,
            ["timeout"] = "00:05:00",
            ["tls"] = false,
            ["authMode"] = authMode,
            ["syncMode"] = "poll",
        };
        if (authMode == "masterUser")
        {
            body["adminUsername"] = "admin";
            body["adminPassword"] = "admin-pw";
        }

        var response = await _client.PostAsync(new Uri("/api/connectors", UriKind.Relative), Json(body), Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ReadAsync(response))["id"]!.GetValue<string>();
    }

    private async Task<HttpResponseMessage> PostCsvAsync(string connectorId, string csv, bool dryRun)
    {
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");
        return await _client.PostAsync(new Uri($"/api/connectors/{connectorId}/mailboxes/csv{(dryRun ? "?dryRun=true" : "")}", UriKind.Relative), content, Ct);
    }

    private async Task<JsonArray> MailboxesAsync(string connectorId) =>
        (await ReadAsync(await _client.GetAsync(new Uri($"/api/connectors/{connectorId}/mailboxes", UriKind.Relative), Ct))).AsArray();

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        _api.Dispose();
        await _server.DisposeAsync();
    }
}
