using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Vault.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Vault.Dashboard.Tests.EndToEnd;

/// <summary>
/// Self-service links in Chromium against the test Dovecot: the administrator invites from the connector page (no SMTP:
/// the links are shown to copy), the owner of a gmail.com address opens the link, sees Gmail's App Password steps,
/// tests, saves and watches the import; reopened, the link shows that mailbox's status only.
/// </summary>
public sealed class OnboardingDashboardTests : IDisposable
{
    private static readonly TimeSpan ImportDeadline = TimeSpan.FromSeconds(60);
    private readonly DashboardHost _host = new();

    [Fact]
    public async Task An_owner_connects_their_mailbox_through_the_link_and_the_admin_sees_it_used()
    {
        var dovecot = TestDovecot.Require();
        var ct = TestContext.Current.CancellationToken;
        var user = dovecot.CreateUser("dash-onboard");
        for (var i = 1; i <= 3; i++)
        {
            await dovecot.AppendAsync(user, "INBOX", MailFixture.Message($"Owner message {i}", $"Body {i}"), ct);
        }

        var connectorId = await CreatePerUserConnectorAsync(dovecot, "Staff mailboxes", ct);
        var gmail = $"{user.Name}@gmail.com";
        await using var browser = await BrowserSession.StartAsync();
        var admin = browser.Page;
        await admin.GotoAsync($"{_host.Origin}/#key={_host.ApiKey}");
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Overview", Exact = true })).ToBeVisibleAsync();
        await admin.GotoAsync($"{_host.Origin}/#/connectors/{connectorId}");
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Invite mailbox owners" })).ToBeVisibleAsync();
        await Expect(admin.Locator("#invite-delivery")).ToContainTextAsync("no SMTP server configured");
        await Expect(admin.Locator("#no-invitations")).ToBeVisibleAsync();

        // A bad address: the error names it by position and nothing is created.
        var addresses = admin.GetByLabel("Email addresses (one per line)");
        await addresses.FillAsync($"{gmail}\nnot an address\n");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create invitations" }).ClickAsync();
        var errors = admin.Locator("#invite-errors");
        await Expect(errors).ToContainTextAsync("No invitation was created");
        await Expect(errors.Locator(".line-number")).ToHaveTextAsync("Address 2");
        await Expect(errors.Locator(".line-text")).ToHaveTextAsync("not an address");
        await Expect(errors.Locator(".line-messages")).ToContainTextAsync("is not an email address");
        Assert.Empty(await _host.Api.GetFromJsonAsync<JsonElement[]>($"/api/connectors/{connectorId}/invitations", ct) ?? []);
        await browser.ScreenshotAsync("onboarding-admin-invite-error");

        // Fixed: two invitations; without SMTP the page shows their links once, to copy.
        await addresses.FillAsync($"{gmail}\nsecond@example.org\n");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create invitations" }).ClickAsync();
        await Expect(admin.Locator("#invite-ok")).ToContainTextAsync("Created 2 invitations");
        var link = await admin.GetByLabel($"Link for {gmail}").InputValueAsync();
        var secondLink = await admin.GetByLabel("Link for second@example.org").InputValueAsync();
        Assert.StartsWith($"{_host.Origin}/onboard/", link, StringComparison.Ordinal);
        var rows = admin.Locator(".invitation-table tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Filter(new() { HasText = gmail }).Locator(".badge").First).ToHaveTextAsync("Pending");
        await browser.ScreenshotAsync("onboarding-admin-links");

        // The owner, in a tab of their own (no API key in it): greeted, Gmail's App Password steps, the address prefilled.
        var owner = await browser.Context.NewPageAsync();
        var ownerRequests = new List<string>();
        owner.Request += (_, request) => ownerRequests.Add(request.Url);
        await owner.GotoAsync(link);
        await Expect(owner.GetByRole(AriaRole.Heading, new() { Name = "Connect your mailbox" })).ToBeVisibleAsync();
        await Expect(owner.Locator("#greeting")).ToContainTextAsync(gmail);
        await Expect(owner.Locator("#connector-name")).ToHaveTextAsync("Staff mailboxes");
        await Expect(owner.Locator("#server")).ToContainTextAsync($"{dovecot.Host}:{dovecot.ImapPort}");
        await Expect(owner.Locator("#provider-title")).ToHaveTextAsync("Gmail / Google Workspace: use an App Password");
        await Expect(owner.Locator("#provider-steps")).ToContainTextAsync("App passwords");
        await Expect(owner.Locator("#provider-help")).ToHaveAttributeAsync("href", "https://support.google.com/accounts/answer/185833");
        await Expect(owner.GetByLabel("User name")).ToHaveValueAsync(gmail);
        await Expect(owner.Locator("a[href^='#/'], [data-nav]")).ToHaveCountAsync(0);
        await Expect(owner.Locator("#server input")).ToHaveCountAsync(0);
        await owner.ScreenshotAsync(new() { Path = Shot("onboarding-owner-page"), FullPage = true });

        // Test: the gmail address is not a user of this server; then the right user name with a wrong, then the right, password.
        await owner.GetByLabel("App Password", new() { Exact = true }).FillAsync(user.Password);
        await owner.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        await Expect(owner.Locator("#test-failed")).ToContainTextAsync("The login did not work", new() { Timeout = 20_000 });
        await owner.GetByLabel("User name").FillAsync(user.Name);
        await owner.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        await Expect(owner.Locator("#test-ok")).ToContainTextAsync("Connection works", new() { Timeout = 20_000 });
        await owner.ScreenshotAsync(new() { Path = Shot("onboarding-owner-tested"), FullPage = true });

        // Save: the page turns into the mailbox's status; how long the owner waits for it is measured.
        var watch = Stopwatch.StartNew();
        await owner.GetByRole(AriaRole.Button, new() { Name = "Save and start archiving" }).ClickAsync();
        var badge = owner.Locator("#status-badge");
        await Expect(badge).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(Importing|Queued|Active)$"));
        var firstStatus = await badge.TextContentAsync();
        var waited = watch.Elapsed;
        await Expect(owner.Locator("#closing")).ToContainTextAsync("You may close this page");
        await owner.ScreenshotAsync(new() { Path = Shot("onboarding-owner-saved"), FullPage = true });
        await Expect(badge).ToHaveTextAsync("Active", new() { Timeout = (float)ImportDeadline.TotalMilliseconds });
        await Expect(owner.Locator("#progress-text")).ToContainTextAsync("3 of 3 messages archived");
        File.WriteAllText(Shot("onboarding-save-to-status.txt"), string.Create(CultureInfo.InvariantCulture,
            $"Save clicked -> '{firstStatus}' shown after {waited.TotalMilliseconds:0} ms; Active with 3/3 after {watch.Elapsed.TotalMilliseconds:0} ms\n"));
        TestContext.Current.TestOutputHelper?.WriteLine($"Save -> {firstStatus} in {waited.TotalMilliseconds:0} ms; Active after {watch.Elapsed.TotalMilliseconds:0} ms");

        // Reopened, the link shows the status only: no form, no password field.
        await owner.GotoAsync(link);
        await Expect(owner.GetByRole(AriaRole.Heading, new() { Name = "Your mailbox" })).ToBeVisibleAsync();
        await Expect(badge).ToHaveTextAsync("Active");
        await Expect(owner.Locator("input")).ToHaveCountAsync(0);
        await Expect(owner.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await owner.ScreenshotAsync(new() { Path = Shot("onboarding-owner-reopened"), FullPage = true });
        Assert.All(ownerRequests, url => Assert.StartsWith($"{_host.Origin}/", url, StringComparison.Ordinal));
        Assert.DoesNotContain(ownerRequests, url => url.StartsWith($"{_host.Origin}/api", StringComparison.Ordinal));

        // The admin sees the invitation used, with its mailbox; revokes the other one, whose link is then gone.
        var used = rows.Filter(new() { HasText = gmail });
        await Expect(used.Locator(".badge").First).ToHaveTextAsync("Used", new() { Timeout = 15_000 });
        await Expect(used.Locator("td[data-label=Mailbox]")).ToContainTextAsync(user.Name);
        await Expect(used.Locator("td[data-label=Mailbox] .badge")).ToHaveTextAsync("Active");
        await Expect(used.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        var second = rows.Filter(new() { HasText = "second@example.org" });
        await second.GetByRole(AriaRole.Button, new() { Name = "Revoke the invitation for second@example.org" }).ClickAsync();
        await admin.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(second.Locator(".badge").First).ToHaveTextAsync("Revoked");
        await browser.ScreenshotAsync("onboarding-admin-used-and-revoked");

        var gone = await owner.GotoAsync(secondLink);
        Assert.Equal(410, gone!.Status);
        await Expect(owner.GetByRole(AriaRole.Heading, new() { Name = "This link no longer works" })).ToBeVisibleAsync();
        await owner.ScreenshotAsync(new() { Path = Shot("onboarding-owner-revoked"), FullPage = true });
        dovecot.DeleteUser(user);
    }

    [Fact]
    public async Task The_owner_page_fits_a_phone_and_shows_the_servers_refusal_in_plain_words()
    {
        var dovecot = TestDovecot.Require();
        var ct = TestContext.Current.CancellationToken;
        var connectorId = await CreatePerUserConnectorAsync(dovecot, "Phone test", ct);
        var response = await _host.Api.PostAsJsonAsync($"/api/connectors/{connectorId}/invitations", new { emails = new[] { "someone@example.org" } }, ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        var link = body.GetProperty("invitations")[0].GetProperty("url").GetString()!;

        await using var browser = await BrowserSession.StartAsync();
        var page = browser.Page;
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync(link);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Connect your mailbox" })).ToBeVisibleAsync();
        // Not a known provider: no App Password box, a plain password.
        await Expect(page.Locator("#provider")).ToHaveCountAsync(0);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("wrong");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save and start archiving" }).ClickAsync();
        await Expect(page.Locator("#test-failed")).ToContainTextAsync("The mail server did not accept this login", new() { Timeout = 20_000 });
        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"the page scrolls sideways: {width} px wide");
        await browser.ScreenshotAsync("onboarding-owner-phone-refused");
        Assert.Empty(await _host.Api.GetFromJsonAsync<JsonElement[]>($"/api/connectors/{connectorId}/mailboxes", ct) ?? []);
    }

    public void Dispose() => _host.Dispose();

    private static string Shot(string name)
    {
        Directory.CreateDirectory(BrowserSession.ScreenshotFolder);
        return Path.Combine(BrowserSession.ScreenshotFolder, name.Contains('.', StringComparison.Ordinal) ? name : $"{name}.png");
    }

    private async Task<string> CreatePerUserConnectorAsync(TestDovecot dovecot, string name, CancellationToken cancellationToken)
    {
        var response = await _host.Api.PostAsJsonAsync("/api/connectors", new
        {
            name,
            protocol = "imap",
            host = dovecot.Host,
            port = dovecot.ImapPort,
            tls = false,
            authMode = "perUser",
        }, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"POST /api/connectors answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }
}
