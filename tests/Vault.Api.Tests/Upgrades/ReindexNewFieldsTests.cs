using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Vault.Ingestion.Jobs;
using Vault.TestSupport;

namespace Vault.Api.Tests.Upgrades;

/// <summary>
/// An archive indexed before "Search, second step" (datadir-v1, written by an earlier Vault) gets flags, Message-IDs and
/// facets through <c>POST /api/admin/reindex</c>, from the archive alone: no mail server exists here (a recording runner
/// stands in for the sync jobs), so nothing can be downloaded again. Until then, searches that need them say so.
/// </summary>
public sealed class ReindexNewFieldsTests : IDisposable
{
    private const string ApiKey = "reindex-test-key";
    private static readonly TimeSpan ReindexDeadline = TimeSpan.FromSeconds(90);

    private readonly TempDirectory _temp = new("vault-reindex");
    private readonly DataDirectoryFixture _fixture = DataDirectoryFixture.Open("datadir-v1");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_v1_archive_gets_flags_message_ids_and_facets_by_rebuilding_its_index_from_the_store_at_start()
    {
        var data = _fixture.CopyDataTo(Path.Combine(_temp.Path, "data"));
        await using var host = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Vault:DataDirectory", data);
            web.UseSetting("Vault:ApiKey", ApiKey);
            web.ConfigureTestServices(services => services.AddSingleton<ISourceRunner>(new RecordingSourceRunner()));
        });
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);

        var messages = _fixture.Sources.SelectMany(s => s.GetProperty("messages").EnumerateArray()).ToList();
        bool Has(JsonElement m, string flag) => m.GetProperty("flags").EnumerateArray().Any(f => f.GetString() == flag);
        var read = messages.Count(m => Has(m, "\\Seen"));
        var answered = messages.Count(m => Has(m, "\\Answered"));
        var deleted = messages.Count(m => m.GetProperty("deletedOnServerAt").ValueKind == JsonValueKind.String);
        Assert.True(read > 0 && answered > 0 && deleted > 0 && read < messages.Count, $"{read} read, {answered} answered, {deleted} deleted of {messages.Count}");

        // The index of the earlier Vault has no archive change number: the first start rebuilds it from the store on its own.
        await Deadline.UntilAsync(
            async () => (await SearchAsync(client, "is:read", "")).GetProperty("total").GetInt64() == read,
            ReindexDeadline,
            "the earlier Vault's index rebuilt at start and is:read counting every read message",
            Ct);

        // A reindex asked for on top of that rebuilds it again to the same answers.
        var started = await client.PostAsync(new Uri("/api/admin/reindex", UriKind.Relative), null, Ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        await Deadline.UntilAsync(
            async () => !(await client.GetFromJsonAsync<JsonElement>("/api/admin/reindex", Ct)).GetProperty("running").GetBoolean()
                && (await SearchAsync(client, "is:read", "")).GetProperty("total").GetInt64() == read,
            ReindexDeadline,
            "the reindex done and is:read counting every read message",
            Ct);

        Assert.Equal(messages.Count - read, await TotalAsync(client, "is:unread"));
        Assert.Equal(answered, await TotalAsync(client, "is:answered"));
        Assert.Equal(deleted, await TotalAsync(client, "is:deleted"));
        foreach (var message in messages.Where((_, i) => i % 9 == 0))
        {
            var messageId = message.GetProperty("headers").GetProperty("messageIdHeader").GetString()!;
            Assert.Equal(1, await TotalAsync(client, $"msgid:{messageId}"));
        }

        var after = await SearchAsync(client, "larger:1", "&facets=folder,source");
        Assert.Empty(after.GetProperty("warnings").EnumerateArray());
        foreach (var folder in after.GetProperty("facets").GetProperty("folder").EnumerateArray())
        {
            Assert.Equal(folder.GetProperty("count").GetInt64(), await TotalAsync(client, $"in:\"{folder.GetProperty("value").GetString()}\""));
        }

        Assert.Equal(
            _fixture.Sources.ToDictionary(s => s.GetProperty("id").GetString()!, s => s.GetProperty("messageCount").GetInt64()),
            after.GetProperty("facets").GetProperty("source").EnumerateArray().ToDictionary(v => v.GetProperty("value").GetString()!, v => v.GetProperty("count").GetInt64()));
    }

    private static async Task<JsonElement> SearchAsync(HttpClient client, string query, string parameters) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/search?q={Uri.EscapeDataString(query)}&pageSize=1{parameters}", Ct);

    private static async Task<long> TotalAsync(HttpClient client, string query) =>
        (await SearchAsync(client, query, "")).GetProperty("total").GetInt64();
}
