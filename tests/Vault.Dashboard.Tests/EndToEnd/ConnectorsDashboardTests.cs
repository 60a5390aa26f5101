using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Vault.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Vault.Dashboard.Tests.EndToEnd;

public sealed class ConnectorsDashboardTests : IDisposable
{
    private static readonly TimeSpan ImportDeadline = TimeSpan.FromSeconds(60);
    private readonly DashboardHost _host = new();

    [Fact]
    public async Task A_master_user_connector_made_in_the_wizard_takes_a_csv_list_and_its_mailboxes_reach_active()
    {
        var dovecot = TestDovecot.Require();
        var ct = TestContext.Current.CancellationToken;
        var alice = dovecot.CreateUser("dash-conn-alice");
        var bob = dovecot.CreateUser("dash-conn-bob");
        for (var i = 1; i <= 3; i++)
        {
            await dovecot.AppendAsync(alice, "INBOX", MailFixture.Message($"Alice message {i}", $"Body {i}"), ct);
        }

        for (var i = 1; i <= 2; i++)
        {
            await dovecot.AppendAsync(bob, "INBOX", MailFixture.Message($"Bob message {i}", $"Body {i}"), ct);
        }

        await using var browser = await BrowserSession.StartAsync();
        var dashboard = new DashboardPage(browser, _host);
        var page = dashboard.Page;
        await page.GotoAsync($"{_host.Origin}/#key={_host.ApiKey}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Exact = true })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Connectors", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Connectors", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByText("No connector yet")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Add connector" }).First.ClickAsync();

        // The wizard: the server, then the master user (SASL PLAIN authzid, the default form).
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Add a connector" })).ToBeVisibleAsync();
        await page.GetByLabel("Name in Vault").FillAsync("Test Dovecot");
        await page.GetByLabel("Server (host name)").FillAsync(dovecot.Host);
        await page.GetByLabel("Use TLS (encrypted connection)").UncheckAsync();
        await Expect(page.GetByLabel("Port", new() { Exact = true })).ToHaveValueAsync("143");
        await page.GetByLabel("Port", new() { Exact = true }).FillAsync(dovecot.ImapPort.ToString(CultureInfo.InvariantCulture));
        await Expect(page.GetByLabel("Master user: an admin account that may log in as any mailbox")).ToBeCheckedAsync();
        await Expect(page.Locator("#advice-magicPassword")).ToContainTextAsync("Postfix");
        await Expect(page.Locator("#advice-perUser")).ToContainTextAsync("Cyrus without admin rights");
        await page.GetByLabel("Admin (master) user name").FillAsync(dovecot.MasterUser);
        await page.GetByLabel("Admin password").FillAsync(dovecot.MasterPassword);

        // Test connection asks for a mailbox to log in as first.
        await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        await Expect(page.Locator("#error-testUser")).ToContainTextAsync("user name of a mailbox");
        await Expect(page.GetByLabel("Test mailbox (a user name on this server)")).ToBeFocusedAsync();
        await page.GetByLabel("Test mailbox (a user name on this server)").FillAsync(alice.Name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        var ok = page.Locator("#test-ok");
        await Expect(ok).ToContainTextAsync("Connection works", new() { Timeout = 20_000 });
        await Expect(ok.Locator(".folder-list")).ToContainTextAsync("INBOX");
        await browser.ScreenshotAsync("connector-wizard");

        await page.GetByRole(AriaRole.Button, new() { Name = "Save connector" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Test Dovecot", Exact = true })).ToBeVisibleAsync();
        var connectorId = Uri.UnescapeDataString(page.Url.Split("#/connectors/")[1]);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "No mailbox yet" })).ToBeVisibleAsync();

        // A file with one bad line, read into the box: the error names line 3 and shows its text; nothing is created.
        var csv = page.GetByLabel("Mailbox list (CSV)");
        var badList = $"username,email,displayName\n{alice.Name},alice@example.test,Alice Archive\n{bob.Name},not-an-address,Bob Archive\n";
        await page.GetByLabel("Or read a .csv file").SetInputFilesAsync(new FilePayload
        {
            Name = "mailboxes.csv",
            MimeType = "text/csv",
            Buffer = System.Text.Encoding.UTF8.GetBytes(badList),
        });
        await Expect(csv).ToHaveValueAsync(badList);
        await Expect(page.Locator("#mailbox-csv-result")).ToContainTextAsync("Read mailboxes.csv: 3 lines");
        await page.GetByRole(AriaRole.Button, new() { Name = "Validate" }).ClickAsync();
        var errors = page.Locator("#csv-errors");
        await Expect(errors).ToContainTextAsync("Nothing was added");
        var lineErrors = errors.Locator(".line-errors > li");
        await Expect(lineErrors).ToHaveCountAsync(1);
        await Expect(lineErrors.First.Locator(".line-number")).ToHaveTextAsync("Line 3");
        await Expect(lineErrors.First.Locator(".line-text")).ToHaveTextAsync($"{bob.Name},not-an-address,Bob Archive");
        await Expect(lineErrors.First.Locator(".line-messages")).ToContainTextAsync("email:");
        await browser.ScreenshotAsync("connector-csv-error");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add mailboxes" }).ClickAsync();
        await Expect(errors.Locator(".line-number")).ToHaveTextAsync("Line 3");
        Assert.Empty(await _host.Api.GetFromJsonAsync<JsonElement[]>($"/api/connectors/{connectorId}/mailboxes", ct) ?? []);

        // Fixed: the dry run passes, then Add creates both.
        await csv.FillAsync($"username,email,displayName\n{alice.Name},alice@example.test,Alice Archive\n{bob.Name},bob@example.test,Bob Archive\n");
        await page.GetByRole(AriaRole.Button, new() { Name = "Validate" }).ClickAsync();
        await Expect(page.Locator("#csv-ok")).ToContainTextAsync("Every line is valid");
        await Expect(page.Locator("#csv-ok")).ToContainTextAsync("2 mailboxes can be added");
        Assert.Empty(await _host.Api.GetFromJsonAsync<JsonElement[]>($"/api/connectors/{connectorId}/mailboxes", ct) ?? []);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add mailboxes" }).ClickAsync();
        await Expect(page.Locator("#csv-ok")).ToContainTextAsync("Added 2 mailboxes");
        await Expect(csv).ToHaveValueAsync("");

        // A mailbox's row header holds its display name and, under it, its email address.
        var aliceRow = page.Locator("table.sources tbody tr").Filter(new() { Has = page.Locator("th.name", new() { HasTextString = "Alice Archive" }) });
        var bobRow = page.Locator("table.sources tbody tr").Filter(new() { Has = page.Locator("th.name", new() { HasTextString = "Bob Archive" }) });
        await Expect(aliceRow.Locator(".badge")).ToHaveTextAsync("Active", new() { Timeout = (float)ImportDeadline.TotalMilliseconds });
        await Expect(bobRow.Locator(".badge")).ToHaveTextAsync("Active", new() { Timeout = (float)ImportDeadline.TotalMilliseconds });
        await Expect(aliceRow.Locator(".progress-cell")).ToContainTextAsync("3 / 3");
        await Expect(bobRow.Locator("th .description")).ToHaveTextAsync("bob@example.test");
        var summary = page.Locator(".connector-summary");
        await Expect(summary).ToContainTextAsync("2 mailboxes");
        await Expect(summary.Locator(".server-progress")).ToContainTextAsync("5 / 5 messages");
        await Expect(summary).ToContainTextAsync($"Master user {dovecot.MasterUser} (SASL PLAIN)");

        // The status filter.
        var filter = page.Locator(".filter-bar");
        await filter.Locator("[data-filter=Error]").ClickAsync();
        await Expect(filter.Locator("[data-filter=Error]")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(page.Locator("table.sources tbody tr")).ToHaveCountAsync(0);
        await Expect(page.Locator(".empty-filter")).ToHaveTextAsync("No mailbox is in error right now.");
        await filter.Locator("[data-filter=Active]").ClickAsync();
        await Expect(filter.Locator("[data-filter=Active] .count")).ToHaveTextAsync("2");
        await Expect(page.Locator("table.sources tbody tr")).ToHaveCountAsync(2);
        await filter.Locator("[data-filter=All]").ClickAsync();
        await browser.ScreenshotAsync("connector-page");

        // The list: aggregate counts and one progress bar for the whole server.
        await page.GetByRole(AriaRole.Link, new() { Name = "Connectors", Exact = true }).ClickAsync();
        var row = page.Locator("table.connectors tbody tr").Filter(new() { HasText = "Test Dovecot" });
        await Expect(row.Locator(".mailbox-counts")).ToContainTextAsync("2 mailboxes");
        await Expect(row.Locator(".mailbox-counts .badge-active")).ToHaveTextAsync("2 Active");
        await Expect(row.Locator("progress")).ToHaveAttributeAsync("value", "5");
        await Expect(row.Locator(".server-progress")).ToContainTextAsync("5 / 5 messages");
        await browser.ScreenshotAsync("connectors-list");

        // The overview: totals, sources by status and today's bar in the chart.
        await page.GetByRole(AriaRole.Link, new() { Name = "Overview", Exact = true }).ClickAsync();
        await Expect(page.Locator(".tile").Filter(new() { HasText = "Messages archived" }).Locator(".tile-value")).ToHaveTextAsync("5");
        await Expect(page.Locator(".status-counts [data-status=Active] .count")).ToHaveTextAsync("2");
        var today = page.Locator("svg.bar-chart rect.bar-today");
        await Expect(today).ToHaveAttributeAsync("data-messages", "5");
        var height = double.Parse(await today.GetAttributeAsync("height") ?? "0", CultureInfo.InvariantCulture);
        Assert.True(height > 0, $"today's bar is {height} px high");
        await Expect(page.Locator("svg.bar-chart desc")).ToContainTextAsync("Today: 5");
        await Expect(page.Locator("svg.bar-chart rect.bar")).ToHaveCountAsync(30);
        await Expect(page.Locator("svg.bar-chart .grid text").Last).ToHaveTextAsync("5");
        await page.GetByText("Show the numbers").ClickAsync();
        await Expect(page.Locator(".chart-numbers tbody tr").Last).ToContainTextAsync("(today)");
        await Expect(page.Locator(".chart-numbers tbody tr").Last.Locator("td")).ToHaveTextAsync("5");
        await browser.ScreenshotAsync("overview");

        dashboard.AssertNoRequestLeftTheOrigin();
    }

    [Fact]
    public async Task Pause_all_resume_all_edit_and_delete_with_its_mailboxes_work_from_the_connector_page()
    {
        var dovecot = TestDovecot.Require();
        var carol = dovecot.CreateUser("dash-conn-carol");
        await dovecot.AppendAsync(carol, "INBOX", MailFixture.Message("Carol message", "Body"), TestContext.Current.CancellationToken);
        // The separator form of the master user login: "carol*master".
        var connectorId = await MailFixture.CreateConnectorAsync(_host, dovecot, "Separator Dovecot", separator: "*");
        await MailFixture.AddMailboxesAsync(_host, connectorId, carol.Name);

        await using var browser = await BrowserSession.StartAsync();
        var dashboard = new DashboardPage(browser, _host);
        var page = dashboard.Page;
        await dashboard.SignInAsync();
        await page.GotoAsync($"{_host.Origin}/#/connectors/{connectorId}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Separator Dovecot", Exact = true })).ToBeVisibleAsync();
        await Expect(page.Locator(".connector-summary")).ToContainTextAsync($"Master user {dovecot.MasterUser} (user*{dovecot.MasterUser})");
        await dashboard.WaitForStatusAsync(carol.Name, "Active", ImportDeadline);

        await page.GetByRole(AriaRole.Button, new() { Name = "Pause all" }).ClickAsync();
        await dashboard.WaitForStatusAsync(carol.Name, "Paused", TimeSpan.FromSeconds(15));
        await Expect(page.Locator(".connector-summary .badge-paused")).ToHaveTextAsync("1 Paused");
        await page.GetByRole(AriaRole.Button, new() { Name = "Resume all" }).ClickAsync();
        await dashboard.WaitForStatusAsync(carol.Name, "Active", ImportDeadline);

        // Edit: the wizard holds the saved settings (the separator form) and keeps the admin password when left empty.
        await page.Locator("#connector-head").GetByRole(AriaRole.Link, new() { Name = "Edit" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Edit Separator Dovecot" })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Admin (master) user name")).ToHaveValueAsync(dovecot.MasterUser);
        await Expect(page.GetByLabel("How the admin logs in as a mailbox")).ToHaveValueAsync("separator");
        await Expect(page.GetByLabel("Separator", new() { Exact = true })).ToHaveValueAsync("*");
        await Expect(page.GetByLabel("Admin password")).ToHaveValueAsync("");
        await page.GetByLabel("Name in Vault").FillAsync("Renamed Dovecot");
        await page.GetByLabel("Imports at once").FillAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Renamed Dovecot", Exact = true })).ToBeVisibleAsync();
        await Expect(page.Locator(".connector-summary")).ToContainTextAsync("2 imports at once");
        await dashboard.WaitForStatusAsync(carol.Name, "Active", ImportDeadline);

        // Delete explains that the mailboxes go too, and offers to erase their mail; Cancel keeps everything.
        var delete = page.Locator("#connector-head").GetByRole(AriaRole.Button, new() { Name = "Delete" });
        await delete.ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("still has 1 mailbox");
        await Expect(dialog.GetByLabel("Also erase the archived mail of this mailbox (cannot be undone)")).Not.ToBeCheckedAsync();
        await browser.ScreenshotAsync("connector-delete");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        await delete.ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete connector and 1 mailbox" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Connectors", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByText("No connector yet")).ToBeVisibleAsync();
        Assert.Empty(await _host.Api.GetFromJsonAsync<JsonElement[]>("/api/sources", TestContext.Current.CancellationToken) ?? []);

        dashboard.AssertNoRequestLeftTheOrigin();
    }

    public void Dispose() => _host.Dispose();
}
