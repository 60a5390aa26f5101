using System.Net.Http.Json;
using Microsoft.Playwright;
using Vault.Dashboard.Tests.EndToEnd;
using Vault.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Vault.Dashboard.Tests;

public sealed class PhoneLayoutTests : IDisposable
{
    private const int Width = 390;
    private readonly DashboardHost _host = new();

    [Fact]
    public async Task On_a_390_px_phone_no_page_scrolls_sideways_and_each_source_shows_its_name_status_and_actions()
    {
        var ct = TestContext.Current.CancellationToken;
        // Nothing listens on port 9: the source turns to Error, so its error panel is on the page too.
        var created = await _host.Api.PostAsJsonAsync("/api/sources", new
        {
            name = "Finance department shared mailbox",
            description = "Invoices and receipts from suppliers, kept ten years for the auditors",
            host = "127.0.0.1",
            port = 9,
            tls = false,
            username = "finance.department.shared@example-company.com",
            password = "phone-Secret-1",
        }, ct);
        created.EnsureSuccessStatusCode();

        await using var browser = await BrowserSession.StartAsync();
        var page = browser.Page;
        await page.SetViewportSizeAsync(Width, 844);
        await new DashboardPage(browser, _host).SignInAsync();
        var row = page.Locator("table.sources tbody tr").First;
        await Expect(row).ToContainTextAsync("Finance department shared mailbox");
        await Expect(row.Locator(".badge")).ToHaveTextAsync("Error", new() { Timeout = 30_000 });
        await Expect(page.Locator(".error-panel")).ToBeVisibleAsync();

        await AssertNoSidewaysScrollAsync(page, "sources");
        foreach (var key in new[] { row.Locator("th"), row.Locator(".badge"), row.GetByRole(AriaRole.Button, new() { Name = "Resume Finance department shared mailbox" }), row.GetByRole(AriaRole.Button, new() { Name = "Delete Finance department shared mailbox" }) })
        {
            var box = await key.BoundingBoxAsync();
            Assert.NotNull(box);
            Assert.InRange(box.X + box.Width, 0, Width);
        }

        await Expect(row).ToContainTextAsync("Invoices and receipts from suppliers");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "API docs" })).ToBeInViewportAsync();
        await browser.ScreenshotAsync("phone-sources");

        await page.GetByRole(AriaRole.Link, new() { Name = "Add source" }).First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Add a source" })).ToBeVisibleAsync();
        await AssertNoSidewaysScrollAsync(page, "wizard");
        await browser.ScreenshotAsync("phone-wizard");

        await page.GetByRole(AriaRole.Link, new() { Name = "Search", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Search the archive" })).ToBeVisibleAsync();
        await AssertNoSidewaysScrollAsync(page, "search");
        await browser.ScreenshotAsync("phone-search");
    }

    [Fact]
    public async Task On_a_390_px_phone_the_overview_the_connectors_and_a_connector_page_fit_the_width()
    {
        var dovecot = TestDovecot.Require();
        var ct = TestContext.Current.CancellationToken;
        var dana = dovecot.CreateUser("phone-conn-dana");
        await dovecot.AppendAsync(dana, "INBOX", MailFixture.Message("Dana message", "Body"), ct);
        var connectorId = await MailFixture.CreateConnectorAsync(_host, dovecot, "Head office mail server with a long name");
        // A user Dovecot does not know: its mailbox ends in Error, so the error panel is on the page too.
        await MailFixture.AddMailboxesAsync(_host, connectorId, dana.Name, "nobody-here-at-all.long-user-name@example-company.com");

        await using var browser = await BrowserSession.StartAsync();
        var dashboard = new DashboardPage(browser, _host);
        var page = browser.Page;
        await page.SetViewportSizeAsync(Width, 844);
        await page.GotoAsync($"{_host.Origin}/#key={_host.ApiKey}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Exact = true })).ToBeVisibleAsync();
        await page.GotoAsync($"{_host.Origin}/#/connectors/{connectorId}");
        await dashboard.WaitForStatusAsync(dana.Name, "Active", TimeSpan.FromSeconds(60));
        await dashboard.WaitForStatusAsync("nobody-here-at-all.long-user-name@example-company.com", "Error", TimeSpan.FromSeconds(60));
        await Expect(page.Locator(".error-panel")).ToBeVisibleAsync();
        await Expect(page.Locator(".error-panel").GetByRole(AriaRole.Link, new() { Name = "Edit the connector and retry" })).ToBeVisibleAsync();
        await AssertNoSidewaysScrollAsync(page, "connector");
        await browser.ScreenshotAsync("phone-connector");

        await page.GetByRole(AriaRole.Link, new() { Name = "Connectors", Exact = true }).ClickAsync();
        await Expect(page.Locator("table.connectors tbody tr")).ToContainTextAsync("1 Error");
        await AssertNoSidewaysScrollAsync(page, "connectors");
        await browser.ScreenshotAsync("phone-connectors");

        await page.GetByRole(AriaRole.Link, new() { Name = "Add connector" }).First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Add a connector" })).ToBeVisibleAsync();
        await AssertNoSidewaysScrollAsync(page, "connector wizard");
        await browser.ScreenshotAsync("phone-connector-wizard");

        await page.GetByRole(AriaRole.Link, new() { Name = "Overview", Exact = true }).ClickAsync();
        await Expect(page.Locator("svg.bar-chart rect.bar-today")).ToHaveAttributeAsync("data-messages", "1");
        var chart = await page.Locator("svg.bar-chart").BoundingBoxAsync();
        Assert.NotNull(chart);
        Assert.InRange(chart.X + chart.Width, 0, Width);
        await AssertNoSidewaysScrollAsync(page, "overview");
        await browser.ScreenshotAsync("phone-overview");

        dashboard.AssertNoRequestLeftTheOrigin();
    }

    public void Dispose() => _host.Dispose();

    private static async Task AssertNoSidewaysScrollAsync(IPage page, string view)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        var (scrollWidth, clientWidth) = (widths[0], widths[1]);
        Assert.True(scrollWidth <= clientWidth, $"{view}: the page is {scrollWidth} px wide in a {clientWidth} px window");
    }
}
