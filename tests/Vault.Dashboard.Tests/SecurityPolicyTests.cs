using System.Collections.Concurrent;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Vault.Dashboard.Tests;

public sealed class SecurityPolicyTests : IDisposable
{
    private readonly DashboardHost _host = new();

    [Fact]
    public async Task The_dashboard_works_under_its_content_security_policy_without_a_violation()
    {
        await using var browser = await BrowserSession.StartAsync();
        var violations = CollectViolations(browser.Page);
        var page = browser.Page;

        var document = await page.GotoAsync($"{_host.Origin}/#key={_host.ApiKey}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Exact = true })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Connectors", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Add connector" }).First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Add a connector" })).ToBeVisibleAsync();
        await page.GetByLabel("Shared password: one password opens every mailbox").CheckAsync();
        await Expect(page.GetByLabel("Shared (magic) password")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Sources", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Add source" }).First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Add a source" })).ToBeVisibleAsync();
        await page.GetByLabel("Mail provider").SelectOptionAsync("gmail");
        await page.GetByLabel("Use an App Password").CheckAsync();
        await Expect(page.GetByText("needs an App Password")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Settings", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "OAuth settings" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Search", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Search the archive" })).ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        var policy = await document!.HeaderValueAsync("content-security-policy");
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.Empty(violations);
    }

    [Fact]
    public async Task The_api_docs_render_from_vault_alone_under_their_policy()
    {
        await using var browser = await BrowserSession.StartAsync();
        var violations = CollectViolations(browser.Page);
        var page = browser.Page;

        await page.GotoAsync($"{_host.Origin}/#key={_host.ApiKey}");
        await page.GetByRole(AriaRole.Link, new() { Name = "API docs" }).ClickAsync();
        // Scalar renders the whole OpenAPI document in the page's JavaScript: on a busy machine that takes a while.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Vault.Api | v1" })).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        // The document declares the key, so the page asks for it once and sends it with every test request.
        await Expect(page.GetByText("Bearer Token")).ToBeVisibleAsync();
        await browser.ScreenshotAsync("api-docs");

        Assert.StartsWith($"{_host.Origin}/docs/", page.Url, StringComparison.Ordinal);
        Assert.Empty(violations);
        new DashboardPage(browser, _host).AssertNoRequestLeftTheOrigin();
    }

    public void Dispose() => _host.Dispose();

    /// <summary>Console errors and page errors that mention the Content Security Policy (Chromium logs each refusal).</summary>
    private static ConcurrentQueue<string> CollectViolations(IPage page)
    {
        var violations = new ConcurrentQueue<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                violations.Enqueue(message.Text);
            }
        };
        page.PageError += (_, error) => violations.Enqueue($"page error: {error}");
        return violations;
    }
}
