using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Vault.Api.Tests.Sources;
using Vault.TestSupport;
using static Vault.Api.Tests.Sources.JsonBodies;

namespace Vault.Api.Tests.Connectors;

/// <summary>
/// A connector of 200 small mailboxes (one Dovecot user each, 20 messages) reaches all Active while the server never
/// counts more of its sessions than the connector's <c>maxConnections</c>: Dovecot's own <c>doveadm who</c> is sampled
/// all along.
/// </summary>
public sealed class ConnectorScaleTests : IDisposable
{
    private const int Mailboxes = 200;
    private const int MessagesEach = 20;
    private const int MaxConnections = 20;

    private readonly SourceApiFactory _api = new();
    private readonly TestDovecot _dovecot = TestDovecot.Require();
    private readonly HttpClient _client;
    private readonly List<TestUser> _users = [];
    private readonly string _prefix = "scale" + Guid.NewGuid().ToString("N")[..6];

    public ConnectorScaleTests() => _client = _api.CreateClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_hundred_mailboxes_reach_Active_never_holding_more_than_maxConnections()
    {
        var csv = new StringBuilder("username\n");
        for (var i = 0; i < Mailboxes; i++)
        {
            var user = _dovecot.CreateUser(_prefix);
            _users.Add(user);
            csv.Append(user.Name).Append('\n');
            for (var n = 1; n <= MessagesEach; n++)
            {
                await _dovecot.AppendAsync(user, n % 4 == 0 ? "Sent" : "INBOX", Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
                    $"From: a@example.org\r\nTo: {user.Name}@example.org\r\nSubject: scale {n}\r\nMessage-ID: <{user.Name}.{n}@example.org>\r\n\r\nbody {n}\r\n")), Ct);
            }
        }

        var created = await _client.PostAsync(new Uri("/api/connectors", UriKind.Relative), Json(new JsonObject
        {
            ["name"] = "scale " + _prefix,
            ["host"] = _dovecot.Host,
            ["port"] = _dovecot.ImapPort,
            ["tls"] = false,
            ["authMode"] = "masterUser",
            ["adminUsername"] = _dovecot.MasterUser,
            ["adminPassword"] = _dovecot.MasterPassword,
            ["maxConnections"] = MaxConnections,
        }), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await ReadAsync(created))["id"]!.GetValue<string>();

        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var samples = new List<int>();
        var sampler = SampleAsync(samples, sampling.Token);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (var body = new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"))
        {
            Assert.Equal(HttpStatusCode.Created, (await _client.PostAsync(new Uri($"/api/connectors/{id}/mailboxes/csv", UriKind.Relative), body, Ct)).StatusCode);
        }

        JsonNode summary = new JsonObject();
        await Deadline.UntilAsync(
            async () =>
            {
                summary = (await ReadAsync(await _client.GetAsync(new Uri($"/api/connectors/{id}", UriKind.Relative), Ct)))["summary"]!;
                return summary["active"]!.GetValue<int>() == Mailboxes;
            },
            TimeSpan.FromMinutes(4),
            () => $"all {Mailboxes} Active (last summary {summary.ToJsonString()})",
            Ct);
        var toActive = clock.Elapsed;
        await sampling.CancelAsync();
        await sampler;

        Assert.Equal(Mailboxes * MessagesEach, summary["messagesArchived"]!.GetValue<long>());
        Assert.Equal(0, summary["error"]!.GetValue<int>());
        Assert.True(samples.Count > 5, $"only {samples.Count} samples of doveadm who");
        Assert.InRange(samples.Max(), 1, MaxConnections);
        var held = await _dovecot.AllSessionsAsync(Ct, _prefix);
        Assert.InRange(held, 1, MaxConnections);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{Mailboxes} mailboxes Active after {toActive.TotalSeconds:F1} s; at most {samples.Max()} sessions in {samples.Count} samples; {held} held when idle");
    }

    private async Task SampleAsync(List<int> samples, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                samples.Add(await _dovecot.AllSessionsAsync(cancellationToken, _prefix));
            }
        }
        catch (OperationCanceledException)
        {
            // Sampling ends when the mailboxes are all Active.
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _api.Dispose();
        foreach (var user in _users)
        {
            _dovecot.DeleteUser(user);
        }
    }
}
