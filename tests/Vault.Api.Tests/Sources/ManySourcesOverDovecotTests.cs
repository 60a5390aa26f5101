using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Vault.TestSupport;
using static Vault.Api.Tests.Sources.JsonBodies;

namespace Vault.Api.Tests.Sources;

/// <summary>
/// No ceiling on sources: Quartz's default pool of 10 left the 11th source Importing 0/0 forever. Fifty sources, each
/// its own Dovecot user, go through the real host; imports queue for 4 slots and every source ends Active, idling on
/// exactly one connection.
/// </summary>
public sealed class ManySourcesOverDovecotTests : IDisposable
{
    private const int Sources = 50;
    private const int MessagesEach = 2;

    private readonly SourceApiFactory _api = new(new Dictionary<string, string> { ["Vault:Sync:MaxConcurrentImports"] = "4" });
    private readonly TestDovecot _dovecot = TestDovecot.Require();
    private readonly HttpClient _client;
    private readonly List<TestUser> _users = [];

    public ManySourcesOverDovecotTests() => _client = _api.CreateClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Fifty_sources_all_reach_Active_and_each_idles_on_one_connection()
    {
        var users = _users;
        for (var i = 0; i < Sources; i++)
        {
            var user = _dovecot.CreateUser("many");
            for (var n = 1; n <= MessagesEach; n++)
            {
                await _dovecot.AppendAsync(user, "INBOX", Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
                    $"From: a@example.org\r\nTo: {user.Name}@example.com\r\nSubject: many {n}\r\nMessage-ID: <{user.Name}.{n}@example.org>\r\n\r\nbody {n}\r\n")), Ct);
            }

            users.Add(user);
        }

        var ids = new List<string>();
        foreach (var user in users)
        {
            var created = await _client.PostAsync(new Uri("/api/sources", UriKind.Relative), Json(new JsonObject
            {
                ["name"] = user.Name,
                ["host"] = _dovecot.Host,
                ["port"] = _dovecot.ImapPort,
                ["tls"] = false,
                ["username"] = user.Name,
                ["password"] = user.Password,
            }), Ct);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            ids.Add((await ReadAsync(created))["id"]!.GetValue<string>());
        }

        JsonArray sources = [];
        var toActive = await Deadline.UntilAsync(
            async () =>
            {
                sources = (await ReadAsync(await _client.GetAsync(new Uri("/api/sources", UriKind.Relative), Ct))).AsArray();
                return sources.Count == Sources && sources.All(s => s!["status"]!.GetValue<string>() == "Active");
            },
            TimeSpan.FromSeconds(120),
            () => "all Active; not yet: " + string.Join(", ", sources.Where(s => s!["status"]!.GetValue<string>() != "Active").Select(s => $"{s!["name"]} {s["status"]} {s["progress"]!.ToJsonString()}")),
            Ct);

        Assert.All(sources, s =>
        {
            Assert.Equal(MessagesEach, s!["progress"]!["messagesArchived"]!.GetValue<long>());
            Assert.False(s["progress"]!["waiting"]!.GetValue<bool>());
            Assert.Null(s["error"]);
        });

        // Some had to wait their turn, and said so.
        var queued = 0;
        foreach (var id in ids)
        {
            var events = (await ReadAsync(await _client.GetAsync(new Uri($"/api/sources/{id}/events", UriKind.Relative), Ct))).AsArray();
            queued += events.Count(e => e!["kind"]!.GetValue<string>() == "queued");
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{queued} of {Sources} sources waited for one of 4 import slots; all Active {toActive.TotalSeconds:F1} s after the last was created");

        // An idle Active source holds its IDLE connection and nothing else (other folders are polled on demand).
        foreach (var user in users)
        {
            var name = user.Name;
            await Deadline.UntilAsync(async () => await _dovecot.SessionsAsync(user, Ct) == 1, TimeSpan.FromSeconds(10), $"{name} has exactly one session", Ct);
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
