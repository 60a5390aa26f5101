using Microsoft.Playwright;
using Vault.Dashboard.Tests.EndToEnd;
using Vault.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Vault.Dashboard.Tests;

/// <summary>Restoring a source into another Dovecot mailbox, as a person does it in Chromium.</summary>
public sealed class RestoreDashboardTests : IDisposable
{
    private readonly DashboardHost _host = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_source_is_restored_from_its_row_with_field_errors_a_failure_explained_and_progress_to_the_end()
    {
        var dovecot = TestDovecot.Require();
        var owner = dovecot.CreateUser("dash-restore");
        var corpus = await TestDovecot.RunGeneratorAsync(60, 29, Ct);
        await dovecot.FillFromMaildirAsync(owner, corpus.Maildir, Ct);
        await MailFixture.CreateSourceAsync(_host, dovecot, "Old office", owner);
        var target = dovecot.CreateUser("dash-restore-to");

        await using var browser = await BrowserSession.StartAsync();
        var page = browser.Page;
        var dashboard = new DashboardPage(browser, _host);
        await dashboard.SignInAsync();
        await dashboard.WaitForStatusAsync("Old office", "Active", TimeSpan.FromSeconds(60));
        await browser.ScreenshotAsync("restore-source-row");
        await dashboard.SourceRow("Old office").GetByRole(AriaRole.Link, new() { Name = "Restore Old office to a mailbox" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Restore Old office" })).ToBeVisibleAsync();
        await Expect(page.Locator("#restore-list")).ToContainTextAsync("No restore yet.");

        // Nothing filled in: the server's 400 names each field, shown under it.
        await page.GetByRole(AriaRole.Button, new() { Name = "Start restore" }).ClickAsync();
        await Expect(page.Locator("#error-host")).ToContainTextAsync("host is required");
        await Expect(page.Locator("#error-username")).ToContainTextAsync("username");
        await Expect(page.Locator("#error-password")).ToContainTextAsync("password");

        await page.GetByLabel("Host").FillAsync(dovecot.Host);
        await page.GetByLabel("Encryption").SelectOptionAsync("none");
        await page.GetByLabel("Port").FillAsync(dovecot.ImapPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Username").FillAsync(target.Name);
        await page.GetByLabel("Password or App Password").FillAsync("wrong-dashboard-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start restore" }).ClickAsync();
        var failed = page.Locator("#restore-list li[data-status='Failed']");
        await Expect(failed).ToContainTextAsync("The server rejected the username or password.", new() { Timeout = 60_000 });
        await Expect(failed).ToContainTextAsync("What to do: Check the username and password, then start the restore again");
        await Expect(failed.GetByRole(AriaRole.Button, new() { Name = "Resume" })).ToBeVisibleAsync();
        await browser.ScreenshotAsync("restore-failed-explained");

        await page.GetByLabel("Password or App Password").FillAsync(target.Password);
        await page.GetByLabel("Under folder").FillAsync("Restored");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start restore" }).ClickAsync();
        var completed = page.Locator("#restore-list li[data-status='Completed']");
        await Expect(completed).ToContainTextAsync("60 of 60 messages", new() { Timeout = 90_000 });
        await Expect(completed).ToContainTextAsync("under Restored");
        await Expect(completed.Locator("progress")).ToHaveAttributeAsync("value", "60");
        await browser.ScreenshotAsync("restore-completed");

        var source = await MailboxSnapshot.ReadAsync(dovecot, owner, Ct);
        var restored = await MailboxSnapshot.ReadAsync(dovecot, target, Ct);
        Assert.Equal(source.ToDictionary(f => $"Restored/{f.Key}", f => f.Value), restored.ToDictionary(f => f.Key, f => f.Value));
        Assert.DoesNotContain(browser.Requests, url => url.Contains(target.Password, StringComparison.Ordinal) || url.Contains(_host.ApiKey, StringComparison.Ordinal));
        dashboard.AssertNoRequestLeftTheOrigin();
    }

    public void Dispose() => _host.Dispose();
}
