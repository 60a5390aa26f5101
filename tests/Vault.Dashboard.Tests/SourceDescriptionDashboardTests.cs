using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Vault.Dashboard.Tests;

public sealed class SourceDescriptionDashboardTests : IDisposable
{
    private readonly DashboardHost _host = new();

    [Fact]
    public async Task A_description_typed_in_the_wizard_is_saved_and_shown_under_the_name()
    {
        await using var browser = await BrowserSession.StartAsync();
        var page = browser.Page;
        await new DashboardPage(browser, _host).SignInAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Add source" }).First.ClickAsync();
        await page.GetByLabel("Mail provider").SelectOptionAsync(new SelectOptionValue { Label = "Other IMAP server" });
        await page.GetByLabel("Server (host name)").FillAsync("127.0.0.1");
        await page.GetByLabel("Use TLS (encrypted connection)").UncheckAsync();
        await page.GetByLabel("Port", new() { Exact = true }).FillAsync("9");
        await page.GetByLabel("Name in Vault").FillAsync("Support inbox");
        await page.GetByLabel("Description (optional)").FillAsync("Customer tickets since 2019");
        await page.GetByLabel("User name").FillAsync("support");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("support-Secret-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save and start import" }).ClickAsync();

        var row = page.Locator("table.sources tbody tr").Filter(new() { HasText = "Support inbox" });
        await Expect(row.Locator("th .description")).ToHaveTextAsync("Customer tickets since 2019");
        var sources = JsonDocument.Parse(await _host.Api.GetStringAsync(new Uri("/api/sources", UriKind.Relative), TestContext.Current.CancellationToken));
        Assert.Equal("Customer tickets since 2019", sources.RootElement[0].GetProperty("description").GetString());
    }

    public void Dispose() => _host.Dispose();
}
