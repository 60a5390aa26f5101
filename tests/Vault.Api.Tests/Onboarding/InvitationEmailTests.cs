using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using MimeKit;
using Vault.TestSupport;
using static Vault.Api.Tests.Sources.JsonBodies;

namespace Vault.Api.Tests.Onboarding;

/// <summary>
/// Invitations by email through MailKit's SmtpClient to a real SMTP server on loopback (the SmtpServer package): the
/// message carries the link and the link works; a refused or failed send is recorded and never loses the invitation.
/// </summary>
public sealed partial class InvitationEmailTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_invitation_is_emailed_with_its_link_and_the_link_in_the_mail_opens_the_owners_page()
    {
        var dovecot = TestDovecot.Require();
        await using var smtp = await LoopbackSmtpServer.StartAsync(Ct);
        using var host = new OnboardingHost(SmtpSettings(smtp.Port));
        var user = dovecot.CreateUser("onboard-mail");
        try
        {
            var connector = await host.CreateConnectorAsync(dovecot.Host, dovecot.ImapPort);
            var created = await host.InviteAsync(connector, $"{user.Name}@example.org", "bob@example.org");

            Assert.All(created, i => Assert.NotNull(i!["sentAt"]));
            Assert.All(created, i => Assert.Null(i!["sendError"]));
            Assert.Equal(2, smtp.Messages.Count);
            var message = smtp.Messages.Single(m => m.To.Mailboxes.Single().Address == $"{user.Name}@example.org");
            Assert.Equal("archive@example.org", message.From.Mailboxes.Single().Address);
            Assert.Contains("Example Ltd", message.Subject, StringComparison.Ordinal);
            Assert.Contains("Staff mail", message.Subject, StringComparison.Ordinal);
            Assert.NotNull(message.TextBody);
            Assert.NotNull(message.HtmlBody);
            var expiry = created[0]!["expiresAt"]!.GetValue<DateTimeOffset>().UtcDateTime.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
            Assert.Contains(expiry, message.TextBody, StringComparison.Ordinal);

            // The link in the mail is the one the create answer gave, in both parts, and it works.
            var url = created.Single(i => i!["email"]!.GetValue<string>() == $"{user.Name}@example.org")!["url"]!.GetValue<string>();
            var inText = Link().Matches(message.TextBody).Select(m => m.Value).Distinct().Single();
            Assert.Equal(url, inText);
            Assert.Contains($"href=\"{url}\"", message.HtmlBody, StringComparison.Ordinal);
            var token = inText[(inText.LastIndexOf('/') + 1)..];
            Assert.Equal(HttpStatusCode.OK, (await host.Owner.GetAsync(new Uri($"/onboard/{token}", UriKind.Relative), Ct)).StatusCode);
            var saved = await host.OwnerPostAsync(token, "save", user.Name, user.Password);
            Assert.Equal(HttpStatusCode.Created, saved.StatusCode);

            Assert.All(await host.ListAsync(connector), i => Assert.NotNull(i["sentAt"]));
            Assert.Equal(
                new Dictionary<string, string> { [$"{user.Name}@example.org"] = "Used", ["bob@example.org"] = "Pending" },
                await host.StatusesAsync(connector));
            host.AssertShownOnlyIn(token, request => request == $"POST /api/connectors/{connector}/invitations");
        }
        finally
        {
            dovecot.DeleteUser(user);
        }
    }

    [Fact]
    public async Task A_refused_recipient_is_recorded_on_its_invitation_and_a_resend_mails_a_new_link_that_replaces_the_old()
    {
        await using var smtp = await LoopbackSmtpServer.StartAsync(Ct);
        using var host = new OnboardingHost(SmtpSettings(smtp.Port));
        var connector = await host.CreateConnectorAsync();

        var created = await host.InviteAsync(connector, "refused@example.org", "alice@example.org");

        Assert.Contains("550", created[0]!["sendError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(created[0]!["sentAt"]);
        Assert.NotNull(created[1]!["sentAt"]);
        Assert.Equal("alice@example.org", Assert.Single(smtp.Messages).To.Mailboxes.Single().Address);
        Assert.All(await host.ListAsync(connector), i => Assert.Equal("Pending", i["status"]!.GetValue<string>()));
        Assert.NotNull((await host.ListedAsync(connector, "refused@example.org"))["sendError"]);
        Assert.Null((await host.ListedAsync(connector, "alice@example.org"))["sendError"]);

        // Resend: a new token by email; the old link stops working, the new one opens the page.
        var old = OnboardingHost.TokenOf(created[1]!);
        var resent = await host.Admin.PostAsync(new Uri($"/api/invitations/{created[1]!["id"]}/resend", UriKind.Relative), null, Ct);
        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        var body = await ReadAsync(resent);
        Assert.Null(body["url"]);
        Assert.Equal(2, smtp.Messages.Count);
        var fresh = Link().Match(smtp.Messages.Last().TextBody ?? string.Empty).Value;
        var token = fresh[(fresh.LastIndexOf('/') + 1)..];
        Assert.NotEqual(old, token);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Owner.GetAsync(new Uri($"/onboard/{old}", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Owner.GetAsync(new Uri($"/onboard/{token}", UriKind.Relative), Ct)).StatusCode);
        host.AssertShownOnlyIn(token, _ => false);
    }

    [Fact]
    public async Task An_unreachable_smtp_server_still_creates_the_invitations_each_marked_with_why()
    {
        using var host = new OnboardingHost(SmtpSettings(LoopbackSmtpServer.FreePort()));
        var connector = await host.CreateConnectorAsync();

        var created = await host.InviteAsync(connector, "alice@example.org", "bob@example.org");

        Assert.All(created, i => Assert.Contains("Could not reach the SMTP server", i!["sendError"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.All(await host.ListAsync(connector), i => Assert.NotNull(i["sendError"]));
        var token = OnboardingHost.TokenOf(created[0]!);
        Assert.Equal(HttpStatusCode.OK, (await host.Owner.GetAsync(new Uri($"/onboard/{token}", UriKind.Relative), Ct)).StatusCode);
    }

    [Fact]
    public async Task Without_smtp_nothing_is_sent_the_settings_say_so_and_resend_is_a_conflict()
    {
        using var host = new OnboardingHost();
        var connector = await host.CreateConnectorAsync();

        var created = await host.InviteAsync(connector, "alice@example.org");
        var settings = await ReadAsync(await host.Admin.GetAsync(new Uri("/api/invitations/settings", UriKind.Relative), Ct));

        Assert.False(settings["sendsEmail"]!.GetValue<bool>());
        Assert.Equal(OnboardingHost.PublicUrl, settings["publicUrl"]!.GetValue<string>());
        Assert.Null(created[0]!["sentAt"]);
        Assert.Null(created[0]!["sendError"]);
        var resend = await host.Admin.PostAsync(new Uri($"/api/invitations/{created[0]!["id"]}/resend", UriKind.Relative), null, Ct);
        Assert.Equal(HttpStatusCode.Conflict, resend.StatusCode);
        Assert.Contains("SMTP", (await ReadAsync(resend))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static Dictionary<string, string> SmtpSettings(int port) => new()
    {
        ["Vault:Smtp:Host"] = "127.0.0.1",
        ["Vault:Smtp:Port"] = port.ToString(CultureInfo.InvariantCulture),
        ["Vault:Smtp:Tls"] = "false",
        ["Vault:Smtp:From"] = "Archive <archive@example.org>",
        ["Vault:Smtp:Timeout"] = "00:00:10",
    };

    [GeneratedRegex(@"https://archive\.example\.org/vault/onboard/[A-Za-z0-9_-]{43}")]
    private static partial Regex Link();
}
