using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Vault.Archive.Embedded;
using Vault.Archive.Schema;
using Vault.TestSupport;

namespace Vault.Archive.Tests;

/// <summary>
/// The SQLite store's schema versions (<c>PRAGMA user_version</c>): the committed data directory written before versions
/// existed, steps added after the latest version (injected here, as the next release would add them), and their failures.
/// </summary>
public sealed class EmbeddedSchemaVersionTests : IDisposable
{
    private readonly TempDirectory _temp = new("vault-schema");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));

    private static int Latest => EmbeddedArchiveStore.SchemaVersion;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task The_data_directory_written_before_schema_versions_is_upgraded_to_the_latest_version_with_every_message_byte_exact()
    {
        var fixture = DataDirectoryFixture.Open("datadir-v1");
        var data = fixture.CopyDataTo(Path.Combine(_temp.Path, "data"));
        var database = Path.Combine(data, "archive.db");
        Assert.Equal(0, await EmbeddedDatabase.UserVersionAsync(database, Ct));
        Assert.Equal(4096L, await EmbeddedDatabase.ScalarAsync(database, "PRAGMA page_size", Ct));

        await using (var store = new EmbeddedArchiveStore(data, _time))
        {
            await store.InitializeAsync(Ct);
            Assert.Equal(Latest, await EmbeddedDatabase.UserVersionAsync(database, Ct));

            foreach (var source in fixture.Sources)
            {
                var id = source.GetProperty("id").GetString()!;
                var expected = source.GetProperty("messages").EnumerateArray().ToDictionary(m => m.GetProperty("id").GetString()!, m => m.GetProperty("sha256").GetString()!);
                Assert.Equal(expected.Count, source.GetProperty("messageCount").GetInt32());
                Assert.Equal(expected.Count, await store.CountMessagesAsync(id, Ct));
                foreach (var (messageId, sha256) in expected)
                {
                    var bytes = await StoredBytes.ReadAllAsync(store, messageId, Ct);
                    Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
                    Assert.Equal(sha256, (await store.GetMessageAsync(messageId, Ct))!.Sha256);
                }

                Assert.Equal(source.GetProperty("source").GetProperty("status").GetString(), (await store.GetSourceAsync(id, Ct))!.Status.ToString());
                Assert.Equal(source.GetProperty("folderStates").GetArrayLength(), (await store.ListFolderStatesAsync(id, Ct)).Count);
            }
        }

        // Closed again: the stamp is durable and the write-ahead log is gone. The pages keep their size (a new archive's are 8 KB).
        Assert.Equal(Latest, await EmbeddedDatabase.UserVersionAsync(database, Ct));
        Assert.Equal(4096L, await EmbeddedDatabase.ScalarAsync(database, "PRAGMA page_size", Ct));
        Assert.False(File.Exists(database + "-wal"));
    }

    [Fact]
    public async Task An_archive_at_version_4_opens_at_the_latest_version_with_the_oauth_tables()
    {
        var data = Path.Combine(_temp.Path, "data");
        await using (var v4 = new EmbeddedArchiveStore(data, _time, EmbeddedMigrations.All.Take(4).ToList(), null))
        {
            await v4.InitializeAsync(Ct);
        }

        // Two messages as version 4 wrote them (today's code writes columns version 4 did not have).
        var database = Path.Combine(data, "archive.db");
        await using (var connection = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO messages (id, source_id, sha256, size, first_seen, indexed) VALUES ('s:a', 's', 'a', 10, 1, 1), ('s:b', 's', 'b', 20, 2, 0);
                """;
            await insert.ExecuteNonQueryAsync(Ct);
        }

        Assert.Equal(4, await EmbeddedDatabase.UserVersionAsync(database, Ct));
        await using var latest = new EmbeddedArchiveStore(data, _time);
        await latest.InitializeAsync(Ct);

        Assert.Equal(Latest, await EmbeddedDatabase.UserVersionAsync(database, Ct));
        Assert.True(Latest >= 7);
        await latest.SaveOAuthGrantAsync(new OAuth.OAuthGrant { SourceId = "s", Provider = OAuth.OAuthProvider.Google, EncryptedRefreshToken = [1], GrantedAt = _time.GetUtcNow() }, Ct);
        Assert.NotNull(await latest.GetOAuthGrantAsync("s", Ct));
        Assert.Equal(2, await latest.CountMessagesAsync("s", Ct));

        // Version 8 numbered them in archive order; what is archived next comes after them.
        Assert.Equal(["s:a", "s:b"], (await latest.ListChangesAsync(0, 10, Ct)).Select(m => m.Id));
        var added = await latest.CommitBatchAsync(TestMessages.Batch("s", 1, 1), Ct);
        var changes = await latest.ListChangesAsync(0, 10, Ct);
        Assert.Equal(["s:a", "s:b", added.Added[0]], changes.Select(m => m.Id));
        Assert.True(changes[2].ChangeSequence > changes[1].ChangeSequence);
    }

    [Fact]
    public async Task Steps_after_the_latest_version_run_once_in_order_and_the_data_stays()
    {
        var data = Path.Combine(_temp.Path, "data");
        await using (var v1 = new EmbeddedArchiveStore(data, _time))
        {
            await v1.InitializeAsync(Ct);
            await v1.CommitBatchAsync(TestMessages.Batch("s", 1, 4), Ct);
        }

        var runs = new List<int>();
        var steps = EmbeddedMigrations.All.Concat(
        [
            EmbeddedMigrations.Sql(Latest + 1, "labels table", "CREATE TABLE labels (message_rowid INTEGER NOT NULL, label TEXT NOT NULL)"),
            new SchemaMigration<SqliteTransaction>(Latest + 2, "label every message 'archived'", async (transaction, cancellationToken) =>
            {
                // Runs after the step before in its own transaction: the table it fills must exist by now.
                runs.Add(Latest + 2);
                await using var command = transaction.Connection!.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "INSERT INTO labels SELECT rowid, 'archived' FROM messages";
                await command.ExecuteNonQueryAsync(cancellationToken);
            }),
        ]).ToList();

        await using (var v3 = new EmbeddedArchiveStore(data, _time, steps, null))
        {
            await v3.InitializeAsync(Ct);
            Assert.Equal(4, await v3.CountMessagesAsync("s", Ct));
            Assert.Equal(TestMessages.Mail(2), await StoredBytes.ReadAllAsync(v3, Messages.MessageIds.For("s", Sha(TestMessages.Mail(2))), Ct));
        }

        var database = Path.Combine(data, "archive.db");
        Assert.Equal(Latest + 2, await EmbeddedDatabase.UserVersionAsync(database, Ct));
        Assert.Equal(4L, await EmbeddedDatabase.ScalarAsync(database, "SELECT count(*) FROM labels WHERE label = 'archived'", Ct));

        await using (var again = new EmbeddedArchiveStore(data, _time, steps, null))
        {
            await again.InitializeAsync(Ct);
        }

        Assert.Equal([Latest + 2], runs);
        Assert.Equal(4L, await EmbeddedDatabase.ScalarAsync(database, "SELECT count(*) FROM labels", Ct));

        // The Vault that knows only the versions before now refuses this archive instead of running on a schema it does not know.
        await using var older = new EmbeddedArchiveStore(data, _time);
        var refused = await Assert.ThrowsAsync<ArchiveSchemaTooNewException>(() => older.InitializeAsync(Ct));
        Assert.Equal((Latest + 2, Latest), (refused.SchemaVersion, refused.KnownVersion));
    }

    [Fact]
    public async Task A_failing_step_leaves_the_archive_at_the_previous_version_and_runs_again_at_the_next_start()
    {
        var data = Path.Combine(_temp.Path, "data");
        var database = Path.Combine(data, "archive.db");
        await using (var v1 = new EmbeddedArchiveStore(data, _time))
        {
            await v1.InitializeAsync(Ct);
            await v1.CommitBatchAsync(TestMessages.Batch("s", 1, 2), Ct);
        }

        var failing = EmbeddedMigrations.All.Append(new SchemaMigration<SqliteTransaction>(Latest + 1, "half a step", async (transaction, cancellationToken) =>
        {
            await using var command = transaction.Connection!.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "CREATE TABLE labels (label TEXT); INSERT INTO labels VALUES ('written before the failure');";
            await command.ExecuteNonQueryAsync(cancellationToken);
            throw new InvalidOperationException("disk full, say");
        })).ToList();
        await using (var broken = new EmbeddedArchiveStore(data, _time, failing, null))
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => broken.InitializeAsync(Ct));
            // Not opened: it refuses writes instead of writing to a half-upgraded archive.
            await Assert.ThrowsAsync<InvalidOperationException>(() => broken.CommitBatchAsync(TestMessages.Batch("s", 3, 1), Ct));
        }

        Assert.Equal(Latest, await EmbeddedDatabase.UserVersionAsync(database, Ct));
        Assert.Equal(0L, await EmbeddedDatabase.ScalarAsync(database, "SELECT count(*) FROM sqlite_schema WHERE name = 'labels'", Ct));

        var fixedSteps = EmbeddedMigrations.All.Append(EmbeddedMigrations.Sql(Latest + 1, "labels table", "CREATE TABLE labels (label TEXT)")).ToList();
        await using (var repaired = new EmbeddedArchiveStore(data, _time, fixedSteps, null))
        {
            await repaired.InitializeAsync(Ct);
            Assert.Equal(2, await repaired.CountMessagesAsync("s", Ct));
        }

        Assert.Equal(Latest + 1, await EmbeddedDatabase.UserVersionAsync(database, Ct));
    }

    [Fact]
    public async Task A_refused_archive_keeps_its_exact_bytes_and_no_journal_files()
    {
        var data = Path.Combine(_temp.Path, "data");
        var database = Path.Combine(data, "archive.db");
        await using (var store = new EmbeddedArchiveStore(data, _time))
        {
            await store.InitializeAsync(Ct);
            await store.CommitBatchAsync(TestMessages.Batch("s", 1, 3), Ct);
        }

        // A newer Vault's archive, as it would leave it: a higher version, and in rollback-journal mode, so that even
        // the journal_mode the store sets on open would show as a change of the file.
        await EmbeddedDatabase.SetUserVersionAsync(database, 9, Ct);
        await EmbeddedDatabase.ScalarAsync(database, "PRAGMA journal_mode = DELETE", Ct);
        var before = await File.ReadAllBytesAsync(database, Ct);

        await using (var store = new EmbeddedArchiveStore(data, _time))
        {
            var refused = await Assert.ThrowsAsync<ArchiveSchemaTooNewException>(() => store.InitializeAsync(Ct));
            Assert.Equal(database, refused.Archive);
            Assert.Equal($"The archive at {database} was written by a newer Vault (schema 9); this Vault knows schema {Latest}. Upgrade Vault or restore a backup. Nothing was changed.", refused.Message);
        }

        Assert.Equal(before, await File.ReadAllBytesAsync(database, Ct));
        Assert.Equal(["archive.db"], Directory.GetFiles(data).Select(Path.GetFileName));
    }

    [Fact]
    public void Migration_versions_must_run_1_2_3_without_gaps()
    {
        var gap = EmbeddedMigrations.All.Append(EmbeddedMigrations.Sql(Latest + 2, "skips one", "SELECT 1")).ToList();

        var error = Assert.Throws<ArgumentException>(() => new EmbeddedArchiveStore(Path.Combine(_temp.Path, "data"), _time, gap, null));
        Assert.Contains($"Migration {Latest + 1} is numbered {Latest + 2}", error.Message, StringComparison.Ordinal);
        Assert.Equal(EmbeddedMigrations.All.Count, Latest);
    }

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
