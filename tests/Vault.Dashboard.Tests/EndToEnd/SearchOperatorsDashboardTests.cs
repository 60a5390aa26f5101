using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Playwright;
using Vault.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Vault.Dashboard.Tests.EndToEnd;

/// <summary>
/// "Search, second step" in the dashboard: the syntax help lists every operator with an example, facets are links
/// that add their operator to the query, the sort selector reorders, warnings show under the search box, and a
/// message deleted on the server says so. Screenshots go to TestResults/screenshots.
/// </summary>
public sealed class SearchOperatorsDashboardTests : IDisposable
{
    /// <summary>Every operator of ARCHITECTURE.md "Search" and "Search, second step", as the help must show it.</summary>
    private static readonly string[] Operators =
    [
        "from:", "to:", "cc:", "bcc:", "subject:", "body:", "attachment:", "filename:", "has:attachment", "in:", "folder:", "source:",
        "is:unread", "is:read", "is:flagged", "is:starred", "is:answered", "is:draft", "is:deleted", "flag:", "larger:", "smaller:", "size:",
        "date:", "after:", "before:", "newer_than:", "older_than:", "msgid:", "list:", "budg*", "OR", "NOT", "-draft", "\"quarterly report\"",
    ];

    private readonly DashboardHost _host = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_syntax_help_lists_every_operator_and_an_unknown_one_is_warned_about_under_the_box()
    {
        await using var browser = await BrowserSession.StartAsync();
        var dashboard = new DashboardPage(browser, _host);
        var page = dashboard.Page;
        await dashboard.SignInAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Search", Exact = true }).ClickAsync();
        await page.GetByText("Query syntax").ClickAsync();
        var help = page.Locator(".syntax-help table");
        await Expect(help).ToBeVisibleAsync();
        var text = await help.InnerTextAsync();
        Assert.All(Operators, op => Assert.Contains(op, text, StringComparison.Ordinal));
        Assert.All(await help.Locator("tr").AllAsync(), async row => Assert.NotEmpty((await row.Locator("code").InnerTextAsync()).Trim()));
        await browser.ScreenshotAsync("search-syntax-help");

        await page.GetByLabel("Search query").FillAsync("larger2:1M re:hello");
        await page.GetByLabel("Search query").PressAsync("Enter");
        var warnings = page.Locator(".search-warnings");
        await Expect(warnings.Locator("li")).ToHaveTextAsync(["'larger2:' is not an operator; searched as text", "'re:' is not an operator; searched as text"]);
        await Expect(page.Locator("#search-results")).ToContainTextAsync("Nothing in the archive matches");

        // The warnings sit between the search box and the results.
        var box = await page.GetByLabel("Search query").BoundingBoxAsync();
        var warningBox = await warnings.BoundingBoxAsync();
        var resultsBox = await page.Locator("#search-results").BoundingBoxAsync();
        Assert.True(box!.Y < warningBox!.Y && warningBox.Y < resultsBox!.Y, $"box {box.Y}, warnings {warningBox.Y}, results {resultsBox!.Y}");

        // The query box keeps most of the row; the sort selector beside it takes what its longest option needs.
        var sortBox = await page.GetByLabel("Sort results").BoundingBoxAsync();
        Assert.True(box.Width > 3 * sortBox!.Width && sortBox.Width > 60, $"box {box.Width} px wide, sort {sortBox.Width} px");
        await browser.ScreenshotAsync("search-warnings");

        await page.GetByLabel("Search query").FillAsync("larger:1M");
        await page.GetByLabel("Search query").PressAsync("Enter");
        await Expect(page.Locator("#search-results")).ToContainTextAsync("Nothing in the archive matches larger:1M");
        await Expect(warnings).ToHaveCountAsync(0);
        dashboard.AssertNoRequestLeftTheOrigin();
    }

    [Fact]
    public async Task Facets_narrow_the_search_the_sort_reorders_and_a_deleted_message_says_so()
    {
        var dovecot = TestDovecot.Require();
        var user = dovecot.CreateUser("dash-facets");
        for (var day = 1; day <= 3; day++)
        {
            await dovecot.AppendAsync(user, "INBOX", Message($"Pelican inbox {day}", 2024, day), Ct);
        }

        for (var day = 1; day <= 2; day++)
        {
            await dovecot.AppendAsync(user, "Archive", Message($"Pelican archived {day}", 2021, day), Ct);
        }

        var source = await MailFixture.CreateSourceAsync(_host, dovecot, "Facet mailbox", user);
        await UntilAsync(async () => await TotalAsync($"source:{source}") == 5, "all five searchable");

        await using var browser = await BrowserSession.StartAsync();
        var dashboard = new DashboardPage(browser, _host);
        var page = dashboard.Page;
        await dashboard.SignInAsync();
        await page.GotoAsync($"{_host.Origin}/#/search?q=pelican");

        var hits = page.Locator(".hit");
        await Expect(hits).ToHaveCountAsync(5);
        await Expect(hits.First.Locator(".hit-subject")).ToHaveTextAsync("Pelican inbox 3");
        var folders = page.Locator(".facet[data-facet=folder] li");
        await Expect(folders).ToHaveTextAsync(["INBOX3", "Archive2"]);
        await Expect(page.Locator(".facet[data-facet=year] li")).ToHaveTextAsync(["20243", "20212"]);
        await Expect(page.Locator(".facet[data-facet=source] li")).ToHaveTextAsync(["Facet mailbox5"]);
        await browser.ScreenshotAsync("search-facets");

        // A facet adds its operator to the query and searches again.
        await page.Locator(".facet[data-facet=folder] a").Filter(new() { HasText = "Archive" }).ClickAsync();
        await Expect(page.GetByLabel("Search query")).ToHaveValueAsync("pelican in:Archive");
        await Expect(hits).ToHaveCountAsync(2);
        await Expect(page.Locator(".facet[data-facet=folder] li")).ToHaveTextAsync(["Archive2"]);

        // Oldest first, kept when the query changes.
        await page.GetByLabel("Sort results").SelectOptionAsync("date");
        await Expect(hits.First.Locator(".hit-subject")).ToHaveTextAsync("Pelican archived 1");
        await page.Locator(".facet[data-facet=year] a").First.ClickAsync();
        await Expect(page.GetByLabel("Search query")).ToHaveValueAsync("pelican in:Archive date:2021-01-01..2021-12-31");
        await Expect(hits.First.Locator(".hit-subject")).ToHaveTextAsync("Pelican archived 1");
        await Expect(page.GetByLabel("Sort results")).ToHaveValueAsync("date");
        await page.GetByLabel("Sort results").SelectOptionAsync("-date");
        await Expect(hits.First.Locator(".hit-subject")).ToHaveTextAsync("Pelican archived 2");
        await browser.ScreenshotAsync("search-facet-applied-sorted");

        // Expunged on the server: is:deleted finds it within a poll interval, and the message view says when.
        using (var client = new ImapClient())
        {
            await client.ConnectAsync(dovecot.Host, dovecot.ImapPort, SecureSocketOptions.None, Ct);
            await client.AuthenticateAsync(user.Name, user.Password, Ct);
            var archive = await client.GetFolderAsync("Archive", Ct);
            await archive.OpenAsync(FolderAccess.ReadWrite, Ct);
            await archive.AddFlagsAsync(new UniqueId(1), MessageFlags.Deleted, silent: true, Ct);
            await archive.ExpungeAsync(Ct);
        }

        await UntilAsync(async () => await TotalAsync("is:deleted") == 1, "the expunged message is:deleted");
        await page.GotoAsync($"{_host.Origin}/#/search?q={Uri.EscapeDataString("is:deleted")}");
        await Expect(hits).ToHaveCountAsync(1);
        await hits.Locator(".hit-subject").ClickAsync();
        await Expect(page.Locator("#deleted-on-server")).ToContainTextAsync("deleted on the mail server");
        await Expect(page.Locator("dl.facts").First).ToContainTextAsync("Deleted on the server");
        await browser.ScreenshotAsync("message-deleted-on-server");
        dashboard.AssertNoRequestLeftTheOrigin();
    }

    public void Dispose() => _host.Dispose();

    private static byte[] Message(string subject, int year, int day) => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $"From: Anna Sender <anna@example.test>\r\nTo: archive@example.test\r\nSubject: {subject}\r\n" +
        $"Date: {new DateTimeOffset(year, 3, day, 10, 0, 0, TimeSpan.Zero):ddd, dd MMM yyyy HH:mm:ss} +0000\r\nMessage-ID: <{Guid.NewGuid():N}@example.test>\r\n" +
        $"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nA pelican was seen.\r\n"));

    private async Task<long> TotalAsync(string query) =>
        (await _host.Api.GetFromJsonAsync<JsonElement>($"/api/search?q={Uri.EscapeDataString(query)}", Ct)).GetProperty("total").GetInt64();

    private static Task UntilAsync(Func<Task<bool>> condition, string what) => Deadline.UntilAsync(condition, TimeSpan.FromSeconds(45), what, Ct);
}
