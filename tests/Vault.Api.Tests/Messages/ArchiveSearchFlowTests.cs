using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Vault.Archive;
using Vault.Archive.Embedded;
using Vault.Archive.Messages;
using Vault.Search.Indexing;
using Vault.TestSupport;

namespace Vault.Api.Tests.Messages;

/// <summary>The embedded store, the indexer and the HTTP endpoints together: commit a batch, hand it over, find it.</summary>
public sealed class ArchiveSearchFlowTests : IDisposable
{
    private const string SourceId = "src-flow";
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(20);

    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WebApplicationFactory<Program> Host() => new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
    {
        web.UseSetting("Vault:DataDirectory", _data.Path);
        web.UseSetting("Vault:ApiKey", "test-key");
    });

    private static HttpClient Client(WebApplicationFactory<Program> host)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "test-key");
        return client;
    }

    private static byte[] Plain(int n) => Encoding.UTF8.GetBytes(
        $"From: Alice Johnson <alice.johnson@example.org>\r\nTo: bench@example.com\r\nSubject: Status report {n}\r\n" +
        $"Date: Wed, 0{n} Mar 2023 10:00:00 +0000\r\nMessage-ID: <flow{n}@example.org>\r\n\r\nThe pelican{n} count is ready.\r\n");

    private static readonly byte[] WithAttachment = Encoding.UTF8.GetBytes("""
        From: Bob <bob@example.org>
        To: bench@example.com
        Subject: =?UTF-8?Q?Pr=C3=BCfbericht?=
        Date: Fri, 10 Mar 2023 10:00:00 +0000
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="x"

        --x
        Content-Type: text/html; charset=utf-8

        <p>See the <b>flamingo</b> figures&nbsp;attached.</p><script>hidden()</script>
        --x
        Content-Type: text/csv
        Content-Disposition: attachment; filename*=UTF-8''Z%C3%A4hlung.csv
        Content-Transfer-Encoding: base64

        YSxiCjEsMgo=
        --x--
        """.ReplaceLineEndings("\r\n"));

    private static async Task<IReadOnlyList<string>> CommitAsync(IArchiveStore store, string folder, params byte[][] messages)
    {
        await store.InitializeAsync(Ct);
        var incoming = messages.Select((m, i) => new IncomingMessage(new MessageLocation(folder, 1, i + 1), MessageContent.FromBytes(m), null, [], MessageHeaderSummary.Read(new MemoryStream(m)))).ToList();
        var result = await store.CommitBatchAsync(new MessageBatch(SourceId, incoming, null), Ct);
        return result.ChangedIds.ToList();
    }

    private static async Task<JsonElement> SearchUntilAsync(HttpClient client, string query, int expectedTotal)
    {
        var body = default(JsonElement);
        await Deadline.UntilAsync(
            async () =>
            {
                body = await client.GetFromJsonAsync<JsonElement>($"/api/search?q={Uri.EscapeDataString(query)}&pageSize=50", Ct);
                return body.GetProperty("total").GetInt64() == expectedTotal;
            },
            Within, () => $"{query} finds {expectedTotal}; it found {body.GetProperty("total").GetInt64()}", Ct);
        return body;
    }

    [Fact]
    public async Task A_committed_batch_handed_to_the_indexer_is_found_over_http_and_its_messages_served()
    {
        await using var host = Host();
        var client = Client(host);
        var store = host.Services.GetRequiredService<IArchiveStore>();
        var ids = await CommitAsync(store, "Archive/2023", Plain(1), Plain(2), WithAttachment);
        await host.Services.GetRequiredService<IIndexHandOver>().EnqueueAsync(ids, Ct);

        var all = await SearchUntilAsync(client, $"source:{SourceId}", 3);
        Assert.Equal(["Prüfbericht", "Status report 2", "Status report 1"], all.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("subject").GetString()));
        var hit = Assert.Single((await SearchUntilAsync(client, "flamingo", 1)).GetProperty("hits").EnumerateArray());
        Assert.Contains("flamingo", hit.GetProperty("snippet").GetString(), StringComparison.Ordinal);
        Assert.True(hit.GetProperty("hasAttachments").GetBoolean());
        Assert.Equal(["Archive/2023"], hit.GetProperty("folders").EnumerateArray().Select(f => f.GetString()));
        await SearchUntilAsync(client, "attachment:zahlung folder:\"archive/2023\"", 1);
        await SearchUntilAsync(client, "from:alice.johnson@example.org -pelican1", 1);
        var id = hit.GetProperty("id").GetString()!;

        var list = await client.GetFromJsonAsync<JsonElement>($"/api/messages?sourceId={SourceId}&pageSize=2", Ct);
        Assert.Equal(3, list.GetProperty("total").GetInt64());
        Assert.Equal(2, list.GetProperty("items").GetArrayLength());

        var details = await client.GetFromJsonAsync<JsonElement>($"/api/messages/{id}", Ct);
        Assert.Equal("Prüfbericht", details.GetProperty("subject").GetString());
        Assert.Equal("See the flamingo figures attached.", details.GetProperty("text").GetString());
        Assert.Contains(details.GetProperty("headers").EnumerateArray(), h => h.GetProperty("name").GetString() == "Subject");
        var attachment = Assert.Single(details.GetProperty("attachments").EnumerateArray());
        Assert.Equal("Zählung.csv", attachment.GetProperty("fileName").GetString());
        Assert.Equal(8, attachment.GetProperty("size").GetInt64());

        var raw = await client.GetAsync(new Uri($"/api/messages/{id}/raw", UriKind.Relative), Ct);
        Assert.Equal("message/rfc822", raw.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"{id}.eml", raw.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(WithAttachment, await raw.Content.ReadAsByteArrayAsync(Ct));

        var file = await client.GetAsync(new Uri($"/api/messages/{id}/attachments/0", UriKind.Relative), Ct);
        Assert.Equal("text/csv", file.Content.Headers.ContentType?.MediaType);
        Assert.Equal("a,b\n1,2\n"u8.ToArray(), await file.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("Zählung.csv", file.Content.Headers.ContentDisposition?.FileNameStar);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri($"/api/messages/{id}/attachments/1", UriKind.Relative), Ct)).StatusCode);
        var missing = await client.GetAsync(new Uri("/api/messages/nope", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/api/messages/nope/raw", UriKind.Relative), Ct)).StatusCode);
        var noSource = await client.GetAsync(new Uri("/api/messages", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, noSource.StatusCode);
        Assert.True((await noSource.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("sourceId", out _));
    }

    [Fact]
    public async Task Messages_the_index_lacks_are_indexed_at_start_and_after_the_index_folder_is_deleted()
    {
        await using (var store = new EmbeddedArchiveStore(_data.Path, TimeProvider.System))
        {
            await CommitAsync(store, "INBOX", Plain(1), Plain(2));
        }

        string before;
        await using (var host = Host())
        {
            before = (await SearchUntilAsync(Client(host), "pelican1 OR pelican2", 2)).GetProperty("hits").ToString();
        }

        Directory.Delete(Path.Combine(_data.Path, "index"), recursive: true);
        await using (var host = Host())
        {
            Assert.Equal(before, (await SearchUntilAsync(Client(host), "pelican1 OR pelican2", 2)).GetProperty("hits").ToString());
        }
    }

    [Fact]
    public async Task Reindex_rebuilds_from_the_store_with_progress_and_identical_results()
    {
        await using var host = Host();
        var client = Client(host);
        var ids = await CommitAsync(host.Services.GetRequiredService<IArchiveStore>(), "INBOX", Plain(1), Plain(2), WithAttachment);
        await host.Services.GetRequiredService<IIndexHandOver>().EnqueueAsync(ids, Ct);
        var before = (await SearchUntilAsync(client, $"source:{SourceId}", 3)).ToString();

        var started = await client.PostAsync(new Uri("/api/admin/reindex", UriKind.Relative), null, Ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var status = default(JsonElement);
        await Deadline.UntilAsync(
            async () => !(status = await client.GetFromJsonAsync<JsonElement>("/api/admin/reindex", Ct)).GetProperty("running").GetBoolean(),
            Within, "the reindex finishes", Ct);

        Assert.Equal(3, status.GetProperty("total").GetInt64());
        Assert.Equal(3, status.GetProperty("indexed").GetInt64());
        Assert.Equal(before, (await SearchUntilAsync(client, $"source:{SourceId}", 3)).ToString());
    }
}
