using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Vault.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Vault.Dashboard.Tests.EndToEnd;

public sealed class SearchDashboardTests : IDisposable
{
    private readonly DashboardHost _host = new();

    [Fact]
    public async Task Search_finds_a_needle_and_the_message_view_opens_and_downloads_the_eml()
    {
        var dovecot = TestDovecot.Require();
        var user = dovecot.CreateUser("dash-search");
        var ct = TestContext.Current.CancellationToken;
        var needle = $"zebrafinch{Guid.NewGuid():N}"[..20];
        await dovecot.AppendAsync(user, "INBOX", MailFixture.Message("Quarterly numbers", "Nothing to see here."), ct);
        await dovecot.AppendAsync(user, "INBOX", MailFixture.Message("The needle inside", $"Somewhere in this text is {needle} hiding."), ct);
        await MailFixture.CreateSourceAsync(_host, dovecot, "Searchable mailbox", user);

        await using var browser = await BrowserSession.StartAsync();
        var dashboard = new DashboardPage(browser, _host);
        var page = dashboard.Page;
        await dashboard.SignInAsync();
        await dashboard.WaitForStatusAsync("Searchable mailbox", "Active", TimeSpan.FromSeconds(45));
        await WaitUntilSearchableAsync(needle, ct);

        await page.GetByRole(AriaRole.Link, new() { Name = "Search", Exact = true }).ClickAsync();
        await page.GetByText("Query syntax").ClickAsync();
        await Expect(page.Locator(".syntax-help table")).ToContainTextAsync("has:attachment");
        await page.GetByLabel("Search query").FillAsync(needle);
        await page.GetByLabel("Search query").PressAsync("Enter");

        var hit = page.Locator(".hit");
        await Expect(hit).ToHaveCountAsync(1);
        await Expect(hit.Locator(".hit-subject")).ToHaveTextAsync("The needle inside");
        await Expect(hit.Locator(".snippet")).ToContainTextAsync(needle);
        await Expect(hit.Locator(".folders")).ToContainTextAsync("INBOX");
        await Expect(hit.Locator(".hit-from")).ToContainTextAsync("anna@example.test");
        await browser.ScreenshotAsync("search-results");

        await hit.GetByRole(AriaRole.Link, new() { Name = "The needle inside" }).ClickAsync();
        var message = page.Locator("#message-view");
        await Expect(message.GetByRole(AriaRole.Heading, new() { Name = "The needle inside" })).ToBeVisibleAsync();
        await Expect(message.Locator(".message-text")).ToContainTextAsync(needle);
        await Expect(message.Locator("dl.facts").First).ToContainTextAsync("anna@example.test");
        await browser.ScreenshotAsync("message-view");

        var download = await page.RunAndWaitForDownloadAsync(() => message.GetByRole(AriaRole.Button, new() { Name = "Download .eml" }).ClickAsync());
        Assert.EndsWith(".eml", download.SuggestedFilename, StringComparison.Ordinal);
        var saved = await download.PathAsync();
        Assert.Contains(needle, await File.ReadAllTextAsync(saved, ct), StringComparison.Ordinal);

        dashboard.AssertNoRequestLeftTheOrigin();
    }

    [Fact]
    public async Task A_query_syntax_error_is_shown_with_its_position()
    {
        await using var browser = await BrowserSession.StartAsync();
        var dashboard = new DashboardPage(browser, _host);
        var page = dashboard.Page;
        await dashboard.SignInAsync();

        await page.GotoAsync($"{_host.Origin}/#/search?q=%22unclosed");
        var alert = page.GetByRole(AriaRole.Alert);
        await Expect(alert).ToContainTextAsync("at character");
        await Expect(alert.Locator(".query-caret")).ToContainTextAsync("^");
    }

    /// <summary>The index is near-real-time after the import; the browser asks only once it is there.</summary>
    private Task WaitUntilSearchableAsync(string needle, CancellationToken cancellationToken) =>
        Deadline.UntilAsync(
            async () => (await _host.Api.GetFromJsonAsync<JsonElement>($"/api/search?q={needle}", cancellationToken)).GetProperty("total").GetInt32() > 0,
            TimeSpan.FromSeconds(20), $"{needle} is searchable after the import", cancellationToken);

    public void Dispose() => _host.Dispose();
}
