using System.Text;
using System.Text.Json.Nodes;

namespace Vault.Api.Tests.Sources;

/// <summary>JSON request bodies and responses as the source tests write and read them.</summary>
internal static class JsonBodies
{
    public static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    public static async Task<JsonNode> ReadAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
}
