using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Vault.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Vault.Dashboard.Tests.EndToEnd;

public sealed class AttachmentSearchDashboardTests : IDisposable
{
    private readonly DashboardHost _host = new();

    [Fact]
    public async Task A_word_inside_a_pdf_finds_its_message_found_in_the_pdf_and_an_unreadable_attachment_says_so()
    {
        var dovecot = TestDovecot.Require();
        var user = dovecot.CreateUser("dash-attach");
        var ct = TestContext.Current.CancellationToken;
        var needle = $"okapi{Guid.NewGuid():N}"[..16];
        await dovecot.AppendAsync(user, "INBOX", MailWithAttachment.Create("March invoice",
            ("invoice.pdf", "application/pdf", PdfFiles.WithText($"Invoice 2026-031 for consulting, reference {needle}, payable within 30 days"))), ct);
        await dovecot.AppendAsync(user, "INBOX", MailWithAttachment.Create("Locked contract",
            ("contract.pdf", "application/pdf", PdfFiles.Encrypted())), ct);
        await MailFixture.CreateSourceAsync(_host, dovecot, "Invoices mailbox", user);

        await using var browser = await BrowserSession.StartAsync();
        var dashboard = new DashboardPage(browser, _host);
        var page = dashboard.Page;
        await dashboard.SignInAsync();
        await dashboard.WaitForStatusAsync("Invoices mailbox", "Active", TimeSpan.FromSeconds(45));
        await Deadline.UntilAsync(async () => (await _host.Api.GetFromJsonAsync<JsonElement>($"/api/search?q={needle}", ct)).GetProperty("total").GetInt32() > 0,
            TimeSpan.FromSeconds(20), $"{needle} searchable after the import", ct);

        await page.GetByRole(AriaRole.Link, new() { Name = "Search", Exact = true }).ClickAsync();
        await page.GetByLabel("Search query").FillAsync(needle);
        await page.GetByLabel("Search query").PressAsync("Enter");

        var hit = page.Locator(".hit");
        await Expect(hit).ToHaveCountAsync(1);
        await Expect(hit.Locator(".hit-subject")).ToHaveTextAsync("March invoice");
        await Expect(hit.Locator(".found-in")).ToHaveTextAsync("found in invoice.pdf");
        await Expect(hit.Locator(".snippet mark")).ToHaveTextAsync(needle);
        await Expect(hit.Locator(".snippet")).ToContainTextAsync("Invoice 2026-031");
        await browser.ScreenshotAsync("search-found-in-attachment");

        await page.GetByLabel("Search query").FillAsync("subject:contract");
        await page.GetByLabel("Search query").PressAsync("Enter");
        await Expect(page.Locator(".hit .hit-subject")).ToHaveTextAsync("Locked contract");
        await Expect(page.Locator(".hit .found-in")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = "Locked contract" }).ClickAsync();
        var attachments = page.Locator("#message-view .attachments");
        await Expect(attachments).ToContainTextAsync("contract.pdf");
        await Expect(attachments.Locator(".attachment-error")).ToHaveTextAsync("Text not searchable: The PDF is protected by a password.");
        await browser.ScreenshotAsync("message-attachment-not-searchable");

        dashboard.AssertNoRequestLeftTheOrigin();
    }

    public void Dispose() => _host.Dispose();
}
