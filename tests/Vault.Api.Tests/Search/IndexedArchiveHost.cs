using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Vault.Archive;
using Vault.Archive.Messages;
using Vault.Search.Indexing;
using Vault.TestSupport;

namespace Vault.Api.Tests.Search;

/// <summary>The real host over a temp data directory, holding a few archived and indexed messages of one source.</summary>
internal sealed class IndexedArchiveHost : IAsyncDisposable
{
    public const string SourceId = "src-read";
    private const string ApiKey = "read-test-key";
    private static readonly TimeSpan IndexDeadline = TimeSpan.FromSeconds(20);

    private readonly TempDirectory _data = new();
    private readonly WebApplicationFactory<Program> _factory;

    private IndexedArchiveHost()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Vault:DataDirectory", _data.Path);
            web.UseSetting("Vault:ApiKey", ApiKey);
        });
        Client = _factory.CreateClient();
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
    }

    public HttpClient Client { get; }

    /// <summary>The ids of the archived messages, all searchable.</summary>
    public IReadOnlyList<string> MessageIds { get; private set; } = [];

    /// <summary>Starts the host with <paramref name="count"/> plain messages (the last one HTML with an attachment) indexed.</summary>
    public static Task<IndexedArchiveHost> StartAsync(int count, CancellationToken cancellationToken) =>
        StartAsync(Enumerable.Range(1, count).Select(n => n == count ? HtmlWithAttachment(n) : Plain(n)).ToList(), cancellationToken);

    /// <summary>Starts the host with these raw messages archived in INBOX and indexed.</summary>
    public static async Task<IndexedArchiveHost> StartAsync(IReadOnlyList<byte[]> messages, CancellationToken cancellationToken)
    {
        var host = new IndexedArchiveHost();
        var count = messages.Count;
        var store = host._factory.Services.GetRequiredService<IArchiveStore>();
        await store.InitializeAsync(cancellationToken);
        var incoming = messages.Select((m, i) => new IncomingMessage(new MessageLocation("INBOX", 1, i + 1), MessageContent.FromBytes(m), null, [], MessageHeaderSummary.Read(new MemoryStream(m)))).ToList();
        var result = await store.CommitBatchAsync(new MessageBatch(SourceId, incoming, null), cancellationToken);
        host.MessageIds = result.ChangedIds.ToList();
        await host._factory.Services.GetRequiredService<IIndexHandOver>().EnqueueAsync(host.MessageIds, cancellationToken);
        await Deadline.UntilAsync(async () => await host.TotalAsync($"source:{SourceId}", cancellationToken) == count, IndexDeadline, "every message indexed", cancellationToken);
        return host;
    }

    public async Task<long> TotalAsync(string query, CancellationToken cancellationToken)
    {
        var body = await Client.GetFromJsonAsync<JsonElement>($"/api/search?q={Uri.EscapeDataString(query)}", cancellationToken);
        return body.GetProperty("total").GetInt64();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        _data.Dispose();
    }

    private static byte[] Plain(int n) => Encoding.UTF8.GetBytes(
        $"From: Alice Johnson <alice.johnson@example.org>\r\nTo: team@example.org\r\nSubject: Pelican report {n}\r\n" +
        $"Date: Wed, {n:00} Mar 2023 10:00:00 +0000\r\nMessage-ID: <read{n}@example.org>\r\n\r\nThe pelican count {n} is ready.\r\n");

    private static byte[] HtmlWithAttachment(int n) => Encoding.UTF8.GetBytes($"""
        From: Bob <bob@example.org>
        To: team@example.org
        Subject: =?UTF-8?Q?Pr=C3=BCfbericht?= {n}
        Date: Fri, {n:00} Mar 2023 10:00:00 +0000
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="x"

        --x
        Content-Type: text/html; charset=utf-8

        <p>The pelican <b>figures</b> &amp; a &lt; b and c</p><script>hidden()</script>
        --x
        Content-Type: text/csv
        Content-Disposition: attachment; filename="counts.csv"

        a,b
        --x--
        """.ReplaceLineEndings("\r\n"));
}
