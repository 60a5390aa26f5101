using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Vault.Benchmarks.EndToEnd;

/// <summary>The parts of ARCHITECTURE.md's HTTP contract the benchmark drives, read loosely (JsonDocument) so it measures whatever the host returns.</summary>
public sealed class VaultApiClient : IDisposable
{
    private readonly HttpClient http;

    public VaultApiClient(Uri baseAddress, string apiKey)
    {
        // One pooled keep-alive connection: search latency must not include a TCP handshake.
        http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(30) })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    public async Task<string> CreateImapSourceAsync(string name, string host, int port, string username, string password, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(
            new Uri("/api/sources", UriKind.Relative),
            new { name, protocol = "imap", host, port, tls = false, username, password },
            cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new BenchmarkFailedException($"POST /api/sources answered {(int)response.StatusCode}: {body}");
        }

        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("id").GetString()
            ?? throw new BenchmarkFailedException($"POST /api/sources returned no id: {body}");
    }

    public async Task<string> CreateMasterUserConnectorAsync(string name, string host, int port, string adminUsername, string adminPassword, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(
            new Uri("/api/connectors", UriKind.Relative),
            new { name, host, port, tls = false, authMode = "masterUser", adminUsername, adminPassword },
            cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new BenchmarkFailedException($"POST /api/connectors answered {(int)response.StatusCode}: {body}");
        }

        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("id").GetString()!;
    }

    public async Task AddMailboxesCsvAsync(string connectorId, string csv, CancellationToken cancellationToken)
    {
        using var content = new StringContent(csv, System.Text.Encoding.UTF8, "text/csv");
        using var response = await http.PostAsync(new Uri($"/api/connectors/{connectorId}/mailboxes/csv", UriKind.Relative), content, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new BenchmarkFailedException($"POST /api/connectors/{connectorId}/mailboxes/csv answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    /// <summary>The source JSON, cloned out of its document.</summary>
    public async Task<JsonElement> GetSourceAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri($"/api/sources/{Uri.EscapeDataString(id)}", UriKind.Relative), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new BenchmarkFailedException($"GET /api/sources/{id} answered {(int)response.StatusCode}: {body}");
        }

        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    /// <summary><c>GET /api/sources</c>, cloned out of its document.</summary>
    public async Task<JsonElement> ListSourcesAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri("/api/sources", UriKind.Relative), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new BenchmarkFailedException($"GET /api/sources answered {(int)response.StatusCode}: {body}");
        }

        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    /// <summary><c>total</c> of a search, and how long the HTTP round trip took (request sent to body read).</summary>
    public Task<(long Total, TimeSpan Elapsed)> SearchAsync(string query, CancellationToken cancellationToken) => SearchAsync(query, "", cancellationToken);

    /// <summary>How many messages match, asking for one hit only: the polls that wait for searchability cost Vault little.</summary>
    public async Task<long> CountAsync(string query, CancellationToken cancellationToken) => (await SearchAsync(query, "&pageSize=1", cancellationToken)).Total;

    /// <summary>As above, with more query parameters (<c>&amp;facets=folder,year</c>).</summary>
    public async Task<(long Total, TimeSpan Elapsed)> SearchAsync(string query, string parameters, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await http.GetAsync(new Uri($"/api/search?q={Uri.EscapeDataString(query)}&page=1{(parameters.Contains("pageSize=", StringComparison.Ordinal) ? "" : "&pageSize=20")}{parameters}", UriKind.Relative), cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new BenchmarkFailedException($"GET /api/search?q={query} answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
        }

        using var document = JsonDocument.Parse(body);
        return (document.RootElement.GetProperty("total").GetInt64(), elapsed);
    }

    /// <summary>The id of a source's first listed message.</summary>
    public async Task<string> FirstMessageIdAsync(string sourceId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri($"/api/messages?sourceId={Uri.EscapeDataString(sourceId)}&page=1&pageSize=1", UriKind.Relative), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new BenchmarkFailedException($"GET /api/messages?sourceId={sourceId} answered {(int)response.StatusCode}: {body}");
        }

        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("items")[0].GetProperty("id").GetString()!;
    }

    /// <summary>Streams <c>GET /api/messages/{id}/raw</c> through SHA-256: its length and lowercase hex hash.</summary>
    public async Task<(long Length, string Sha256)> HashRawAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri($"/api/messages/{Uri.EscapeDataString(id)}/raw", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new BenchmarkFailedException($"GET /api/messages/{id}/raw answered {(int)response.StatusCode}");
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        long length = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            length += read;
        }

        return (length, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    public async Task<string> GetMetricsAsync(CancellationToken cancellationToken) =>
        await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), cancellationToken);

    public void Dispose() => http.Dispose();
}
