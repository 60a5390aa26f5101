using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Vault.TestSupport;
using static Vault.Api.Tests.Sources.JsonBodies;

namespace Vault.Api.Tests.Sources;

public sealed class SourceEndpointsTests : IDisposable
{
    private const string Password = "api-test-Secret-77";
    private readonly SourceApiFactory _api = new();

    public static TheoryData<string, string> InvalidBodies => new()
    {
        // a change to a valid test body, and the field the 400 must name
        { """{"protocol":"smtp"}""", "protocol" },
        { """{"host":"imaps://mail.example.com"}""", "host" },
        { """{"host":"mail.example.com/inbox"}""", "host" },
        { """{"host":"mail example.com"}""", "host" },
        { """{"host":null}""", "host" },
        { """{"port":0}""", "port" },
        { """{"port":70000}""", "port" },
        { """{"username":""}""", "username" },
        { """{"password":null}""", "password" },
        { """{"timeout":"00:00:01"}""", "timeout" },
        { """{"timeout":"00:11:00"}""", "timeout" },
        { """{"timeout":"soon"}""", "timeout" },
        { """{"includeFolders":[""]}""", "includeFolders[0]" },
        { """{"excludeFolders":["Archive//2022"]}""", "excludeFolders[0]" },
        { """{"excludeFolders":["Arch\u0001ive"]}""", "excludeFolders[0]" },
        { """{"includeFolders":["INBOX","Archive/%"]}""", "includeFolders[1]" },
        { """{"pollInterval":"00:00:01"}""", "pollInterval" },
        { """{"syncMode":"push"}""", "syncMode" },
        { """{"tlsMode":"ssl","tls":true}""", "tlsMode" },
        { """{"tlsMode":"starttls","tls":false}""", "tlsMode" },
        { """{"provider":"no-such-provider"}""", "provider" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Each_invalid_field_is_named_in_a_validation_problem(string change, string field)
    {
        var body = ValidBody();
        foreach (var (key, value) in JsonNode.Parse(change)!.AsObject())
        {
            body[key] = value?.DeepClone();
        }

        var response = await _api.CreateClient().PostAsync(new Uri("/api/sources/test", UriKind.Relative), Json(body), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await ReadAsync(response))["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(field), $"expected '{field}' among {errors.ToJsonString()}");
        AssertNoPasswordLeaked();
    }

    [Fact]
    public async Task Several_invalid_fields_are_all_named_at_once()
    {
        var body = new JsonObject { ["protocol"] = "smtp", ["host"] = "http://x/y", ["port"] = -1, ["username"] = "" };

        var response = await _api.CreateClient().PostAsync(new Uri("/api/sources/test", UriKind.Relative), Json(body), TestContext.Current.CancellationToken);

        var errors = (await ReadAsync(response))["errors"]!.AsObject();
        Assert.Equal(["host", "password", "port", "protocol", "username"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        using var content = new StringContent("{\"name\": ", Encoding.UTF8, "application/json");

        var response = await _api.CreateClient().PostAsync(new Uri("/api/sources/test", UriKind.Relative), content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Testing_a_closed_port_answers_ok_false_with_connection_refused()
    {
        var body = ValidBody();
        body["port"] = ClosedPort();

        var response = await _api.CreateClient().PostAsync(new Uri("/api/sources/test", UriKind.Relative), Json(body), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await ReadAsync(response);
        Assert.False(result["ok"]!.GetValue<bool>());
        Assert.Equal("ConnectionRefused", result["error"]!["code"]!.GetValue<string>());
        Assert.Empty(result["folders"]!.AsArray());
        AssertNoPasswordLeaked();
    }

    [Fact]
    public async Task Providers_list_every_preset_with_app_password_guidance()
    {
        var response = await _api.CreateClient().GetAsync(new Uri("/api/providers", UriKind.Relative), TestContext.Current.CancellationToken);

        var providers = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsArray();
        Assert.Equal(
            ["fastmail", "gmail", "gmx", "icloud", "imap", "outlook", "pop3", "yahoo", "yandex", "zoho"],
            providers.Select(p => p!["id"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var gmail = providers.Single(p => p!["id"]!.GetValue<string>() == "gmail")!;
        Assert.Equal("imap.gmail.com", gmail["host"]!.GetValue<string>());
        Assert.True(gmail["needsAppPassword"]!.GetValue<bool>());
        Assert.Equal("https://support.google.com/accounts/answer/185833", gmail["helpUrl"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_applies_defaults_and_never_returns_the_password()
    {
        RequireStore();
        var client = _api.CreateClient();

        var created = await client.PostAsync(new Uri("/api/sources", UriKind.Relative), Json(new JsonObject { ["name"] = "Defaults", ["host"] = "mail.example.com", ["username"] = "me", ["password"] = Password }), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var source = await ReadAsync(created);
        Assert.Equal($"/api/sources/{source["id"]}", created.Headers.Location?.ToString());
        Assert.Equal(("imap", 993, true, "implicit", "Importing"), (source["protocol"]!.GetValue<string>(), source["port"]!.GetValue<int>(), source["tls"]!.GetValue<bool>(), source["tlsMode"]!.GetValue<string>(), source["status"]!.GetValue<string>()));
        Assert.False(source.AsObject().ContainsKey("password"));

        var list = JsonNode.Parse(await client.GetStringAsync(new Uri("/api/sources", UriKind.Relative), TestContext.Current.CancellationToken))!.AsArray();
        Assert.Single(list);
        AssertNoPasswordLeaked();
    }

    [Theory]
    [InlineData("""{"tls":false,"port":143}""", 143, false, null)]
    [InlineData("""{"tls":true,"port":143}""", 143, true, "starttls")]
    [InlineData("""{"tls":false}""", 143, false, null)]
    [InlineData("""{"provider":"gmail","host":null}""", 993, true, "implicit")]
    [InlineData("""{"protocol":"pop3"}""", 995, true, "implicit")]
    [InlineData("""{"protocol":"pop3","tls":true,"port":110}""", 110, true, "starttls")]
    public async Task Tls_and_port_defaults_follow_the_contract(string change, int port, bool tls, string? tlsMode)
    {
        RequireStore();
        var body = new JsonObject { ["name"] = "Tls", ["host"] = "mail.example.com", ["username"] = "me", ["password"] = Password };
        foreach (var (key, value) in JsonNode.Parse(change)!.AsObject())
        {
            body[key] = value?.DeepClone();
        }

        var source = await ReadAsync(await _api.CreateClient().PostAsync(new Uri("/api/sources", UriKind.Relative), Json(body), TestContext.Current.CancellationToken));

        Assert.Equal(port, source["port"]!.GetValue<int>());
        Assert.Equal(tls, source["tls"]!.GetValue<bool>());
        Assert.Equal(tlsMode, source["tlsMode"]?.GetValue<string>());
    }

    [Fact]
    public async Task Name_must_be_present_and_unique_and_password_is_required_on_create()
    {
        RequireStore();
        var client = _api.CreateClient();
        var first = new JsonObject { ["name"] = "Unique", ["host"] = "mail.example.com", ["username"] = "me", ["password"] = Password };
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync(new Uri("/api/sources", UriKind.Relative), Json(first), TestContext.Current.CancellationToken)).StatusCode);

        var duplicate = await client.PostAsync(new Uri("/api/sources", UriKind.Relative), Json(new JsonObject { ["name"] = "unique", ["host"] = "mail.example.com", ["username"] = "me" }), TestContext.Current.CancellationToken);
        var errors = (await ReadAsync(duplicate))["errors"]!.AsObject();
        Assert.Equal(["name", "password"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));

        var nameless = await client.PostAsync(new Uri("/api/sources", UriKind.Relative), Json(new JsonObject { ["host"] = "mail.example.com", ["username"] = "me", ["password"] = Password }), TestContext.Current.CancellationToken);
        Assert.True((await ReadAsync(nameless))["errors"]!.AsObject().ContainsKey("name"));
    }

    [Fact]
    public async Task Pause_and_resume_follow_the_state_machine_and_are_recorded()
    {
        RequireStore();
        var client = _api.CreateClient();

        // The real sync job starts on create: a server that accepts and never greets keeps the source Importing
        // (an unresolvable host would turn it to Error at once, and Error may be resumed).
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
        var created = await ReadAsync(await client.PostAsync(new Uri("/api/sources", UriKind.Relative), Json(new JsonObject { ["name"] = "States", ["host"] = "127.0.0.1", ["port"] = port, ["tls"] = false, ["username"] = "me", ["password"] = Password }), TestContext.Current.CancellationToken));
        var id = created["id"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync(new Uri($"/api/sources/{id}/resume", UriKind.Relative), null, TestContext.Current.CancellationToken)).StatusCode);

        var paused = await client.PostAsync(new Uri($"/api/sources/{id}/pause", UriKind.Relative), null, TestContext.Current.CancellationToken);
        Assert.Equal("Paused", (await ReadAsync(paused))["status"]!.GetValue<string>());

        var again = await client.PostAsync(new Uri($"/api/sources/{id}/pause", UriKind.Relative), null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);

        var resumed = await client.PostAsync(new Uri($"/api/sources/{id}/resume", UriKind.Relative), null, TestContext.Current.CancellationToken);
        Assert.Equal("Importing", (await ReadAsync(resumed))["status"]!.GetValue<string>());

        var events = JsonNode.Parse(await client.GetStringAsync(new Uri($"/api/sources/{id}/events", UriKind.Relative), TestContext.Current.CancellationToken))!.AsArray();
        var messages = events.Select(e => e!["message"]!.GetValue<string>()).ToList();
        Assert.Contains(messages, m => m.StartsWith("Importing -> Paused", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Paused -> Importing", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(new Uri($"/api/sources/{id}?purge=true", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri($"/api/sources/{id}", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
        AssertNoPasswordLeaked();
    }

    public void Dispose() => _api.Dispose();

    private void RequireStore() =>
        TestRequirements.Require(_api.HasStore, "no IArchiveStore is registered yet (the store branch has not landed on main)");

    private void AssertNoPasswordLeaked() => _api.AssertNeverShown(Password);

    private static JsonObject ValidBody() => new()
    {
        ["name"] = "Valid",
        ["host"] = "127.0.0.1",
        ["port"] = ClosedPort(),
        ["tls"] = false,
        ["username"] = "me",
        ["password"] = Password,
        ["timeout"] = "00:00:10",
    };

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
