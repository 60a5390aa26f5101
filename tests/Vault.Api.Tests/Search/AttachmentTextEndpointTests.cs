using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Vault.Archive;
using Vault.Archive.Messages;
using Vault.Search.Indexing;
using Vault.TestSupport;

namespace Vault.Api.Tests.Search;

public sealed partial class AttachmentTextEndpointTests : IDisposable
{
    private const string ApiKey = "attachment-key";
    private const string SourceId = "src-attach";
    private static readonly TimeSpan IndexDeadline = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _data = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task A_hit_names_the_matching_attachment_and_the_message_lists_the_attachments_it_could_not_read()
    {
        await using var host = Host(attachmentText: null);
        var client = Client(host);
        // This host's own counter: the exporter sums the Vault meter of every host in this test process, and other
        // classes index the corpus (which holds encrypted files too) at the same time.
        var encrypted = 0L;
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "vault.attachments.failed" && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "reason" && Equals(tag.Value, "Encrypted"))
                {
                    Interlocked.Add(ref encrypted, value);
                }
            }
        });
        listener.Start();
        var (invoice, locked) = await ArchiveAsync(host);
        await TotalUntilAsync(client, $"source:{SourceId}", 2);

        var hit = Assert.Single((await SearchAsync(client, "quetzalinvoice")).GetProperty("hits").EnumerateArray());
        Assert.Equal(invoice, hit.GetProperty("id").GetString());
        Assert.Equal("invoice.pdf", hit.GetProperty("matchedAttachment").GetString());
        Assert.Contains("quetzalinvoice", hit.GetProperty("snippet").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, (await SearchAsync(client, "attachment:quetzalinvoice")).GetProperty("total").GetInt64());
        Assert.Equal(JsonValueKind.Null, Assert.Single((await SearchAsync(client, "subject:heron")).GetProperty("hits").EnumerateArray()).GetProperty("matchedAttachment").ValueKind);

        var details = await client.GetFromJsonAsync<JsonElement>($"/api/messages/{locked}", Ct);
        var error = Assert.Single(details.GetProperty("attachmentErrors").EnumerateArray());
        Assert.Equal(0, error.GetProperty("index").GetInt32());
        Assert.Equal("locked.pdf", error.GetProperty("name").GetString());
        Assert.Equal("Encrypted", error.GetProperty("reason").GetString());
        Assert.Equal("The PDF is protected by a password.", error.GetProperty("error").GetString());
        Assert.Empty((await client.GetFromJsonAsync<JsonElement>($"/api/messages/{invoice}", Ct)).GetProperty("attachmentErrors").EnumerateArray());

        Assert.Equal(1, Interlocked.Read(ref encrypted));
        Assert.True((await FailedCountsAsync(client)).GetValueOrDefault("Encrypted") >= 1, "/metrics exports vault_attachments_failed_total{reason=\"Encrypted\"}");
    }

    [Fact]
    public async Task Off_by_configuration_attachments_keep_their_names_and_reindex_adds_their_text_without_a_download()
    {
        string invoice;
        await using (var host = Host(attachmentText: false))
        {
            var client = Client(host);
            (invoice, _) = await ArchiveAsync(host);
            await TotalUntilAsync(client, $"source:{SourceId}", 2);
            Assert.Equal(0, (await SearchAsync(client, "quetzalinvoice")).GetProperty("total").GetInt64());
            Assert.Equal(1, (await SearchAsync(client, "attachment:invoice.pdf")).GetProperty("total").GetInt64());
            Assert.Empty((await client.GetFromJsonAsync<JsonElement>($"/api/messages/{invoice}", Ct)).GetProperty("attachmentErrors").EnumerateArray());
        }

        await using (var host = Host(attachmentText: true))
        {
            var client = Client(host);

            // The index already has both messages: nothing is indexed again until a reindex is asked for.
            await TotalUntilAsync(client, $"source:{SourceId}", 2);
            Assert.Equal(0, (await SearchAsync(client, "quetzalinvoice")).GetProperty("total").GetInt64());

            var started = await client.PostAsync(new Uri("/api/admin/reindex", UriKind.Relative), null, Ct);
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            await Deadline.UntilAsync(async () => !(await client.GetFromJsonAsync<JsonElement>("/api/admin/reindex", Ct)).GetProperty("running").GetBoolean(),
                IndexDeadline, "the reindex to finish", Ct);
            var hit = Assert.Single((await SearchAsync(client, "quetzalinvoice")).GetProperty("hits").EnumerateArray());
            Assert.Equal(invoice, hit.GetProperty("id").GetString());
            Assert.Equal("invoice.pdf", hit.GetProperty("matchedAttachment").GetString());
        }
    }

    private WebApplicationFactory<Program> Host(bool? attachmentText) => new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
    {
        web.UseSetting("Vault:DataDirectory", _data.Path);
        web.UseSetting("Vault:ApiKey", ApiKey);
        if (attachmentText is { } on)
        {
            web.UseSetting("Vault:Search:AttachmentText", on ? "true" : "false");
        }
    });

    private static HttpClient Client(WebApplicationFactory<Program> host)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return client;
    }

    /// <summary>Commits an invoice with a PDF and a message with an encrypted PDF to the store, as a sync batch would, and hands them to the indexer.</summary>
    private static async Task<(string Invoice, string Locked)> ArchiveAsync(WebApplicationFactory<Program> host)
    {
        byte[][] messages =
        [
            MailWithAttachment.Create("Your invoice", ("invoice.pdf", "application/pdf", PdfFiles.WithText("Invoice number quetzalinvoice, due in 30 days"))),
            MailWithAttachment.Create("Locked heron report", ("locked.pdf", "application/pdf", PdfFiles.Encrypted())),
        ];
        var store = host.Services.GetRequiredService<IArchiveStore>();
        await store.InitializeAsync(Ct);
        var incoming = messages.Select((m, i) => new IncomingMessage(new MessageLocation("INBOX", 1, i + 1), MessageContent.FromBytes(m), null, [], MessageHeaderSummary.Read(new MemoryStream(m)))).ToList();
        var ids = (await store.CommitBatchAsync(new MessageBatch(SourceId, incoming, null), Ct)).ChangedIds.ToList();
        await host.Services.GetRequiredService<IIndexHandOver>().EnqueueAsync(ids, Ct);
        return (ids[0], ids[1]);
    }

    private static async Task<JsonElement> SearchAsync(HttpClient client, string query) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/search?q={Uri.EscapeDataString(query)}", Ct);

    private static Task TotalUntilAsync(HttpClient client, string query, long total) =>
        Deadline.UntilAsync(async () => (await SearchAsync(client, query)).GetProperty("total").GetInt64() == total, IndexDeadline, $"{total} hits for {query}", Ct);

    private static async Task<Dictionary<string, long>> FailedCountsAsync(HttpClient client)
    {
        var metrics = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative), Ct);
        return FailedCounter().Matches(metrics).ToDictionary(m => m.Groups["reason"].Value, m => long.Parse(m.Groups["count"].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^vault_attachments_failed_total\{[^}]*reason=""(?<reason>[^""]+)""[^}]*\} (?<count>\S+)", RegexOptions.Multiline)]
    private static partial Regex FailedCounter();
}
