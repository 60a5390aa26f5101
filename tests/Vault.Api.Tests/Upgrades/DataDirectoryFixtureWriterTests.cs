using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Vault.Archive;
using Vault.Archive.Folders;
using Vault.Archive.Messages;
using Vault.Archive.Sources;
using Vault.Ingestion.Jobs;
using Vault.Search.Indexing;
using Vault.TestSupport;
using static Vault.Api.Tests.Sources.JsonBodies;

namespace Vault.Api.Tests.Upgrades;

/// <summary>
/// Writes a data directory with the code of the commit it runs at, for the upgrade tests: three
/// sources created over HTTP (passwords encrypted by the host's Data Protection key ring), about 200 messages committed
/// through the store's own batches with their checkpoints and indexed by the host's indexer, then the host is stopped so
/// the database is checkpointed. Runs only when asked for (see the fixture's README.md):
/// <c>VAULT_FIXTURE_OUT=/tmp/datadir-vN dotnet tests/Vault.Api.Tests/bin/Release/net10.0/Vault.Api.Tests.dll
/// -class Vault.Api.Tests.Upgrades.DataDirectoryFixtureWriterTests -explicit only</c>.
/// </summary>
public sealed class DataDirectoryFixtureWriterTests
{
    private const string ApiKey = "fixture-writer-key";
    private const string OutputVariable = "VAULT_FIXTURE_OUT";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Explicit = true)]
    public async Task Writes_a_data_directory_fixture_with_the_current_code()
    {
        var output = Environment.GetEnvironmentVariable(OutputVariable);
        Assert.False(string.IsNullOrWhiteSpace(output), $"{OutputVariable} must name the folder to write (it must not exist yet)");
        Assert.False(Directory.Exists(output), $"{output} exists; the writer never overwrites a fixture");
        var dataDirectory = Path.Combine(output, "data");
        Directory.CreateDirectory(dataDirectory);

        var runner = new RecordingSourceRunner();
        var expected = new JsonArray();
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Vault:DataDirectory", dataDirectory);
            web.UseSetting("Vault:ApiKey", ApiKey);
            web.ConfigureTestServices(services => services.AddSingleton<ISourceRunner>(runner));
        });
        await using (factory)
        {
            using var client = factory.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
            var store = factory.Services.GetRequiredService<IArchiveStore>();
            var indexer = factory.Services.GetRequiredService<IIndexHandOver>();
            var time = factory.Services.GetRequiredService<TimeProvider>();
            var writer = new Writer(store, indexer);

            var acme = await CreateSourceAsync(client, ActiveSource);
            var home = await CreateSourceAsync(client, PausedSource);
            var legacy = await CreateSourceAsync(client, ErrorSource);

            // Acme: every folder imported; five INBOX messages also filed in Archive/2023 (one message, two locations);
            // a folder that disappeared from the server; three INBOX messages expunged later (one of them still in Archive/2023).
            await writer.FolderAsync(acme, "INBOX", 1_700_000_001, Enumerable.Range(1, 50).Select(n => (n, Bytes("acme", n))), done: true, onServer: 50, modSeq: 9120);
            await writer.FolderAsync(acme, "Sent", 1_700_000_002, Enumerable.Range(1, 25).Select(n => (n, Bytes("acme-sent", n))), done: true, onServer: 25, modSeq: 9121);
            await writer.FolderAsync(acme, "Archive/2023", 1_700_000_003,
                Enumerable.Range(1, 20).Select(n => (n, Bytes("acme-2023", n))).Concat(Enumerable.Range(1, 5).Select(n => (20 + n, Bytes("acme", n)))),
                done: true, onServer: 25, modSeq: 9122);
            await writer.FolderAsync(acme, "Projekte/Übersicht", 1_700_000_004, Enumerable.Range(1, 15).Select(n => (n, Bytes("acme-projekte", n))), done: true, onServer: 15, modSeq: 9123);
            await store.SaveFolderStateAsync(new FolderSyncState
            {
                SourceId = acme, Folder = "Old Stuff", UidValidity = 1_600_000_000, Watermark = 0, UidNext = 1, ImportDone = true, GoneAt = time.GetUtcNow(),
            }, Ct);
            await store.UpdateFlagsAsync(acme, "INBOX", 1_700_000_001, [(3, ["\\Seen", "\\Answered"])], Ct);
            await store.MarkDeletedOnServerAsync(acme, "INBOX", 1_700_000_001, [1, 49, 50], time.GetUtcNow(), Ct);
            await writer.ReindexAsync(acme, "INBOX");
            await store.AppendEventAsync(new(acme, time.GetUtcNow(), "folder-gone", "Folder Old Stuff is gone from the server; its mail stays archived."), Ct);
            await store.AppendEventAsync(new(acme, time.GetUtcNow(), "import-finished", "Import finished: every folder is archived."), Ct);
            await store.UpdateSourceStatusAsync(acme, SourceStatus.Active, null, importCompleted: true, Ct);
            await store.AppendEventAsync(new(acme, time.GetUtcNow(), "status", "Importing -> Active: import finished"), Ct);
            await store.UpdateSourceProgressAsync(acme, await writer.ProgressAsync(acme, foldersDone: 4, foldersTotal: 4), time.GetUtcNow(), Ct);

            // Home: INBOX imported, Archive/2022 half way with one UID on the retry list, then paused by a person.
            await writer.FolderAsync(home, "INBOX", 42, Enumerable.Range(1, 40).Select(n => (n, Bytes("home", n))), done: true, onServer: 40, modSeq: 0);
            await writer.FolderAsync(home, "Archive/2022", 43, Enumerable.Range(1, 20).Where(n => n != 7).Select(n => (n, Bytes("home-2022", n))), done: false, onServer: 30, modSeq: 0,
                retry: [new RetryEntry(7, 2, "BAD [SERVERBUG] Internal error occurred. Refer to server log for more information.")]);
            await store.UpdateSourceProgressAsync(home, await writer.ProgressAsync(home, foldersDone: 1, foldersTotal: 2), time.GetUtcNow(), Ct);
            (await client.PostAsync(new Uri($"/api/sources/{home}/pause", UriKind.Relative), null, Ct)).EnsureSuccessStatusCode();

            // Legacy: imported, then the server stopped taking the password; its last message has the same bytes as one of Acme's.
            await writer.FolderAsync(legacy, "INBOX", 7, Enumerable.Range(1, 29).Select(n => (n, Bytes("legacy", n))).Append((30, Bytes("acme", 10))), done: true, onServer: 30, modSeq: 0);
            await store.UpdateSourceStatusAsync(legacy, SourceStatus.Active, null, importCompleted: true, Ct);
            await store.UpdateSourceProgressAsync(legacy, await writer.ProgressAsync(legacy, foldersDone: 1, foldersTotal: 1), time.GetUtcNow(), Ct);
            var failedAt = time.GetUtcNow();
            var error = new SourceError(
                "AuthenticationFailed", "The server refused the username or password.", "Check the password; if the account uses two-step verification, create an App Password.",
                "NO [AUTHENTICATIONFAILED] Authentication failed.", failedAt, 4, null);
            await store.UpdateSourceStatusAsync(legacy, SourceStatus.Error, error, importCompleted: null, Ct);
            await store.AppendEventAsync(new(legacy, failedAt, "error", "AuthenticationFailed: The server refused the username or password."), Ct);
            await store.AppendEventAsync(new(legacy, failedAt, "status", "Active -> Error: AuthenticationFailed"), Ct);

            var counts = new Dictionary<string, long>
            {
                [acme] = await store.CountMessagesAsync(acme, Ct),
                [home] = await store.CountMessagesAsync(home, Ct),
                [legacy] = await store.CountMessagesAsync(legacy, Ct),
            };
            await Deadline.UntilAsync(async () =>
            {
                foreach (var (id, count) in counts)
                {
                    var search = await client.GetFromJsonAsync<JsonElement>($"/api/search?q=source:{id}&pageSize=1", Ct);
                    if (search.GetProperty("total").GetInt64() != count)
                    {
                        return false;
                    }
                }

                return (await factory.Services.GetRequiredService<IndexBacklog>().CountBySourceAsync(Ct)).Count == 0;
            }, TimeSpan.FromSeconds(60), "every message searchable", Ct);

            var passwords = new Dictionary<string, string> { [acme] = ActiveSource.Password, [home] = PausedSource.Password, [legacy] = ErrorSource.Password };
            foreach (var id in new[] { acme, home, legacy })
            {
                expected.Add(new JsonObject
                {
                    ["id"] = id,
                    ["password"] = passwords[id],
                    ["messageCount"] = counts[id],
                    ["source"] = JsonNode.Parse(await client.GetStringAsync(new Uri($"/api/sources/{id}", UriKind.Relative), Ct)),
                    ["events"] = JsonNode.Parse(await client.GetStringAsync(new Uri($"/api/sources/{id}/events", UriKind.Relative), Ct)),
                    ["folderStates"] = JsonSerializer.SerializeToNode(await store.ListFolderStatesAsync(id, Ct), Json),
                    ["messages"] = JsonSerializer.SerializeToNode(await MessagesAsync(store, id), Json),
                });
            }
        }

        // The factory returns from DisposeAsync while Program's own RunAsync is still disposing the host's services: wait
        // until the store's last connection has checkpointed the write-ahead log into archive.db and removed it, and the
        // index writer has released its lock, before anything is read or copied.
        string[] leftovers = ["archive.db-wal", "archive.db-shm", Path.Combine("index", "write.lock")];
        await Deadline.UntilAsync(
            () => Task.FromResult(!leftovers.Any(f => File.Exists(Path.Combine(dataDirectory, f)))),
            TimeSpan.FromSeconds(30),
            () => $"left behind: {string.Join(", ", leftovers.Where(f => File.Exists(Path.Combine(dataDirectory, f))))}",
            Ct);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(dataDirectory, "keys"), "key-*.xml"));

        var manifest = new JsonObject { ["writtenBy"] = await CommitAsync(), ["apiKey"] = ApiKey, ["sources"] = expected };
        await File.WriteAllTextAsync(Path.Combine(output, "expected.json"), manifest.ToJsonString(Json) + "\n", Ct);
        await File.WriteAllTextAsync(Path.Combine(output, "README.md"), Readme(manifest, dataDirectory), Ct);
    }

    private static readonly (string Body, string Password) ActiveSource = (
        """{"name":"Acme support","protocol":"imap","host":"imap.acme.test","port":993,"tls":true,"username":"support@acme.test","password":"Tr0ub4dor&3-acme","syncMode":"idle"}""",
        "Tr0ub4dor&3-acme");

    private static readonly (string Body, string Password) PausedSource = (
        """
        {"name":"Jürgen's mailbox","protocol":"imap","host":"mail.beispiel.test","port":143,"tls":true,"tlsMode":"starttls","allowInsecureCertificate":true,
         "username":"jürgen","password":"pässwört mit Leerzeichen ✓","timeout":"00:01:00","provider":"imap",
         "includeFolders":["INBOX","Archive/*"],"excludeFolders":["Archive/2021"],"syncMode":"poll","pollInterval":"00:05:00"}
        """,
        "pässwört mit Leerzeichen ✓");

    private static readonly (string Body, string Password) ErrorSource = (
        """{"name":"Legacy server","protocol":"imap","host":"10.0.0.25","port":143,"tls":false,"username":"legacy","password":"correct horse battery staple","syncMode":"poll"}""",
        "correct horse battery staple");

    private static byte[] Bytes(string tag, int n) => FixtureMessages.Create(tag, n);

    private static async Task<string> CreateSourceAsync(HttpClient client, (string Body, string Password) source)
    {
        var response = await client.PostAsync(new Uri("/api/sources", UriKind.Relative), new StringContent(source.Body, Encoding.UTF8, "application/json"), Ct);
        response.EnsureSuccessStatusCode();
        return (await ReadAsync(response))["id"]!.GetValue<string>();
    }

    private static async Task<List<object>> MessagesAsync(IArchiveStore store, string sourceId)
    {
        var messages = new List<ArchivedMessage>();
        for (var page = 1; ; page++)
        {
            var items = (await store.ListMessagesAsync(sourceId, page, 100, Ct)).Items;
            if (items.Count == 0)
            {
                break;
            }

            messages.AddRange(items);
        }

        return messages
            .OrderBy(m => m.Id, StringComparer.Ordinal)
            .Select(m => (object)new { m.Id, m.Sha256, m.Size, m.InternalDate, m.Flags, m.Headers, m.Locations, m.FirstSeen, m.DeletedOnServerAt })
            .ToList();
    }

    /// <summary>The commit the writer ran at, and whether the working tree differed from it (then the README says so).</summary>
    private static async Task<string> CommitAsync()
    {
        var commit = await GitAsync("rev-parse", "HEAD");
        var changes = await GitAsync("status", "--porcelain", "--untracked-files=no");
        return changes.Length == 0 ? commit : $"{commit} with uncommitted changes ({changes.ReplaceLineEndings(" ")})";
    }

    private static async Task<string> GitAsync(params string[] arguments)
    {
        using var git = Process.Start(new ProcessStartInfo("git", ["-C", RepositoryRoot.Path, .. arguments]) { RedirectStandardOutput = true })!;
        var output = (await git.StandardOutput.ReadToEndAsync(Ct)).Trim();
        await git.WaitForExitAsync(Ct);
        return output;
    }

    private static string Readme(JsonObject manifest, string dataDirectory)
    {
        var text = new StringBuilder();
        var sources = manifest["sources"]!.AsArray();
        var version = UserVersion(Path.Combine(dataDirectory, "archive.db"));
        text.Append(CultureInfo.InvariantCulture, $"""
            # {Path.GetFileName(Path.GetDirectoryName(dataDirectory))}: a data directory written by an earlier Vault

            `data/` is a Vault data directory exactly as Vault wrote it at commit `{manifest["writtenBy"]}` (SQLite
            `PRAGMA user_version` {version}{(version == 0 ? ": written before schema versions; later versions call that schema version 1" : "")}).
            Every later Vault must open a copy of it, keep every message and credential, and keep or rebuild the search
            index; `tests/Vault.Api.Tests/Upgrades/UpgradeFixtureTests.cs` and `tests/Vault.Archive.Tests/EmbeddedSchemaVersionTests.cs`
            check that. Tests copy it to a temp folder first: never open the committed files in place, and never regenerate
            them (a later schema gets a fixture of its own beside this one).

            ## How it was produced

            `tests/Vault.Api.Tests/Upgrades/DataDirectoryFixtureWriterTests.cs` (an explicit test: it runs only when asked) started
            the real host (`WebApplicationFactory<Program>`, `Vault:DataDirectory` = `data/`) with a stand-in source runner that
            connects nowhere, created the three sources with `POST /api/sources` (passwords encrypted by the host's Data
            Protection key ring, `data/keys/`), committed the messages with `IArchiveStore.CommitBatchAsync` in batches with
            their folder checkpoints, set flags, expunges, status, errors and progress through the store as the sync engine
            does, paused one source with `POST /api/sources/{"{id}"}/pause`, waited until the host's indexer had every message
            searchable (`data/index/`), and stopped the host, which checkpoints the write-ahead log (no `-wal` file is left).
            The messages come from `FixtureMessages.cs` (deterministic, small). `expected.json` (compact JSON) is what the tests
            check: the API's view of each source and its events, the stored folder states and every message's metadata,
            recorded at the same run. This README is generated from it.

                cd tests/Vault.Api.Tests && dotnet build -c Release
                VAULT_FIXTURE_OUT=/tmp/datadir-vN dotnet bin/Release/net10.0/Vault.Api.Tests.dll \
                    -class Vault.Api.Tests.Upgrades.DataDirectoryFixtureWriterTests -explicit only

            API key used while writing (not stored in the data directory): `{manifest["apiKey"]}`.

            ## Sources and their plain passwords

            | id | name | status | messages | password |
            |---|---|---|---|---|

            """);
        foreach (var source in sources)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| `{source!["id"]}` | {source["source"]!["name"]} | {source["source"]!["status"]} | {source["messageCount"]} | `{source["password"]}` |\n");
        }

        text.Append("\n## Files\n\n```text\n");
        foreach (var file in Directory.EnumerateFiles(dataDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"{new FileInfo(file).Length,9}  data/{Path.GetRelativePath(dataDirectory, file).Replace('\\', '/')}\n");
        }

        text.Append("```\n\n## SHA-256 of every message\n\nPer source, sorted by message id: SHA-256 of the raw bytes, size in bytes, folders.\n");
        foreach (var source in sources)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n### {source!["source"]!["name"]} (`{source["id"]}`)\n\n```text\n");
            foreach (var message in source["messages"]!.AsArray())
            {
                var folders = string.Join(", ", message!["locations"]!.AsArray().Select(l => l!["folder"]!.GetValue<string>()).Distinct());
                text.Append(CultureInfo.InvariantCulture, $"{message["sha256"]}  {message["size"],5}  {folders}\n");
            }

            text.Append("```\n");
        }

        return text.ToString();
    }

    /// <summary>Read from the file header (offset 60, big-endian; sqlite.org/fileformat.html) so no connection can leave a -wal or -shm behind.</summary>
    private static int UserVersion(string databasePath)
    {
        var header = new byte[64];
        using (var file = File.OpenRead(databasePath))
        {
            file.ReadExactly(header);
        }

        return System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(60));
    }

    /// <summary>Commits a folder's messages in batches with the checkpoint covering each, and hands every batch to the indexer.</summary>
    private sealed class Writer(IArchiveStore store, IIndexHandOver indexer)
    {
        public async Task FolderAsync(
            string sourceId, string folder, long uidValidity, IEnumerable<(int Uid, byte[] Bytes)> messages, bool done, long onServer, ulong modSeq, IReadOnlyList<RetryEntry>? retry = null)
        {
            var all = messages.ToList();
            var chunks = all.Chunk(16).ToList();
            for (var i = 0; i < chunks.Count; i++)
            {
                var last = i == chunks.Count - 1;
                var incoming = chunks[i].Select(m => new IncomingMessage(
                    new MessageLocation(folder, uidValidity, m.Uid),
                    MessageContent.FromBytes(m.Bytes),
                    new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(m.Uid),
                    m.Uid % 2 == 0 ? ["\\Seen"] : m.Uid % 7 == 0 ? ["\\Flagged"] : [],
                    MessageHeaderSummary.Read(new MemoryStream(m.Bytes)))).ToList();
                var watermark = last && retry is { Count: > 0 } ? Math.Max(chunks[i].Max(m => m.Uid), retry.Max(r => r.Uid)) : chunks[i].Max(m => m.Uid);
                var checkpoint = new FolderSyncState
                {
                    SourceId = sourceId,
                    Folder = folder,
                    UidValidity = uidValidity,
                    Watermark = watermark,
                    HighestModSeq = modSeq,
                    UidNext = onServer + 1,
                    MessagesOnServer = onServer,
                    RetryList = last ? retry ?? [] : [],
                    ImportDone = last && done,
                };
                var result = await store.CommitBatchAsync(new MessageBatch(sourceId, incoming, checkpoint), Ct);
                await indexer.EnqueueAsync(result.ChangedIds.ToList(), Ct);
            }
        }

        public async Task ReindexAsync(string sourceId, string folder)
        {
            var ids = new List<string>();
            await foreach (var message in store.ListMessagesInFolderAsync(sourceId, folder, Ct))
            {
                ids.Add(message.Id);
            }

            // Expunges and flag changes clear the indexed mark of what they touch; the engine hands them over again.
            await indexer.EnqueueAsync(ids, Ct);
        }

        public async Task<SyncProgress> ProgressAsync(string sourceId, int foldersDone, int foldersTotal)
        {
            long bytes = 0;
            var count = await store.CountMessagesAsync(sourceId, Ct);
            for (var page = 1; ; page++)
            {
                var items = (await store.ListMessagesAsync(sourceId, page, 100, Ct)).Items;
                if (items.Count == 0)
                {
                    break;
                }

                bytes += items.Sum(m => m.Size);
            }

            var onServer = (await store.ListFolderStatesAsync(sourceId, Ct)).Where(f => f.GoneAt is null).Sum(f => f.MessagesOnServer);
            return new SyncProgress(count, onServer, bytes, foldersDone, foldersTotal);
        }
    }
}
