using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Lucene.Net.Documents;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Vault.Api.Tests.Export;
using Vault.Archive.Messages;
using Vault.Search.Documents;
using Vault.Search.Indexing;
using Vault.TestSupport;

namespace Vault.Api.Tests.Integrity;

/// <summary>The integrity check through the real host, its Quartz job, the SQLite store and the Lucene index.</summary>
public sealed class VerifyTests : IAsyncDisposable
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);
    private readonly ExportHost _host = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Verify_finds_a_corrupted_blob_a_missing_index_document_and_an_orphan_and_the_source_keeps_running()
    {
        var messages = Enumerable.Range(1, 50).Select(n => ("INBOX", Encoding.ASCII.GetBytes(
            $"From: a@example.org\r\nSubject: egret {n}\r\nMessage-ID: <v{n}@x>\r\n\r\n{new string('x', 200 + n)}\r\n"))).ToList();
        var id = await _host.AddSourceAsync("checked", messages, Ct);
        await UntilSearchFindsAsync($"source:{id}", 50);

        var corrupted = MessageIds.For(id, ExportHost.Sha(messages[7].Item2));
        var unindexed = MessageIds.For(id, ExportHost.Sha(messages[20].Item2));
        await CorruptAsync(corrupted);
        var index = _host.Services.GetRequiredService<SearchIndex>();
        index.Delete(unindexed);
        var orphan = new Document
        {
            new StringField(SearchFields.Id, "not-in-the-store", Field.Store.YES),
            new StringField(SearchFields.Source, id, Field.Store.YES),
        };
        index.Upsert(orphan);
        await index.CommitAsync(Ct);
        Assert.False(index.Contains(unindexed));

        var started = await _host.Client.PostAsync(new Uri($"/api/sources/{id}/verify", UriKind.Relative), null, Ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal("Running", (await started.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString());

        JsonElement report = default;
        await Deadline.UntilAsync(async () =>
        {
            report = await _host.Client.GetFromJsonAsync<JsonElement>($"/api/sources/{id}/verify", Ct);
            return report.GetProperty("status").GetString() != "Running";
        }, Within, "the check finishes", Ct);

        Assert.Equal("Completed", report.GetProperty("status").GetString());
        Assert.Equal(50, report.GetProperty("checked").GetInt64());
        Assert.Equal(49, report.GetProperty("ok").GetInt64());
        Assert.Equal([corrupted], report.GetProperty("corrupted").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(1, report.GetProperty("missingFromIndex").GetInt64());
        Assert.Equal(1, report.GetProperty("orphanedInIndex").GetInt64());
        Assert.True(report.GetProperty("finishedAt").GetDateTimeOffset() >= report.GetProperty("startedAt").GetDateTimeOffset());

        // The missing document was queued and is searchable again; the orphan is gone; the source still runs and shows the finding.
        await Deadline.UntilAsync(() => Task.FromResult(index.Contains(unindexed)), Within, "the re-queued message is indexed", Ct);
        Assert.False(index.Contains("not-in-the-store"));
        var source = await _host.Client.GetFromJsonAsync<JsonElement>($"/api/sources/{id}", Ct);
        Assert.Equal("Active", source.GetProperty("status").GetString());
        Assert.Equal(corrupted, source.GetProperty("integrity").GetProperty("corrupted")[0].GetString());
        var listed = await _host.Client.GetFromJsonAsync<JsonElement>("/api/sources", Ct);
        Assert.Equal(1, listed[0].GetProperty("integrity").GetProperty("corruptedCount").GetInt64());
        var events = await _host.Client.GetFromJsonAsync<JsonElement>($"/api/sources/{id}/events", Ct);
        Assert.Contains(events.EnumerateArray(), e => e.GetProperty("kind").GetString() == "integrity" && e.GetProperty("message").GetString()!.Contains(corrupted, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_clean_source_verifies_clean_and_unknown_sources_are_404()
    {
        var id = await _host.AddSourceAsync("clean", Enumerable.Range(1, 5).Select(n => ("INBOX", Encoding.ASCII.GetBytes($"Subject: {n}\r\n\r\nok\r\n"))), Ct);
        await UntilSearchFindsAsync($"source:{id}", 5);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.GetAsync(new Uri($"/api/sources/{id}/verify", UriKind.Relative), Ct)).StatusCode);

        await _host.Client.PostAsync(new Uri($"/api/sources/{id}/verify", UriKind.Relative), null, Ct);
        JsonElement report = default;
        await Deadline.UntilAsync(async () =>
        {
            report = await _host.Client.GetFromJsonAsync<JsonElement>($"/api/sources/{id}/verify", Ct);
            return report.GetProperty("status").GetString() == "Completed";
        }, Within, "the check finishes", Ct);

        Assert.Equal((5L, 5L, 0L, 0L), (report.GetProperty("checked").GetInt64(), report.GetProperty("ok").GetInt64(), report.GetProperty("corruptedCount").GetInt64(), report.GetProperty("missingFromIndex").GetInt64()));
        Assert.Empty(report.GetProperty("corrupted").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.PostAsync(new Uri("/api/sources/nope/verify", UriKind.Relative), null, Ct)).StatusCode);
    }

    private async Task UntilSearchFindsAsync(string query, int count) =>
        await Deadline.UntilAsync(
            async () => (await _host.Client.GetFromJsonAsync<JsonElement>($"/api/search?q={Uri.EscapeDataString(query)}", Ct)).GetProperty("total").GetInt32() == count,
            Within, $"{count} messages searchable", Ct);

    /// <summary>Flips bytes in the middle of the message's stored (compressed) chunk, as a failing disk would.</summary>
    private async Task CorruptAsync(string messageId)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_host.DataDirectory, "archive.db")}");
        await connection.OpenAsync(Ct);
        using var read = connection.CreateCommand();
        read.CommandText = "SELECT rowid, data FROM blob_chunks WHERE message_rowid = (SELECT rowid FROM messages WHERE id = $id) ORDER BY seq LIMIT 1";
        read.Parameters.AddWithValue("$id", messageId);
        long rowId;
        byte[] data;
        await using (var reader = await read.ExecuteReaderAsync(Ct))
        {
            Assert.True(await reader.ReadAsync(Ct));
            rowId = reader.GetInt64(0);
            data = (byte[])reader.GetValue(1);
        }

        for (var i = data.Length / 2; i < data.Length / 2 + 4; i++)
        {
            data[i] ^= 0x5A;
        }

        using var write = connection.CreateCommand();
        write.CommandText = "UPDATE blob_chunks SET data = $data WHERE rowid = $rowid";
        write.Parameters.AddWithValue("$data", data);
        write.Parameters.AddWithValue("$rowid", rowId);
        Assert.Equal(1, await write.ExecuteNonQueryAsync(Ct));
    }
}
