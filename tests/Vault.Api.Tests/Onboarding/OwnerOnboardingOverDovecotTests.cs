using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Vault.TestSupport;
using static Vault.Api.Tests.Sources.JsonBodies;

namespace Vault.Api.Tests.Onboarding;

/// <summary>
/// A mailbox owner's link against the real test Dovecot: the login is tried with the connector's settings, the
/// mailbox is created once and archived, its password kept encrypted, and the link then shows only that mailbox.
/// </summary>
public sealed class OwnerOnboardingOverDovecotTests : IDisposable
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private readonly OnboardingHost _host = new();
    private readonly TestDovecot _dovecot = TestDovecot.Require();
    private readonly List<TestUser> _users = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_owner_tests_then_saves_once_and_the_link_then_shows_only_that_mailbox()
    {
        var user = await UserWithMailAsync("onboard-owner", 3);
        var connector = await _host.CreateConnectorAsync(_dovecot.Host, _dovecot.ImapPort);
        var created = await _host.InviteAsync(connector, $"{user.Name}@example.org", "other@example.org");
        var token = OnboardingHost.TokenOf(created[0]!);

        // The address is the default user name; the server knows the user by its bare name, so this login fails.
        var wrong = await ReadAsync(await _host.OwnerPostAsync(token, "test", $"{user.Name}@example.org", user.Password));
        Assert.False(wrong["ok"]!.GetValue<bool>());
        Assert.Equal("AuthenticationFailed", wrong["code"]!.GetValue<string>());

        var refused = await _host.OwnerPostAsync(token, "save", user.Name, "not-the-password");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("AuthenticationFailed", (await ReadAsync(refused))["code"]!.GetValue<string>());
        Assert.Empty(await MailboxesAsync(connector));
        Assert.Equal("Pending", (await _host.ListedAsync(connector, $"{user.Name}@example.org"))["status"]!.GetValue<string>());

        var test = await ReadAsync(await _host.OwnerPostAsync(token, "test", user.Name, user.Password));
        Assert.True(test["ok"]!.GetValue<bool>(), test.ToJsonString());
        Assert.True(test["folders"]!.GetValue<int>() >= 2, test.ToJsonString());
        Assert.Empty(await MailboxesAsync(connector));

        var saved = await _host.OwnerPostAsync(token, "save", user.Name, user.Password);
        Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
        var mailbox = await ReadAsync(saved);
        Assert.Equal(user.Name, mailbox["username"]!.GetValue<string>());
        Assert.Contains(mailbox["status"]!.GetValue<string>(), new[] { "Importing", "Active" });

        // One mailbox under the connector, with the invited address and the server settings of the connector.
        var source = Assert.Single(await MailboxesAsync(connector))!;
        Assert.Equal(user.Name, source["username"]!.GetValue<string>());
        Assert.Equal(_dovecot.ImapPort, source["port"]!.GetValue<int>());
        var invitation = await _host.ListedAsync(connector, $"{user.Name}@example.org");
        Assert.Equal("Used", invitation["status"]!.GetValue<string>());
        Assert.Equal(source["id"]!.GetValue<string>(), invitation["mailbox"]!["id"]!.GetValue<string>());

        // A second save, even with other credentials, creates nothing.
        var again = await _host.OwnerPostAsync(token, "save", user.Name, user.Password);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await _host.OwnerPostAsync(token, "test", user.Name, user.Password)).StatusCode);
        Assert.Single(await MailboxesAsync(connector));
        Assert.Equal(HttpStatusCode.Conflict, (await _host.Admin.DeleteAsync(new Uri($"/api/invitations/{invitation["id"]}", UriKind.Relative), Ct)).StatusCode);

        // The link now shows that mailbox's status and progress, and nothing else of the archive.
        JsonNode status = new JsonObject();
        await Deadline.UntilAsync(async () =>
        {
            status = await ReadAsync(await _host.Owner.GetAsync(new Uri($"/onboard/{token}/api/invitation", UriKind.Relative), Ct));
            return status["mailbox"]?["status"]?.GetValue<string>() == "Active";
        }, Within, () => $"the link shows the mailbox Active: {status.ToJsonString()}", Ct);
        Assert.Equal("Used", status["status"]!.GetValue<string>());
        Assert.Equal(3, status["mailbox"]!["messagesArchived"]!.GetValue<long>());
        Assert.Equal(3, status["mailbox"]!["messagesOnServer"]!.GetValue<long>());
        var shown = status.ToJsonString();
        Assert.DoesNotContain("Subject", shown, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onboard-owner 1", shown, StringComparison.Ordinal);
        Assert.DoesNotContain(source["id"]!.GetValue<string>(), shown, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _host.Owner.GetAsync(new Uri($"/onboard/{token}", UriKind.Relative), Ct)).StatusCode);

        // The password: encrypted at rest, never in a log line or an answer; the token only in the create answer.
        _host.AssertNotOnDisk(user.Password);
        _host.AssertNotOnDisk(token);
        _host.AssertShownOnlyIn(user.Password, _ => false);
        _host.AssertShownOnlyIn(token, request => request == $"POST /api/connectors/{connector}/invitations");
    }

    [Fact]
    public async Task Two_saves_through_one_link_at_once_create_one_mailbox()
    {
        var user = await UserWithMailAsync("onboard-race", 1);
        var connector = await _host.CreateConnectorAsync(_dovecot.Host, _dovecot.ImapPort);
        var token = OnboardingHost.TokenOf((await _host.InviteAsync(connector, $"{user.Name}@example.org"))[0]!);

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _host.OwnerPostAsync(token, "save", user.Name, user.Password)));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        Assert.Single(await MailboxesAsync(connector));
    }

    [Fact]
    public async Task A_user_name_the_connector_already_archives_is_refused_and_the_link_stays_usable()
    {
        var user = await UserWithMailAsync("onboard-taken", 1);
        var connector = await _host.CreateConnectorAsync(_dovecot.Host, _dovecot.ImapPort);
        var token = OnboardingHost.TokenOf((await _host.InviteAsync(connector, "someone@example.org"))[0]!);
        var added = await _host.Admin.PostAsync(
            new Uri($"/api/connectors/{connector}/mailboxes", UriKind.Relative),
            Json(new JsonObject { ["mailboxes"] = new JsonArray(new JsonObject { ["username"] = user.Name, ["password"] = user.Password }) }),
            Ct);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);

        var refused = await _host.OwnerPostAsync(token, "save", user.Name, user.Password);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains(user.Name, (await ReadAsync(refused))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(await MailboxesAsync(connector));
        Assert.Equal("Pending", (await _host.ListAsync(connector))[0]["status"]!.GetValue<string>());
    }

    public void Dispose()
    {
        _host.Dispose();
        foreach (var user in _users)
        {
            _dovecot.DeleteUser(user);
        }
    }

    private async Task<TestUser> UserWithMailAsync(string prefix, int messages)
    {
        var user = _dovecot.CreateUser(prefix);
        _users.Add(user);
        for (var n = 1; n <= messages; n++)
        {
            var folder = n == 3 ? "Archive" : "INBOX";
            await _dovecot.AppendAsync(user, folder, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $"From: Alice <alice@example.org>\r\nTo: {user.Name}@example.org\r\nSubject: {prefix} {n}\r\nMessage-ID: <{user.Name}.{n}@example.org>\r\nDate: Wed, 01 Mar 2023 10:00:00 +0000\r\n\r\nBody {n}.\r\n")), Ct);
        }

        return user;
    }

    private async Task<JsonArray> MailboxesAsync(string connectorId) =>
        (await ReadAsync(await _host.Admin.GetAsync(new Uri($"/api/connectors/{connectorId}/mailboxes", UriKind.Relative), Ct))).AsArray();
}
