using System.Net;
using System.Text.Json.Nodes;
using static Vault.Api.Tests.Sources.JsonBodies;

namespace Vault.Api.Tests.Sources;

public sealed class SourceDescriptionTests : IDisposable
{
    private readonly SourceApiFactory _api = new();

    [Fact]
    public async Task A_description_is_kept_shown_and_changed_by_an_edit()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = _api.CreateClient();
        var body = Body("Accounts payable: invoices from suppliers, kept 10 years");

        var created = await ReadAsync(await client.PostAsync(new Uri("/api/sources", UriKind.Relative), Json(body), ct));
        var id = created["id"]!.GetValue<string>();
        Assert.Equal("Accounts payable: invoices from suppliers, kept 10 years", created["description"]!.GetValue<string>());

        var listed = JsonNode.Parse(await client.GetStringAsync(new Uri("/api/sources", UriKind.Relative), ct))!.AsArray().Single()!;
        Assert.Equal("Accounts payable: invoices from suppliers, kept 10 years", listed["description"]!.GetValue<string>());

        body["description"] = "  Now the shared finance box  ";
        body.Remove("password");
        var edited = await ReadAsync(await client.PutAsync(new Uri($"/api/sources/{id}", UriKind.Relative), Json(body), ct));
        Assert.Equal("Now the shared finance box", edited["description"]!.GetValue<string>());

        body.Remove("description");
        var cleared = await ReadAsync(await client.PutAsync(new Uri($"/api/sources/{id}", UriKind.Relative), Json(body), ct));
        Assert.Null(cleared["description"]);
    }

    [Fact]
    public async Task A_description_over_1000_characters_is_a_validation_error_naming_it()
    {
        var response = await _api.CreateClient().PostAsync(new Uri("/api/sources", UriKind.Relative), Json(Body(new string('d', 1001))), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ReadAsync(response))["errors"]!.AsObject().ContainsKey("description"));
    }

    public void Dispose() => _api.Dispose();

    // 127.0.0.1 on a port nothing listens on: the sync job that starts on create fails fast and harmlessly.
    private static JsonObject Body(string description) => new()
    {
        ["name"] = "Finance",
        ["description"] = description,
        ["host"] = "127.0.0.1",
        ["port"] = 9,
        ["tls"] = false,
        ["username"] = "finance",
        ["password"] = "finance-Secret-1",
    };
}
