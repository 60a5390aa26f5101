using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Vault.TestSupport;

namespace Vault.Api.Tests.Messages;

[CollectionDefinition(nameof(LargeMessageOverHttpTests), DisableParallelization = true)]
public sealed class LargeMessageOverHttpRunsAlone;

/// <summary>
/// Issue 21 end to end: a 200 MB message in the test Dovecot, imported by the real host, is found by a word of its body
/// and by its attachment's name, and comes back whole from <c>/raw</c> and <c>/attachments/0</c> while the heap that
/// survives a full collection stays level. Runs alone: nothing else allocates in this process meanwhile.
/// </summary>
[Collection(nameof(LargeMessageOverHttpTests))]
public sealed class LargeMessageOverHttpTests : IDisposable
{
    private const string ApiKey = "large-test-key";
    private const long Mib = 1024 * 1024;

    private readonly TempDirectory _data = new("vault-large-api");
    private readonly WebApplicationFactory<Program> _factory;
    private readonly HttpClient _client;

    public LargeMessageOverHttpTests()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Vault:DataDirectory", _data.Path);
            web.UseSetting("Vault:ApiKey", ApiKey);
        });
        _client = _factory.CreateClient();
        _client.Timeout = TimeSpan.FromMinutes(3);
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task A_200_MB_message_is_archived_searchable_and_served_exactly_with_level_memory()
    {
        var dovecot = TestDovecot.Require();
        var user = dovecot.CreateUser("api-large");
        try
        {
            LargeMessage message;
            using (var folder = new TempDirectory("vault-large"))
            {
                message = await LargeMessage.WriteAsync(Path.Combine(folder.Path, "large.eml"), 200 * Mib, seed: 21, Ct);
                await dovecot.AppendFileAsync(user, "INBOX", message.Path, Ct);
            }

            var created = await _client.PostAsJsonAsync(
                new Uri("/api/sources", UriKind.Relative),
                new { name = "large", protocol = "imap", host = dovecot.Host, port = dovecot.ImapPort, tls = false, username = user.Name, password = user.Password },
                Ct);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var sourceId = (await created.Content.ReadFromJsonAsync<JsonNode>(Ct))!["id"]!.GetValue<string>();
            await Deadline.UntilAsync(
                async () =>
                {
                    var source = await GetJsonAsync($"/api/sources/{sourceId}");
                    Assert.NotEqual("Error", source["status"]!.GetValue<string>());
                    return source["status"]!.GetValue<string>() == "Active" && source["progress"]!["messagesIndexed"]!.GetValue<long>() == 1;
                },
                TimeSpan.FromMinutes(3), "the message is archived and indexed", Ct);

            Assert.Equal(1, (await GetJsonAsync($"/api/search?q={message.BodyWord}"))["total"]!.GetValue<long>());
            var byName = await GetJsonAsync($"/api/search?q={Uri.EscapeDataString($"attachment:{message.AttachmentName}")}");
            var hit = Assert.Single(byName["hits"]!.AsArray())!;
            Assert.True(hit["hasAttachments"]!.GetValue<bool>());
            var id = hit["id"]!.GetValue<string>();
            Assert.Equal(message.Length, hit["size"]!.GetValue<long>());

            var details = await GetJsonAsync($"/api/messages/{id}");
            var attachment = Assert.Single(details["attachments"]!.AsArray())!;
            Assert.Equal(message.AttachmentName, attachment["fileName"]!.GetValue<string>());

            var raw = await ReadMeasuredAsync($"/api/messages/{id}/raw");
            Assert.Equal((message.Length, message.Sha256), (raw.Length, raw.Sha256));
            AssertLevel(raw, "/raw");

            var decoded = await ReadMeasuredAsync($"/api/messages/{id}/attachments/0");
            Assert.Equal(message.AttachmentSha256, decoded.Sha256);
            AssertLevel(decoded, "/attachments/0");
        }
        finally
        {
            dovecot.DeleteUser(user);
        }
    }

    private static void AssertLevel(Measured read, string what)
    {
        var output = TestContext.Current.TestOutputHelper!;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: {read.Length / 1e6:F1} MB, {read.Allocated / 1e6:F1} MB allocated, live heap after full GCs (MB): {string.Join(", ", read.Samples.Select(s => (s / 1e6).ToString("F1", CultureInfo.InvariantCulture)))}"));
        Assert.True(read.Samples.Count >= 6, $"sampled {read.Samples.Count} times");
        // Buffered, the response would have grown the live heap by its size (150-200 MB) between the first sample and the last.
        var growth = read.Samples[^1] - read.Samples[0];
        Assert.True(growth < 16 * Mib, $"the live heap grew by {growth / Mib} MiB while {what} was read");
        Assert.True(read.Allocated < read.Length / 2, $"{read.Allocated / Mib} MiB allocated to serve {read.Length / Mib} MiB");
    }

    /// <summary>Streams the response through SHA-256, recording the live heap every 20 MiB and what the process allocated.</summary>
    private async Task<Measured> ReadMeasuredAsync(string path)
    {
        var samples = new List<long> { GC.GetTotalMemory(forceFullCollection: true) };
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        using var response = await _client.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync(Ct);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long length = 0, nextSample = 20 * Mib;
        int read;
        while ((read = await body.ReadAsync(buffer, Ct)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            length += read;
            if (length >= nextSample)
            {
                samples.Add(GC.GetTotalMemory(forceFullCollection: true));
                nextSample += 20 * Mib;
            }
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        return new Measured(length, Convert.ToHexStringLower(hash.GetHashAndReset()), samples, allocated);
    }

    private async Task<JsonNode> GetJsonAsync(string path)
    {
        using var response = await _client.GetAsync(new Uri(path, UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonNode>(Ct))!;
    }

    private sealed record Measured(long Length, string Sha256, List<long> Samples, long Allocated);
}
