using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vault.Api.Tests.Sources;
using Vault.Archive;
using Vault.Archive.Embedded;
using Vault.Archive.Messages;
using Vault.Archive.Sources;
using Vault.Ingestion.Jobs;
using Vault.TestSupport;

namespace Vault.Api.Tests.Upgrades;

/// <summary>
/// "Upgrades keep the archive": the current Vault, through the real host and HTTP pipeline, on a copy of the data
/// directory an earlier Vault wrote (tests/Vault.TestSupport/Fixtures/datadir-v1, see its README.md). No mail server is
/// involved: a recording runner stands in for the sync jobs, so the stored statuses stay as written.
/// </summary>
public sealed class UpgradeFixtureTests : IDisposable
{
    private const string ApiKey = "upgrade-test-key";
    private static readonly TimeSpan RebuildDeadline = TimeSpan.FromSeconds(90);

    private static readonly JsonSerializerOptions StoreJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly TempDirectory _temp = new("vault-upgrade");
    private readonly DataDirectoryFixture _fixture = DataDirectoryFixture.Open("datadir-v1");
    private readonly RecordingSourceRunner _runner = new();
    private readonly CapturingLoggerProvider _logs = new();

    /// <summary>A schema version from a Vault newer than this one.</summary>
    private static readonly int Newer = EmbeddedArchiveStore.SchemaVersion + 3;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_copy_of_the_v1_data_directory_opens_with_every_message_credential_source_and_search_result()
    {
        var data = _fixture.CopyDataTo(Path.Combine(_temp.Path, "data"));
        await using var host = Host(data);
        using var client = Client(host);
        var store = host.Services.GetRequiredService<IArchiveStore>();
        var passwords = host.Services.GetRequiredService<CredentialProtector>();

        Assert.Equal(EmbeddedArchiveStore.SchemaVersion, await UserVersionAsync(Path.Combine(data, "archive.db")));
        foreach (var expected in _fixture.Sources)
        {
            var id = expected.GetProperty("id").GetString()!;
            var count = expected.GetProperty("messageCount").GetInt32();

            // Settings, status, error, progress and times, as the API showed them when the fixture was written.
            JsonSubset.AssertContained(expected.GetProperty("source"), await client.GetFromJsonAsync<JsonElement>($"/api/sources/{id}", Ct), $"sources[{id}]");
            JsonSubset.AssertContained(expected.GetProperty("events"), await client.GetFromJsonAsync<JsonElement>($"/api/sources/{id}/events", Ct), $"events[{id}]");
            JsonSubset.AssertContained(expected.GetProperty("folderStates"), JsonSerializer.SerializeToElement(await store.ListFolderStatesAsync(id, Ct), StoreJson), $"folderStates[{id}]");
            JsonSubset.AssertContained(expected.GetProperty("messages"), JsonSerializer.SerializeToElement(await StoredMessagesAsync(store, id), StoreJson), $"messages[{id}]");

            var source = (await store.GetSourceAsync(id, Ct))!;
            Assert.Equal(expected.GetProperty("password").GetString(), passwords.Unprotect(source.EncryptedPassword));

            // Every message over HTTP: the listing has the recorded SHA-256 set, and each raw download hashes to its SHA-256.
            var listing = await client.GetFromJsonAsync<JsonElement>($"/api/messages?sourceId={id}&pageSize=200", Ct);
            Assert.Equal(count, listing.GetProperty("total").GetInt32());
            var recorded = expected.GetProperty("messages").EnumerateArray().ToDictionary(m => m.GetProperty("id").GetString()!, m => m.GetProperty("sha256").GetString()!);
            Assert.Equal(recorded.Values.Order(StringComparer.Ordinal), listing.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("sha256").GetString()!).Order(StringComparer.Ordinal));
            foreach (var (messageId, sha256) in recorded)
            {
                using var raw = await client.GetAsync(new Uri($"/api/messages/{messageId}/raw", UriKind.Relative), Ct);
                Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
                Assert.Equal("message/rfc822", raw.Content.Headers.ContentType?.MediaType);
                Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(await raw.Content.ReadAsByteArrayAsync(Ct))));
            }

            // The index written by the earlier Vault is kept: every message is found at once, no rebuild needed.
            Assert.Equal(count, await SearchTotalAsync(client, $"source:{id}"));
        }

        Assert.Equal(NotPaused(), _runner.Started.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(_logs.Lines, line => line.Contains("could not be opened", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_deleted_index_is_rebuilt_from_the_archive()
    {
        var data = _fixture.CopyDataTo(Path.Combine(_temp.Path, "data"));
        Directory.Delete(Path.Combine(data, "index"), recursive: true);

        await using var host = Host(data);
        using var client = Client(host);

        await AssertEverySourceSearchableAsync(client);
        await AssertBodiesSearchableAsync(client);
    }

    [Fact]
    public async Task A_corrupt_index_is_discarded_and_rebuilt_from_the_archive()
    {
        var data = _fixture.CopyDataTo(Path.Combine(_temp.Path, "data"));
        await GarbleIndexAsync(data);

        await using var host = Host(data);
        using var client = Client(host);

        await AssertEverySourceSearchableAsync(client);
        await AssertBodiesSearchableAsync(client);
        Assert.Contains(_logs.Lines, line => line.Contains("Warning: The search index at", StringComparison.Ordinal) && line.Contains("is rebuilt from the archive", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_data_directory_from_a_newer_Vault_stops_the_host_with_one_clear_line_and_is_not_changed()
    {
        var data = _fixture.CopyDataTo(Path.Combine(_temp.Path, "data"));
        var database = Path.Combine(data, "archive.db");
        await SetUserVersionAsync(database, Newer);
        // An index this Vault cannot read (a newer Lucene format, say) must not be "repaired" either: the archive is
        // refused before the index is ever opened.
        await GarbleIndexAsync(data);
        var before = Snapshot(data);

        var host = Host(data);
        // Program ends on ArchiveSchemaTooNewException with exit code 1 (the process test below), so the factory only sees
        // that the host never started; what a person reads is the log line.
        Assert.ThrowsAny<Exception>(() => host.CreateClient());
        await host.DisposeAsync();

        var expected = $"The archive at {database} was written by a newer Vault (schema {Newer}); this Vault knows schema {EmbeddedArchiveStore.SchemaVersion}. Upgrade Vault or restore a backup.";
        var line = Assert.Single(_logs.Lines, l => l.StartsWith("Vault.Archive.ArchiveInitializer Critical:", StringComparison.Ordinal));
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Empty(_runner.Started);
        await Deadline.UntilAsync(() => Task.FromResult(!File.Exists(database + "-wal")), TimeSpan.FromSeconds(30), "the refused archive released", Ct);
        Assert.Equal(before, Snapshot(data));
    }

    [Fact]
    public async Task Vault_started_on_a_data_directory_from_a_newer_Vault_exits_with_code_1_and_says_why()
    {
        var data = _fixture.CopyDataTo(Path.Combine(_temp.Path, "data"));
        var database = Path.Combine(data, "archive.db");
        await SetUserVersionAsync(database, Newer);
        var before = Snapshot(data);

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _temp.Path,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Vault.Api.dll"));
        start.Environment["Vault__DataDirectory"] = data;
        start.Environment["Vault__ApiKey"] = ApiKey;
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        using var vault = Process.Start(start)!;
        var stdout = vault.StandardOutput.ReadToEndAsync(Ct);
        var stderr = vault.StandardError.ReadToEndAsync(Ct);
        await vault.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        var output = await stdout + await stderr;

        Assert.True(vault.ExitCode == 1, $"exit code {vault.ExitCode}:\n{output}");
        Assert.Contains($"The archive at {database} was written by a newer Vault (schema {Newer}); this Vault knows schema {EmbeddedArchiveStore.SchemaVersion}. Upgrade Vault or restore a backup.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(data));
    }

    private WebApplicationFactory<Program> Host(string data) => new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
    {
        web.UseSetting("Vault:DataDirectory", data);
        web.UseSetting("Vault:ApiKey", ApiKey);
        web.ConfigureLogging(logging => logging.AddProvider(_logs));
        web.ConfigureTestServices(services => services.AddSingleton<ISourceRunner>(_runner));
    });

    private static HttpClient Client(WebApplicationFactory<Program> host)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return client;
    }

    private IEnumerable<string> NotPaused() => _fixture.Sources
        .Where(s => s.GetProperty("source").GetProperty("status").GetString() != nameof(SourceStatus.Paused))
        .Select(s => s.GetProperty("id").GetString()!)
        .Order(StringComparer.Ordinal);

    private async Task AssertEverySourceSearchableAsync(HttpClient client)
    {
        foreach (var source in _fixture.Sources)
        {
            var id = source.GetProperty("id").GetString()!;
            var count = source.GetProperty("messageCount").GetInt64();
            await Deadline.UntilAsync(
                async () => await SearchTotalAsync(client, $"source:{id}") == count,
                RebuildDeadline,
                $"source:{id} finds its {count} messages",
                Ct);
        }
    }

    /// <summary>Not just metadata: every generated message carries <c>keyword{tag}</c> in its body, its tag being its Message-ID's first part.</summary>
    private async Task AssertBodiesSearchableAsync(HttpClient client)
    {
        var tags = _fixture.Sources
            .SelectMany(s => s.GetProperty("messages").EnumerateArray())
            .Select(m => m.GetProperty("headers").GetProperty("messageIdHeader").GetString()!)
            .GroupBy(messageId => messageId[1..messageId.IndexOf('.', StringComparison.Ordinal)], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.LongCount(), StringComparer.Ordinal);
        Assert.Equal(["acme", "acme-2023", "acme-projekte", "acme-sent", "home", "home-2022", "legacy"], tags.Keys.Order(StringComparer.Ordinal));

        Assert.Equal(tags["legacy"], await SearchTotalAsync(client, "keywordlegacy"));
        Assert.Equal(tags["home-2022"], await SearchTotalAsync(client, "body:\"keywordhome-2022\""));
    }

    /// <summary>Same names and sizes, garbage inside: what a torn write or a bad disk leaves.</summary>
    private static async Task GarbleIndexAsync(string data)
    {
        var random = new Random(13);
        foreach (var file in Directory.GetFiles(Path.Combine(data, "index")))
        {
            var garbage = new byte[new FileInfo(file).Length];
            random.NextBytes(garbage);
            await File.WriteAllBytesAsync(file, garbage, Ct);
        }
    }

    private static async Task<long> SearchTotalAsync(HttpClient client, string query) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/search?q={Uri.EscapeDataString(query)}&pageSize=1", Ct)).GetProperty("total").GetInt64();

    private static async Task<List<ArchivedMessage>> StoredMessagesAsync(IArchiveStore store, string sourceId)
    {
        var messages = new List<ArchivedMessage>();
        for (var page = 1; ; page++)
        {
            var items = (await store.ListMessagesAsync(sourceId, page, 100, Ct)).Items;
            if (items.Count == 0)
            {
                return messages.OrderBy(m => m.Id, StringComparer.Ordinal).ToList();
            }

            messages.AddRange(items);
        }
    }

    /// <summary>Every file of the data directory with the SHA-256 of its bytes.</summary>
    private static List<string> Snapshot(string data) => Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories)
        .Order(StringComparer.Ordinal)
        .Select(f => $"{Path.GetRelativePath(data, f)} {Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f)))}")
        .ToList();

    private static async Task<int> UserVersionAsync(string database)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString());
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        return Convert.ToInt32(await command.ExecuteScalarAsync(Ct), CultureInfo.InvariantCulture);
    }

    private static async Task SetUserVersionAsync(string database, int version)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString());
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {version}");
        await command.ExecuteNonQueryAsync(Ct);
    }
}
