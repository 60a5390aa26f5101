using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Vault.Api.Tests.Sources;
using Vault.TestSupport;
using static Vault.Api.Tests.Sources.JsonBodies;

namespace Vault.Api.Tests.Connectors;

/// <summary>
/// Connectors through the real host against the real Dovecot (its master user "master", separator '*', and per-user
/// passwd-files): each auth mode archives several mailboxes exactly as the server serves them.
/// </summary>
public sealed class ConnectorsOverDovecotTests : IDisposable
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private readonly SourceApiFactory _api = new();
    private readonly TestDovecot _dovecot = TestDovecot.Require();
    private readonly HttpClient _client;
    private readonly List<TestUser> _users = [];

    public ConnectorsOverDovecotTests() => _client = _api.CreateClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(null)]
    [InlineData("*")]
    public async Task A_master_user_connector_archives_every_mailbox_exactly(string? separator)
    {
        var users = await UsersAsync("conn-master", 3, sharedPassword: null);
        var connector = Connector("master " + (separator ?? "authzid"), "masterUser");
        connector["adminUsername"] = _dovecot.MasterUser;
        connector["adminPassword"] = _dovecot.MasterPassword;
        connector["masterUserSeparator"] = separator;

        var id = await CreateConnectorAsync(connector);
        await AddAsync(id, users.Select(u => new JsonObject { ["username"] = u.Name, ["email"] = $"{u.Name}@example.org" }));

        await AssertArchivedExactlyAsync(id, users);
        var listed = await GetAsync($"/api/connectors/{id}");
        Assert.Equal(3, listed["summary"]!["active"]!.GetValue<int>());
        Assert.Equal("masterUser", listed["authMode"]!.GetValue<string>());
        Assert.Null(listed["adminPassword"]);
        _api.AssertNeverShown(_dovecot.MasterPassword);
    }

    [Theory]
    [InlineData("masterUser", null)]
    [InlineData("masterUser", "*")]
    [InlineData("magicPassword", null)]
    public async Task A_pop3_connector_archives_every_inbox_exactly(string authMode, string? separator)
    {
        var users = await UsersAsync("conn-pop3", 2, sharedPassword: authMode == "magicPassword" ? "magic-" + Guid.NewGuid().ToString("N") : null);
        var connector = Connector("pop3 " + authMode + (separator ?? string.Empty), authMode);
        connector["protocol"] = "pop3";
        connector["port"] = _dovecot.Pop3Port;
        connector["adminUsername"] = authMode == "masterUser" ? _dovecot.MasterUser : null;
        connector["adminPassword"] = authMode == "masterUser" ? _dovecot.MasterPassword : users[0].Password;
        connector["masterUserSeparator"] = separator;

        var id = await CreateConnectorAsync(connector);
        await AddAsync(id, users.Select(u => new JsonObject { ["username"] = u.Name }));

        var mailboxes = await UntilMailboxesAsync(id, all => all.Count == users.Count && all.All(m => m!["status"]!.GetValue<string>() == "Active"), "every POP3 mailbox Active", Within);
        foreach (var user in users)
        {
            var mailbox = mailboxes.Single(m => m!["username"]!.GetValue<string>() == user.Name)!;
            var archived = (await GetAsync($"/api/messages?sourceId={mailbox["id"]!.GetValue<string>()}&pageSize=200"))["items"]!.AsArray().Select(i => i!["sha256"]!.GetValue<string>()).Order().ToList();
            Assert.Equal((await ServedMail.Pop3Sha256Async(_dovecot, user, Ct)).Distinct().Order().ToList(), archived);
            Assert.NotEmpty(archived);
        }

        _api.AssertNeverShown(_dovecot.MasterPassword);
    }

    [Fact]
    public async Task A_magic_password_connector_logs_in_to_every_mailbox_with_the_one_password()
    {
        var users = await UsersAsync("conn-magic", 3, sharedPassword: "magic-" + Guid.NewGuid().ToString("N"));
        var connector = Connector("magic", "magicPassword");
        connector["adminPassword"] = users[0].Password;

        var id = await CreateConnectorAsync(connector);
        await AddAsync(id, users.Select(u => new JsonObject { ["username"] = u.Name }));

        await AssertArchivedExactlyAsync(id, users);
        _api.AssertNeverShown(users[0].Password);
    }

    [Fact]
    public async Task A_per_user_connector_logs_in_with_each_mailboxs_own_password()
    {
        var users = await UsersAsync("conn-peruser", 3, sharedPassword: null);
        var id = await CreateConnectorAsync(Connector("per user", "perUser"));
        await AddAsync(id, users.Select(u => new JsonObject { ["username"] = u.Name, ["password"] = u.Password, ["displayName"] = "Mailbox " + u.Name }));

        await AssertArchivedExactlyAsync(id, users);
        foreach (var user in users)
        {
            _api.AssertNeverShown(user.Password);
        }
    }

    [Fact]
    public async Task A_wrong_admin_password_puts_every_mailbox_in_error_after_one_login_each_and_retries_none()
    {
        var users = await UsersAsync("conn-wrongpw", 3, sharedPassword: null);
        await using var relay = new LoopbackRelay(IPAddress.Loopback, new IPEndPoint(IPAddress.Parse(_dovecot.Host), _dovecot.ImapPort));
        var connector = Connector("wrong master password", "masterUser");
        connector["port"] = relay.Port;
        connector["adminUsername"] = _dovecot.MasterUser;
        connector["adminPassword"] = _dovecot.MasterPassword + "-wrong";
        // Dovecot delays failed logins (2 s, doubling per address up to 15 s): the timeout must outlast that.
        connector["timeout"] = "00:01:00";

        var id = await CreateConnectorAsync(connector);
        await AddAsync(id, users.Select(u => new JsonObject { ["username"] = u.Name }));

        var mailboxes = await UntilMailboxesAsync(id, all => all.All(m => m!["status"]!.GetValue<string>() == "Error"), "every mailbox fails", TimeSpan.FromSeconds(120));
        Assert.All(mailboxes, m =>
        {
            var error = m!["error"]!;
            Assert.Equal("AuthenticationFailed", error["code"]!.GetValue<string>());
            Assert.Contains("master user", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Null(error["nextRetryAt"]);
            Assert.Contains("AUTHENTICATIONFAILED", error["serverResponse"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        });
        Assert.Equal(users.Count, relay.Connections);
        _api.AssertNeverShown(_dovecot.MasterPassword);
    }

    [Fact]
    public async Task The_connector_test_tells_a_wrong_admin_password_from_a_mailbox_the_server_does_not_know()
    {
        var user = (await UsersAsync("conn-test", 1, sharedPassword: null))[0];
        var body = Connector("test", "masterUser");
        body["adminUsername"] = _dovecot.MasterUser;
        body["adminPassword"] = _dovecot.MasterPassword;
        body["timeout"] = "00:01:00";

        body["testUser"] = user.Name;
        var ok = await TestAsync(body);
        Assert.True(ok["ok"]!.GetValue<bool>(), ok.ToJsonString());
        Assert.Contains(ok["folders"]!.AsArray(), f => f!["name"]!.GetValue<string>() == "INBOX");

        body["testUser"] = "nobody-" + Guid.NewGuid().ToString("N")[..8];
        var unknown = await TestAsync(body);
        Assert.False(unknown["ok"]!.GetValue<bool>());
        Assert.Equal("AuthorizationFailed", unknown["error"]!["code"]!.GetValue<string>());

        body["testUser"] = user.Name;
        body["adminPassword"] = _dovecot.MasterPassword + "-wrong";
        var wrong = await TestAsync(body);
        Assert.False(wrong["ok"]!.GetValue<bool>());
        Assert.Equal("AuthenticationFailed", wrong["error"]!["code"]!.GetValue<string>());
        _api.AssertNeverShown(_dovecot.MasterPassword);
    }

    [Fact]
    public async Task With_one_import_slot_two_mailboxes_never_import_at_once()
    {
        var users = await UsersAsync("conn-oneslot", 2, sharedPassword: null, messages: 30);
        var connector = Connector("one slot", "perUser");
        connector["maxConcurrentImports"] = 1;
        var id = await CreateConnectorAsync(connector);
        var created = await AddAsync(id, users.Select(u => new JsonObject { ["username"] = u.Name, ["password"] = u.Password }));

        await UntilMailboxesAsync(id, all => all.All(m => m!["status"]!.GetValue<string>() == "Active"), "both imported", Within);
        var intervals = new List<(DateTimeOffset Start, DateTimeOffset End)>();
        foreach (var mailbox in created)
        {
            var events = (await GetAsync($"/api/sources/{mailbox}/events")).AsArray();
            DateTimeOffset At(string kind) => events.Where(e => e!["kind"]!.GetValue<string>() == kind).Select(e => e!["at"]!.GetValue<DateTimeOffset>()).Single();
            intervals.Add((At("import-started"), At("import-finished")));
        }

        intervals.Sort();
        Assert.True(intervals[0].End <= intervals[1].Start, $"imports overlapped: {intervals[0]} and {intervals[1]}");
    }

    private async Task AssertArchivedExactlyAsync(string connectorId, IReadOnlyList<TestUser> users)
    {
        var mailboxes = await UntilMailboxesAsync(connectorId, all => all.Count == users.Count && all.All(m => m!["status"]!.GetValue<string>() == "Active"), "every mailbox Active", Within);
        foreach (var user in users)
        {
            var mailbox = mailboxes.Single(m => m!["username"]!.GetValue<string>() == user.Name)!;
            Assert.Equal(connectorId, mailbox["connectorId"]!.GetValue<string>());
            var id = mailbox["id"]!.GetValue<string>();
            var archived = (await GetAsync($"/api/messages?sourceId={id}&pageSize=200"))["items"]!.AsArray().Select(i => i!["sha256"]!.GetValue<string>()).Order().ToList();
            Assert.Equal((await ServedMail.Sha256Async(_dovecot, user, Ct)).Distinct().Order().ToList(), archived);
            Assert.NotEmpty(archived);
        }
    }

    private async Task<List<TestUser>> UsersAsync(string prefix, int count, string? sharedPassword, int messages = 3)
    {
        var users = new List<TestUser>();
        for (var i = 0; i < count; i++)
        {
            var user = sharedPassword is null ? _dovecot.CreateUser(prefix) : _dovecot.CreateUser(prefix, sharedPassword);
            _users.Add(user);
            users.Add(user);
            for (var n = 1; n <= messages; n++)
            {
                var folder = n % 3 == 0 ? "Archive" : "INBOX";
                await _dovecot.AppendAsync(user, folder, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                    $"From: Alice <alice@example.org>\r\nTo: {user.Name}@example.org\r\nSubject: {prefix} {n}\r\nMessage-ID: <{user.Name}.{n}@example.org>\r\nDate: Wed, 01 Mar 2023 10:00:00 +0000\r\n\r\nBody {n} for {user.Name}.\r\n")), Ct);
            }
        }

        return users;
    }

    private JsonObject Connector(string name, string authMode) => new()
    {
        ["name"] = name + " " + Guid.NewGuid().ToString("N")[..6],
        ["host"] = _dovecot.Host,
        ["port"] = _dovecot.ImapPort,
        ["tls"] = false,
        ["authMode"] = authMode,
        ["timeout"] = "00:00:30",
    };

    private async Task<string> CreateConnectorAsync(JsonObject body)
    {
        var response = await _client.PostAsync(new Uri("/api/connectors", UriKind.Relative), Json(body), Ct);
        var json = await ReadAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, json.ToJsonString());
        return json["id"]!.GetValue<string>();
    }

    private async Task<List<string>> AddAsync(string connectorId, IEnumerable<JsonObject> mailboxes)
    {
        var response = await _client.PostAsync(new Uri($"/api/connectors/{connectorId}/mailboxes", UriKind.Relative), Json(new JsonObject { ["mailboxes"] = new JsonArray([.. mailboxes]) }), Ct);
        var json = await ReadAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, json.ToJsonString());
        return json["created"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).ToList();
    }

    private async Task<JsonNode> TestAsync(JsonObject body)
    {
        var response = await _client.PostAsync(new Uri("/api/connectors/test", UriKind.Relative), Json(body), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadAsync(response);
    }

    private async Task<JsonArray> UntilMailboxesAsync(string connectorId, Func<JsonArray, bool> condition, string what, TimeSpan within)
    {
        JsonArray mailboxes = [];
        await Deadline.UntilAsync(
            async () =>
            {
                mailboxes = (await GetAsync($"/api/connectors/{connectorId}/mailboxes")).AsArray();
                return condition(mailboxes);
            },
            within,
            () => $"{what} (last seen: {mailboxes.ToJsonString()})",
            Ct);
        return mailboxes;
    }

    private async Task<JsonNode> GetAsync(string path)
    {
        var response = await _client.GetAsync(new Uri(path, UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadAsync(response);
    }

    public void Dispose()
    {
        _client.Dispose();
        _api.Dispose();
        foreach (var user in _users)
        {
            _dovecot.DeleteUser(user);
        }
    }
}
