using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Vault.Archive;
using Vault.Archive.Messages;
using Vault.TestSupport;

namespace Vault.Api.Tests.Messages;

public sealed class AttachmentServingTests : IDisposable
{
    /// <summary>Declared type of each attachment, in order, and the type Vault must serve it as.</summary>
    private static readonly (string Declared, string Served)[] Attachments =
    [
        ("text/html", "application/octet-stream"),
        ("image/svg+xml", "application/octet-stream"),
        ("application/xml", "application/octet-stream"),
        ("text/xml", "application/octet-stream"),
        ("application/javascript", "application/octet-stream"),
        ("text/javascript", "application/octet-stream"),
        ("application/xhtml+xml", "application/octet-stream"),
        ("application/x-unheard-of", "application/octet-stream"),
        ("text/csv", "text/csv"),
        ("text/plain", "text/plain"),
        ("image/png", "image/png"),
        ("application/pdf", "application/pdf"),
    ];

    private readonly TempDirectory _data = new();

    [Fact]
    public async Task Active_types_are_served_as_octet_stream_downloads_and_passive_ones_keep_their_type()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Vault:DataDirectory", _data.Path);
            web.UseSetting("Vault:ApiKey", "attachments-key");
        });
        var id = await CommitAsync(host.Services.GetRequiredService<IArchiveStore>(), ct);
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "attachments-key");

        var served = new List<(string Declared, string? Type, string? Disposition, string? Sniffing, string Body)>();
        for (var n = 0; n < Attachments.Length; n++)
        {
            var response = await client.GetAsync(new Uri($"/api/messages/{id}/attachments/{n}", UriKind.Relative), ct);
            served.Add((
                Attachments[n].Declared,
                response.Content.Headers.ContentType?.MediaType,
                response.Content.Headers.ContentDisposition?.DispositionType,
                response.Headers.TryGetValues("X-Content-Type-Options", out var values) ? values.Single() : null,
                await response.Content.ReadAsStringAsync(ct)));
        }

        Assert.All(served.Zip(Attachments), pair =>
        {
            var ((declared, type, disposition, sniffing, body), expected) = pair;
            Assert.Equal((declared, expected.Served), (declared, type));
            Assert.Equal((declared, "attachment"), (declared, disposition));
            Assert.Equal((declared, "nosniff"), (declared, sniffing));
            Assert.Equal($"content of {declared}", body);
        });
    }

    public void Dispose() => _data.Dispose();

    private static async Task<string> CommitAsync(IArchiveStore store, CancellationToken cancellationToken)
    {
        var parts = new StringBuilder();
        for (var n = 0; n < Attachments.Length; n++)
        {
            parts.Append("--b\r\nContent-Type: ").Append(Attachments[n].Declared)
                .Append("\r\nContent-Disposition: attachment; filename=\"file").Append(n.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Append("\"\r\n\r\ncontent of ").Append(Attachments[n].Declared).Append("\r\n");
        }

        var raw = Encoding.UTF8.GetBytes(
            "From: mallory@example.org\r\nTo: victim@example.com\r\nSubject: Active content\r\nMIME-Version: 1.0\r\n" +
            "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n" + parts + "--b--\r\n");
        await store.InitializeAsync(cancellationToken);
        var incoming = new IncomingMessage(new MessageLocation("INBOX", 1, 1), MessageContent.FromBytes(raw), null, [], MessageHeaderSummary.Read(new MemoryStream(raw)));
        var result = await store.CommitBatchAsync(new MessageBatch("src-attachments", [incoming], null), cancellationToken);
        return Assert.Single(result.ChangedIds);
    }
}
