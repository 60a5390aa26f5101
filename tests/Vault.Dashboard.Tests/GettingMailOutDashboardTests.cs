using System.IO.Compression;
using System.Text;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Vault.Dashboard.Tests;

/// <summary>Import by file upload, export and the integrity check, as a person does them in Chromium.</summary>
public sealed class GettingMailOutDashboardTests : IDisposable
{
    private readonly DashboardHost _host = new();

    [Fact]
    public async Task Files_are_imported_with_upload_progress_then_exported_and_verified_from_the_sources_page()
    {
        await using var browser = await BrowserSession.StartAsync();
        var page = browser.Page;
        var dashboard = new DashboardPage(browser, _host);
        await dashboard.SignInAsync();

        var mbox = new StringBuilder();
        for (var n = 1; n <= 12; n++)
        {
            mbox.Append(System.Globalization.CultureInfo.InvariantCulture, $"From a@example.org Wed Mar  1 10:{n:00}:00 2023\nFrom: a@example.org\nSubject: Heron sighting {n}\nMessage-ID: <d{n}@x>\n\n>From the lake, number {n}.\n\n");
        }

        await page.GetByRole(AriaRole.Link, new() { Name = "Import files" }).ClickAsync();
        await page.GetByLabel("Name").FillAsync("Old laptop");
        await page.Locator("#import-files").SetInputFilesAsync(new FilePayload { Name = "Birds.mbox", MimeType = "application/mbox", Buffer = Encoding.ASCII.GetBytes(mbox.ToString()) });
        await Expect(page.Locator("#import-file-list li")).ToContainTextAsync("Birds.mbox");
        await browser.ScreenshotAsync("import-files-chosen");
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and import" }).ClickAsync();

        await dashboard.WaitForStatusAsync("Old laptop", "Active", TimeSpan.FromSeconds(30));
        var row = dashboard.SourceRow("Old laptop");
        await Expect(row).ToContainTextAsync("12 / 12");

        var download = await page.RunAndWaitForDownloadAsync(() => row.GetByRole(AriaRole.Button, new() { Name = "Export Old laptop as a zip of .eml files" }).ClickAsync());
        Assert.Matches(@"^Old laptop-\d{4}-\d{2}-\d{2}\.zip$", download.SuggestedFilename);
        var saved = Path.Combine(Path.GetTempPath(), $"vault-export-{Guid.NewGuid():N}.zip");
        await download.SaveAsAsync(saved);
        using (var zip = ZipFile.OpenRead(saved))
        {
            Assert.Equal(12, zip.Entries.Count);
            Assert.All(zip.Entries, e => Assert.StartsWith("Birds/", e.FullName, StringComparison.Ordinal));
        }

        File.Delete(saved);
        Assert.DoesNotContain(browser.Requests, url => url.Contains(_host.ApiKey, StringComparison.Ordinal));

        await row.GetByRole(AriaRole.Button, new() { Name = "Check the integrity of Old laptop" }).ClickAsync();
        await Expect(row.Locator("[data-integrity]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("Verified .*12 intact"), new() { Timeout = 30_000 });
        await browser.ScreenshotAsync("sources-exported-and-verified");

        await page.GotoAsync($"{_host.Origin}/#/search?q={Uri.EscapeDataString("subject:heron")}");
        await Expect(page.Locator(".result-count")).ToContainTextAsync("of 12 messages", new() { Timeout = 30_000 });
        var mboxDownload = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Export as mbox" }).ClickAsync());
        Assert.EndsWith(".mbox", mboxDownload.SuggestedFilename, StringComparison.Ordinal);
        var mboxPath = await mboxDownload.PathAsync();
        var text = await File.ReadAllTextAsync(mboxPath, TestContext.Current.CancellationToken);
        Assert.Equal(12, text.Split("\nFrom a@example.org ").Length);
        Assert.Contains("\n>From the lake, number 7.\n", text, StringComparison.Ordinal);
        await browser.ScreenshotAsync("search-results-export");
        dashboard.AssertNoRequestLeftTheOrigin();
    }

    public void Dispose() => _host.Dispose();
}
