using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Vault.Dashboard.Tests;

/// <summary>What a person sees and does in the dashboard, in the words of the page (roles, labels, headings).</summary>
public sealed class DashboardPage(BrowserSession browser, DashboardHost host)
{
    public IPage Page => browser.Page;

    /// <summary>Signs in with the key in the fragment, which lands on the home page (the overview), then opens Sources.</summary>
    public async Task SignInAsync()
    {
        await Page.GotoAsync($"{host.Origin}/#key={host.ApiKey}");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Exact = true })).ToBeVisibleAsync();
        await OpenSourcesAsync();
    }

    public async Task OpenSourcesAsync()
    {
        await Page.GetByRole(AriaRole.Link, new() { Name = "Sources", Exact = true }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sources", Exact = true })).ToBeVisibleAsync();
    }

    /// <summary>The table row of a source, found by its name in the row header.</summary>
    public ILocator SourceRow(string name) =>
        Page.Locator("table.sources tbody tr").Filter(new() { Has = Page.GetByRole(AriaRole.Rowheader, new() { Name = name, Exact = true }) });

    /// <summary>Waits (the table refreshes itself every ~3 s) until the row's badge reads the status.</summary>
    public async Task WaitForStatusAsync(string name, string status, TimeSpan timeout) =>
        await Expect(SourceRow(name).Locator(".badge")).ToHaveTextAsync(status, new() { Timeout = (float)timeout.TotalMilliseconds });

    /// <summary>Every request the page made stayed on the Vault origin (no CDN, font or tracker).</summary>
    public void AssertNoRequestLeftTheOrigin()
    {
        var requests = browser.Requests;
        Assert.NotEmpty(requests);
        Assert.All(requests, url => Assert.True(
            url.StartsWith($"{host.Origin}/", StringComparison.Ordinal) || url.StartsWith("blob:" + host.Origin, StringComparison.Ordinal),
            $"The page requested {url}, outside {host.Origin}"));
    }
}
