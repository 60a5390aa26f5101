using System.Globalization;
using Microsoft.Playwright;
using Vault.TestSupport;
using Vault.TestSupport.OAuth;
using static Microsoft.Playwright.Assertions;

namespace Vault.Dashboard.Tests.EndToEnd;

/// <summary>
/// OAuth2 in the dashboard, in Chromium: the provider settings page, the wizard's "Sign in with Google" in place of the
/// password, the round trip through the provider's consent page (the test authorization server) back to the sources
/// page, and Reconnect after the grant was revoked; the test Dovecot checks every token.
/// </summary>
public sealed class OAuthDashboardTests : IDisposable
{
    private static readonly TimeSpan ImportDeadline = TimeSpan.FromSeconds(60);
    private readonly DashboardHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task The_wizard_signs_a_gmail_mailbox_in_through_the_provider_and_reconnect_brings_it_back_after_a_revocation()
    {
        var ct = TestContext.Current.CancellationToken;
        var dovecot = await TestDovecot.RequireOAuthAsync(ct);
        var user = dovecot.CreateUser("dash-oauth");
        for (var i = 1; i <= 2; i++)
        {
            await dovecot.AppendAsync(user, "INBOX", MailFixture.Message($"OAuth message {i}", $"Body {i}"), ct);
        }

        await using var provider = await TestAuthorizationServer.StartAsync();
        // Long enough for a slow login, short enough that a refresh (and so the revocation) is noticed within ~15 s.
        provider.AccessTokenLifetime = TimeSpan.FromSeconds(30);
        await using var browser = await BrowserSession.StartAsync();
        var dashboard = new DashboardPage(browser, _host);
        var page = dashboard.Page;
        await dashboard.SignInAsync();

        // OAuth settings: where to register, the redirect URI, and the client (secret written, never shown again).
        await page.GetByRole(AriaRole.Link, new() { Name = "Settings", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "OAuth settings" })).ToBeVisibleAsync();
        var google = page.Locator("#oauth-google");
        await Expect(google.Locator("#google-redirect-uri")).ToHaveTextAsync($"{_host.Origin}/oauth/callback");
        await Expect(google).ToContainTextAsync("Not configured");
        await browser.ScreenshotAsync("oauth-settings");
        await google.GetByLabel("Client ID").FillAsync(provider.ClientId);
        await google.GetByLabel("Client secret").FillAsync(provider.ClientSecret);
        await google.GetByText("Scopes and endpoints").ClickAsync();
        await google.GetByLabel("Authorize URL").FillAsync(provider.AuthorizeUrl.AbsoluteUri);
        await google.GetByLabel("Token URL").FillAsync(provider.TokenUrl.AbsoluteUri);
        await google.GetByRole(AriaRole.Button, new() { Name = "Save Google settings" }).ClickAsync();
        google = page.Locator("#oauth-google");
        await Expect(google.Locator("#google-status")).ToHaveTextAsync("Google settings saved.");
        await Expect(google).ToContainTextAsync("Configured");
        await Expect(google.GetByLabel("Client secret")).ToHaveValueAsync(string.Empty);
        Assert.DoesNotContain(provider.ClientSecret, await page.ContentAsync(), StringComparison.Ordinal);
        await browser.ScreenshotAsync("oauth-settings-saved");

        // The wizard: the Gmail preset offers Google sign-in instead of the App Password.
        await dashboard.OpenSourcesAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Add source" }).First.ClickAsync();
        await page.GetByLabel("Mail provider").SelectOptionAsync("gmail");
        await Expect(page.GetByLabel("Sign in with Google (OAuth2)")).ToBeCheckedAsync();
        await Expect(page.Locator("#oauth-steps")).ToContainTextAsync("Vault sends you to Google's sign-in page");
        await Expect(page.Locator("#field-password")).ToBeHiddenAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Test connection" })).ToBeHiddenAsync();
        // The test Dovecot stands in for imap.gmail.com: plain IMAP on loopback.
        await page.GetByLabel("Server (host name)").FillAsync(dovecot.Host);
        await page.GetByLabel("Use TLS (encrypted connection)").UncheckAsync();
        await page.GetByLabel("Port", new() { Exact = true }).FillAsync(dovecot.ImapPort.ToString(CultureInfo.InvariantCulture));
        await page.GetByLabel("Name in Vault").FillAsync("Gmail via OAuth");
        await page.GetByLabel("Email address (the account you sign in with)").FillAsync(user.Name);
        await page.GetByLabel("After the import").SelectOptionAsync("poll");
        await browser.ScreenshotAsync("wizard-sign-in-with-google");

        // To the provider's consent page and back.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with Google" }).ClickAsync();
        await ConsentAsync(browser, provider, user, "provider-consent");
        await Expect(page.Locator("#signed-in")).ToHaveTextAsync("Signed in: Gmail via OAuth is connected, and Vault archives its mail now.");
        await dashboard.WaitForStatusAsync("Gmail via OAuth", "Active", ImportDeadline);
        await Expect(dashboard.SourceRow("Gmail via OAuth").Locator(".progress-cell")).ToContainTextAsync("2 / 2");
        await browser.ScreenshotAsync("sources-oauth-active");

        // The account's owner removes Vault's access: the source waits for a person, who reconnects.
        provider.RevokeGrantsOf(user.Name);
        await dashboard.WaitForStatusAsync("Gmail via OAuth", "Error", ImportDeadline);
        var panel = page.Locator("section.error-panel");
        await Expect(panel).ToContainTextAsync("OAuthConsentRequired", new() { Timeout = (float)ImportDeadline.TotalMilliseconds });
        await Expect(panel).ToContainTextAsync("Vault waits for you");
        await Expect(page.Locator("#signed-in")).ToBeHiddenAsync();
        var reconnect = panel.GetByRole(AriaRole.Button, new() { Name = "Reconnect Gmail via OAuth: sign in with Google" });
        await Expect(reconnect).ToHaveTextAsync("Reconnect");
        await browser.ScreenshotAsync("sources-oauth-reconnect");

        await dovecot.AppendAsync(user, "INBOX", MailFixture.Message("While disconnected", "Body 3"), ct);
        await reconnect.ClickAsync();
        await ConsentAsync(browser, provider, user, "provider-consent-again");
        await dashboard.WaitForStatusAsync("Gmail via OAuth", "Active", ImportDeadline);
        await Expect(dashboard.SourceRow("Gmail via OAuth").Locator(".progress-cell")).ToContainTextAsync("3 / 3", new() { Timeout = (float)ImportDeadline.TotalMilliseconds });
        await browser.ScreenshotAsync("sources-oauth-reconnected");

        Assert.All(browser.Requests, url => Assert.True(
            url.StartsWith($"{_host.Origin}/", StringComparison.Ordinal) || url.StartsWith(provider.BaseUrl.AbsoluteUri, StringComparison.Ordinal),
            $"The page requested {url}, outside Vault and the provider"));
        var secrets = provider.Secrets;
        Assert.DoesNotContain(browser.Requests, url => url.Contains("/api/", StringComparison.Ordinal) && secrets.Any(secret => url.Contains(secret, StringComparison.Ordinal)));
    }

    /// <summary>On the provider's page: sign in as the mailbox's account and allow; the provider sends the browser back to Vault.</summary>
    private static async Task ConsentAsync(BrowserSession browser, TestAuthorizationServer provider, TestUser user, string screenshot)
    {
        var page = browser.Page;
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to Test Provider" })).ToBeVisibleAsync();
        Assert.StartsWith(provider.AuthorizeUrl.AbsoluteUri, page.Url, StringComparison.Ordinal);
        await page.GetByLabel("Account").FillAsync(user.Name);
        await browser.ScreenshotAsync(screenshot);
        await page.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sources", Exact = true })).ToBeVisibleAsync();
    }
}
