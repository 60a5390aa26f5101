using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Vault.Dashboard.Tests;

public sealed class SignInTests : IDisposable
{
    private readonly DashboardHost _host = new();

    [Fact]
    public async Task Key_in_the_fragment_signs_in_and_leaves_the_address_bar()
    {
        await using var browser = await BrowserSession.StartAsync();
        var page = browser.Page;

        await page.GotoAsync($"{_host.Origin}/#key={_host.ApiKey}");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Exact = true })).ToBeVisibleAsync();
        Assert.DoesNotContain(_host.ApiKey, page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain("#key", page.Url, StringComparison.Ordinal);
        Assert.Equal(_host.ApiKey, await page.EvaluateAsync<string>("() => sessionStorage.getItem('vault.apiKey')"));
        await Expect(page.GetByText("Nothing archived yet")).ToBeVisibleAsync();
        await new DashboardPage(browser, _host).OpenSourcesAsync();
        await Expect(page.GetByText("No mailbox yet")).ToBeVisibleAsync();
        await browser.ScreenshotAsync("sources-empty");
    }

    [Fact]
    public async Task Sign_in_form_rejects_a_wrong_key_and_accepts_the_right_one()
    {
        await using var browser = await BrowserSession.StartAsync();
        var page = browser.Page;

        await page.GotoAsync($"{_host.Origin}/");
        var key = page.GetByLabel("API key");
        await Expect(key).ToBeFocusedAsync();
        await browser.ScreenshotAsync("sign-in");

        await key.FillAsync("not-the-key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("did not accept");

        await key.FillAsync(_host.ApiKey);
        await key.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Exact = true })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByLabel("API key")).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('vault.apiKey')"));
    }

    [Fact]
    public async Task The_dashboard_requests_nothing_outside_the_vault_origin()
    {
        await using var browser = await BrowserSession.StartAsync();
        var page = browser.Page;

        await new DashboardPage(browser, _host).SignInAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Add source" }).First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Add a source" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Search", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Search the archive" })).ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        var requests = browser.Requests;
        Assert.Contains(requests, url => url.EndsWith("/app.css", StringComparison.Ordinal));
        Assert.Contains(requests, url => url.Contains("/js/wizard.js", StringComparison.Ordinal));
        Assert.Contains(requests, url => url.EndsWith("/api/providers", StringComparison.Ordinal));
        Assert.Contains(requests, url => url.EndsWith("/api/overview", StringComparison.Ordinal));
        new DashboardPage(browser, _host).AssertNoRequestLeftTheOrigin();
    }

    public void Dispose() => _host.Dispose();
}
