using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Vault.Api.Tests.Sources;
using Vault.TestSupport;
using static Vault.Api.Tests.Sources.JsonBodies;

namespace Vault.Api.Tests.Restore;

/// <summary>A restore that Vault was running when it stopped goes on when Vault starts again over the same data directory.</summary>
public sealed class RestoreResumeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_restore_waiting_to_retry_when_Vault_stops_is_resumed_at_the_next_start_and_ends_exact()
    {
        var dovecot = TestDovecot.Require();
        var owner = dovecot.CreateUser("api-resume");
        var corpus = await TestDovecot.RunGeneratorAsync(80, 31, Ct);
        await dovecot.FillFromMaildirAsync(owner, corpus.Maildir, Ct);
        var target = dovecot.CreateUser("api-resume-to");
        using var data = new TempDirectory("vault-restore-resume");
        var settings = new Dictionary<string, string> { ["Vault:DataDirectory"] = data.Path };
        // The target is reached through a relay on a port where nothing listens yet: the first Vault can only retry.
        var port = FreePort();
        string restoreId;
        using (var first = new SourceApiFactory(settings))
        using (var client = first.CreateClient())
        {
            var sourceId = await RestoreEndpointTests.ArchivedSourceAsync(client, dovecot, owner);
            var body = RestoreEndpointTests.Target(dovecot, target);
            body["port"] = port;
            var started = await client.PostAsync(new Uri($"/api/sources/{sourceId}/restore", UriKind.Relative), Json(body), Ct);
            restoreId = (await ReadAsync(started))["id"]!.GetValue<string>();
            JsonNode restore = new JsonObject();
            await Deadline.UntilAsync(async () =>
            {
                restore = await ReadAsync(await client.GetAsync(new Uri($"/api/restores/{restoreId}", UriKind.Relative), Ct));
                return restore["error"]?["nextRetryAt"] is not null;
            }, TimeSpan.FromSeconds(60), () => $"the restore waits to retry: {restore.ToJsonString()}", Ct);
            Assert.Equal("Running", restore["status"]!.GetValue<string>());
            Assert.Equal("ConnectionRefused", restore["error"]!["code"]!.GetValue<string>());
        }

        await using var relay = new LoopbackRelay(IPAddress.Loopback, new IPEndPoint(IPAddress.Parse(dovecot.Host), dovecot.ImapPort), port);
        using var second = new SourceApiFactory(settings);
        using var again = second.CreateClient();
        var done = await RestoreEndpointTests.FinishedAsync(again, restoreId);

        Assert.Equal("Completed", done["status"]!.GetValue<string>());
        Assert.Null(done["error"]);
        Assert.True(relay.Connections > 0);
        var source = await MailboxSnapshot.ReadAsync(dovecot, owner, Ct);
        Assert.Equal(source, await MailboxSnapshot.ReadAsync(dovecot, target, Ct));
        Assert.Equal(MailboxSnapshot.Count(source), done["messagesRestored"]!.GetValue<long>());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
