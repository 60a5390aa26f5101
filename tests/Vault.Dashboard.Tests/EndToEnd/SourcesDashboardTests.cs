using Microsoft.Playwright;
using Vault.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Vault.Dashboard.Tests.EndToEnd;

public sealed class SourcesDashboardTests : IDisposable
{
    private static readonly TimeSpan ImportDeadline = TimeSpan.FromSeconds(45);
    private readonly DashboardHost _host = new();

    [Fact]
    public async Task A_generic_imap_source_added_in_the_wizard_is_tested_saved_and_reaches_active()
    {
        var dovecot = TestDovecot.Require();
        var user = dovecot.CreateUser("dash-wizard");
        var ct = TestContext.Current.CancellationToken;
        for (var i = 1; i <= 3; i++)
        {
            await dovecot.AppendAsync(user, "INBOX", MailFixture.Message($"Wizard message {i}", $"Body {i}"), ct);
        }

        await using var browser = await BrowserSession.StartAsync();
        var dashboard = new DashboardPage(browser, _host);
        var page = dashboard.Page;
        await dashboard.SignInAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Add source" }).First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Add a source" })).ToBeVisibleAsync();
        await page.GetByLabel("Mail provider").SelectOptionAsync(new SelectOptionValue { Label = "Other IMAP server" });
        await page.GetByLabel("Server (host name)").FillAsync(dovecot.Host);
        await page.GetByLabel("Use TLS (encrypted connection)").UncheckAsync();
        await Expect(page.GetByLabel("Port", new() { Exact = true })).ToHaveValueAsync("143");
        await page.GetByLabel("Port", new() { Exact = true }).FillAsync(dovecot.ImapPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Name in Vault").FillAsync("Wizard mailbox");
        await page.GetByLabel("User name").FillAsync(user.Name);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(user.Password);

        await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        var ok = page.Locator("#test-ok");
        await Expect(ok).ToContainTextAsync("Connection works", new() { Timeout = 20_000 });
        await Expect(ok.Locator(".folder-list")).ToContainTextAsync("INBOX");
        await browser.ScreenshotAsync("wizard-test-connection");

        await page.GetByRole(AriaRole.Button, new() { Name = "Save and start import" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sources", Exact = true })).ToBeVisibleAsync();
        await dashboard.WaitForStatusAsync("Wizard mailbox", "Active", ImportDeadline);
        var row = dashboard.SourceRow("Wizard mailbox");
        await Expect(row.Locator("progress")).ToBeVisibleAsync();
        await Expect(row.Locator(".progress-cell")).ToContainTextAsync("3 / 3");
        await Expect(row).ToContainTextAsync($"{user.Name}@{dovecot.Host}");
        await browser.ScreenshotAsync("sources-table");

        dashboard.AssertNoRequestLeftTheOrigin();
    }

    [Fact]
    public async Task The_pop3_preset_polls_and_its_source_archives_the_inbox()
    {
        var dovecot = TestDovecot.Require();
        var user = dovecot.CreateUser("dash-pop3");
        var ct = TestContext.Current.CancellationToken;
        for (var i = 1; i <= 2; i++)
        {
            await dovecot.AppendAsync(user, "INBOX", MailFixture.Message($"POP3 message {i}", $"Body {i}"), ct);
        }

        await using var browser = await BrowserSession.StartAsync();
        var dashboard = new DashboardPage(browser, _host);
        var page = dashboard.Page;
        await dashboard.SignInAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Add source" }).First.ClickAsync();
        await page.GetByLabel("Mail provider").SelectOptionAsync(new SelectOptionValue { Label = "Other POP3 server" });
        await Expect(page.GetByLabel("Protocol")).ToHaveValueAsync("pop3");
        await Expect(page.GetByLabel("Port", new() { Exact = true })).ToHaveValueAsync("995");
        // POP3 has no IDLE: the wizard polls and offers nothing else.
        await Expect(page.GetByLabel("After the import")).ToHaveValueAsync("poll");
        await Expect(page.Locator("select[name=syncMode] option[value=idle]")).ToBeDisabledAsync();
        await page.GetByLabel("Server (host name)").FillAsync(dovecot.Host);
        await page.GetByLabel("Use TLS (encrypted connection)").UncheckAsync();
        await Expect(page.GetByLabel("Port", new() { Exact = true })).ToHaveValueAsync("110");
        await page.GetByLabel("Port", new() { Exact = true }).FillAsync(dovecot.Pop3Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Name in Vault").FillAsync("POP3 mailbox");
        await page.GetByLabel("User name").FillAsync(user.Name);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(user.Password);

        await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        await Expect(page.Locator("#test-ok")).ToContainTextAsync("Connection works", new() { Timeout = 20_000 });
        await page.GetByRole(AriaRole.Button, new() { Name = "Save and start import" }).ClickAsync();
        await dashboard.WaitForStatusAsync("POP3 mailbox", "Active", ImportDeadline);
        await Expect(dashboard.SourceRow("POP3 mailbox").Locator(".progress-cell")).ToContainTextAsync("2 / 2");
        await browser.ScreenshotAsync("sources-table-pop3");

        dashboard.AssertNoRequestLeftTheOrigin();
    }

    [Fact]
    public async Task A_gmail_style_preset_shows_the_app_password_steps_and_connects_over_tls_with_an_insecure_certificate()
    {
        var dovecot = TestDovecot.Require();
        var user = dovecot.CreateUser("dash-gmail");

        await using var browser = await BrowserSession.StartAsync();
        var dashboard = new DashboardPage(browser, _host);
        var page = dashboard.Page;
        await dashboard.SignInAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Add source" }).First.ClickAsync();

        await page.GetByLabel("Mail provider").SelectOptionAsync("gmail");
        // Gmail offers Google sign-in first (OAuthDashboardTests); the App Password is the other choice.
        await Expect(page.GetByLabel("Sign in with Google (OAuth2)")).ToBeCheckedAsync();
        await page.GetByLabel("Use an App Password").CheckAsync();
        await Expect(page.GetByLabel("Server (host name)")).ToHaveValueAsync("imap.gmail.com");
        await Expect(page.GetByLabel("Port", new() { Exact = true })).ToHaveValueAsync("993");
        await Expect(page.GetByLabel("Use TLS (encrypted connection)")).ToBeCheckedAsync();
        var steps = page.Locator("#provider-steps");
        await Expect(steps).ToContainTextAsync("App Password");
        await Expect(steps.GetByRole(AriaRole.Link)).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^https://support\\.google\\.com/"));
        await Expect(page.GetByLabel("App Password", new() { Exact = true })).ToBeVisibleAsync();

        // The test Dovecot stands in for Gmail: implicit TLS with a self-signed certificate.
        await page.GetByLabel("Server (host name)").FillAsync(dovecot.Host);
        await page.GetByLabel("Port", new() { Exact = true }).FillAsync(dovecot.ImapsPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Allow insecure certificate").CheckAsync();
        await Expect(page.Locator("#insecure-warning")).ToBeVisibleAsync();
        await page.GetByLabel("User name").FillAsync(user.Name);
        await page.GetByLabel("App Password", new() { Exact = true }).FillAsync(user.Password);
        await browser.ScreenshotAsync("wizard-app-password");

        await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        await Expect(page.Locator("#test-ok")).ToContainTextAsync("INBOX", new() { Timeout = 20_000 });
        await page.GetByRole(AriaRole.Button, new() { Name = "Save and start import" }).ClickAsync();
        await dashboard.WaitForStatusAsync("Gmail / Google Workspace", "Active", ImportDeadline);

        dashboard.AssertNoRequestLeftTheOrigin();
    }

    [Fact]
    public async Task A_wrong_password_shows_the_error_panel_with_the_hint_and_editing_it_recovers()
    {
        var dovecot = TestDovecot.Require();
        var user = dovecot.CreateUser("dash-wrongpw");
        await MailFixture.CreateSourceAsync(_host, dovecot, "Wrong password mailbox", user, password: "not-the-password");

        await using var browser = await BrowserSession.StartAsync();
        var dashboard = new DashboardPage(browser, _host);
        var page = dashboard.Page;
        await dashboard.SignInAsync();

        await dashboard.WaitForStatusAsync("Wrong password mailbox", "Error", ImportDeadline);
        var panel = page.GetByRole(AriaRole.Region, new() { Name = "Wrong password mailbox needs attention" });
        await Expect(panel).ToBeVisibleAsync();
        await Expect(panel.Locator(".error-message")).Not.ToBeEmptyAsync();
        await Expect(panel.Locator(".hint")).ToContainTextAsync("What to do:");
        await Expect(panel.Locator("dl.facts")).ToContainTextAsync("Failures in a row");
        await Expect(panel.Locator(".events li").First).ToBeVisibleAsync();
        await browser.ScreenshotAsync("error-panel");

        await panel.GetByRole(AriaRole.Link, new() { Name = "Edit credentials and retry" }).ClickAsync();
        await Expect(page.GetByLabel("Password", new() { Exact = true })).ToBeFocusedAsync();
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("still-wrong");
        await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        var failed = page.Locator("#test-failed");
        await Expect(failed).ToContainTextAsync("The connection failed", new() { Timeout = 20_000 });
        await Expect(failed.Locator(".hint")).ToContainTextAsync("What to do:");
        await browser.ScreenshotAsync("wizard-test-failed");

        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(user.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save and retry" }).ClickAsync();
        await dashboard.WaitForStatusAsync("Wrong password mailbox", "Active", ImportDeadline);
        await Expect(panel).ToHaveCountAsync(0);

        dashboard.AssertNoRequestLeftTheOrigin();
    }

    [Fact]
    public async Task Pause_and_resume_work_from_the_table_and_delete_asks_first()
    {
        var dovecot = TestDovecot.Require();
        var user = dovecot.CreateUser("dash-pause");
        await dovecot.AppendAsync(user, "INBOX", MailFixture.Message("Pause me", "Body"), TestContext.Current.CancellationToken);
        await MailFixture.CreateSourceAsync(_host, dovecot, "Pausable mailbox", user);

        await using var browser = await BrowserSession.StartAsync();
        var dashboard = new DashboardPage(browser, _host);
        var page = dashboard.Page;
        await dashboard.SignInAsync();
        await dashboard.WaitForStatusAsync("Pausable mailbox", "Active", ImportDeadline);

        var row = dashboard.SourceRow("Pausable mailbox");
        await row.GetByRole(AriaRole.Button, new() { Name = "Pause Pausable mailbox" }).ClickAsync();
        await dashboard.WaitForStatusAsync("Pausable mailbox", "Paused", TimeSpan.FromSeconds(10));
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Resume Pausable mailbox" })).ToBeVisibleAsync();

        await row.GetByRole(AriaRole.Button, new() { Name = "Resume Pausable mailbox" }).ClickAsync();
        await dashboard.WaitForStatusAsync("Pausable mailbox", "Active", ImportDeadline);

        await row.GetByRole(AriaRole.Button, new() { Name = "Delete Pausable mailbox" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("Delete Pausable mailbox?");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(row).ToBeVisibleAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Delete Pausable mailbox" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete source" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        await Expect(page.GetByText("No mailbox yet")).ToBeVisibleAsync();

        dashboard.AssertNoRequestLeftTheOrigin();
    }

    public void Dispose() => _host.Dispose();
}
