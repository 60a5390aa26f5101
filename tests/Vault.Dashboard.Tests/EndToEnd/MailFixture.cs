using System.Net.Http.Json;
using System.Text;
using Vault.TestSupport;

namespace Vault.Dashboard.Tests.EndToEnd;

/// <summary>Mail in the test Dovecot and sources created straight through the API, for the scenarios that start there.</summary>
public static class MailFixture
{
    public static byte[] Message(string subject, string body, string from = "Anna Sender <anna@example.test>") =>
        Encoding.UTF8.GetBytes(
            $"From: {from}\r\nTo: archive@example.test\r\nSubject: {subject}\r\n" +
            $"Date: Tue, 03 Mar 2026 10:15:00 +0000\r\nMessage-ID: <{Guid.NewGuid():N}@example.test>\r\n" +
            $"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n");

    /// <summary>POST /api/sources for plain IMAP on the test Dovecot; returns the new source's id.</summary>
    public static async Task<string> CreateSourceAsync(DashboardHost host, TestDovecot dovecot, string name, TestUser user, string? password = null)
    {
        var response = await host.Api.PostAsJsonAsync("/api/sources", new
        {
            name,
            protocol = "imap",
            host = dovecot.Host,
            port = dovecot.ImapPort,
            tls = false,
            allowInsecureCertificate = false,
            username = user.Name,
            password = password ?? user.Password,
            syncMode = "idle",
        }, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"POST /api/sources answered {(int)response.StatusCode}: {body}");
        var created = System.Text.Json.JsonDocument.Parse(body);
        return created.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>POST /api/connectors for plain IMAP on the test Dovecot with its master user; returns the new connector's id.</summary>
    public static async Task<string> CreateConnectorAsync(DashboardHost host, TestDovecot dovecot, string name, string? separator = null)
    {
        var response = await host.Api.PostAsJsonAsync("/api/connectors", new
        {
            name,
            protocol = "imap",
            host = dovecot.Host,
            port = dovecot.ImapPort,
            tls = false,
            authMode = "masterUser",
            adminUsername = dovecot.MasterUser,
            adminPassword = dovecot.MasterPassword,
            masterUserSeparator = separator,
        }, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"POST /api/connectors answered {(int)response.StatusCode}: {body}");
        return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>POST /api/connectors/{id}/mailboxes with user names only.</summary>
    public static async Task AddMailboxesAsync(DashboardHost host, string connectorId, params string[] usernames)
    {
        var response = await host.Api.PostAsJsonAsync(
            $"/api/connectors/{connectorId}/mailboxes",
            new { mailboxes = usernames.Select(username => new { username }).ToArray() },
            TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"POST /api/connectors/{connectorId}/mailboxes answered {(int)response.StatusCode}: {body}");
    }
}
