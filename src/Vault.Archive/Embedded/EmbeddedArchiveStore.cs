using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vault.Archive.Connectors;
using Vault.Archive.Folders;
using Vault.Archive.Invitations;
using Vault.Archive.Jobs;
using Vault.Archive.Messages;
using Vault.Archive.OAuth;
using Vault.Archive.Pop3;
using Vault.Archive.Schema;
using Vault.Archive.Sources;

namespace Vault.Archive.Embedded;

/// <summary>
/// The default store: one SQLite file, <c>{DataDirectory}/archive.db</c>, in WAL mode with <c>synchronous=FULL</c>,
/// so a commit is durable when it returns (one fsync of the WAL per transaction). Every batch is one transaction
/// (group commit: one fsync per batch, never per message). One writer connection, serialized by a semaphore;
/// every read opens its own pooled connection, so reads run while a batch is being written and never see half of it.
/// Updates to a source that no longer exists change nothing (a job may still report after a delete).
/// </summary>
public sealed partial class EmbeddedArchiveStore : IArchiveStore, IConnectorStore, IPop3StateStore, IJobReportStore, IMessageCatalog, IInvitationStore, IOAuthStore, IAsyncDisposable, IDisposable
{
    /// <summary>Compressed bytes per <c>blob_chunks</c> row.</summary>
    internal const int ChunkSize = 1024 * 1024;

    /// <summary>Raw messages up to this size are compressed and decompressed in one call, as a single chunk.</summary>
    internal const int SmallMessage = MessageContent.MemoryLimit;

    // Level 1, not 3: on the corpus it compresses 1.3-1.9x faster for 40.0% instead of 39.2% of the raw size,
    // and compression is the largest CPU cost of archiving on a 2-core machine shared with the indexer.
    private const int CompressionLevel = 1;

    private readonly string _connectionString;
    private readonly TimeProvider _timeProvider;
    private readonly EmbeddedSchemaMigrator _migrator;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly EmbeddedChangeSequence _changes = new();
    private readonly EmbeddedBatchWriter _batchWriter;
    private readonly EmbeddedRawReader _rawReader = new();
    private SqliteConnection? _writer;
    private int _disposed;

    public EmbeddedArchiveStore(string dataDirectory, TimeProvider timeProvider, ILogger<EmbeddedArchiveStore>? logger = null)
        : this(dataDirectory, timeProvider, EmbeddedMigrations.All, logger)
    {
    }

    /// <summary>With a different migration history: the tests add steps to see the mechanism run.</summary>
    internal EmbeddedArchiveStore(string dataDirectory, TimeProvider timeProvider, IReadOnlyList<SchemaMigration<SqliteTransaction>> migrations, ILogger? logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        Directory.CreateDirectory(dataDirectory);
        DatabasePath = Path.Combine(dataDirectory, "archive.db");
        _batchWriter = new EmbeddedBatchWriter(CompressionLevel, _changes);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Pooling = true,
            Mode = SqliteOpenMode.ReadWriteCreate,
        }.ToString();
        _timeProvider = timeProvider;
        _migrator = new EmbeddedSchemaMigrator(migrations);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The schema version (<c>PRAGMA user_version</c>) this Vault writes; an archive above it is refused.</summary>
    public static int SchemaVersion { get; } = SchemaMigrations.Latest(EmbeddedMigrations.All);

    public string DatabasePath { get; }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            if (_writer is not null)
            {
                return;
            }

            var writer = new SqliteConnection(_connectionString);
            try
            {
                await writer.OpenAsync(cancellationToken);
                // Before anything can write (even the journal mode): an archive from a newer Vault is left exactly as it is.
                await _migrator.ThrowIfTooNewAsync(writer, DatabasePath, cancellationToken);

                // synchronous=FULL: in WAL mode NORMAL may lose the last commits on power loss, and a returned batch
                // has been acknowledged to the sync engine, which then moves its watermark past it.
                // cache_size 4 MB: the writer's cache fills with the pages of the message bodies it writes, which are never
                // read through it again; 16 MB cost about 15 MiB of peak RSS on the 10,000-message benchmark and no CPU
                // (3 alternating pairs, README, Benchmark).
                // page_size 8 KB, for a new archive only (before its first table; an existing one keeps its size): SQLite
                // reads and writes one page per system call, in the WAL, in its checkpoints and in the indexer's read-back,
                // and the stage benchmark's store commit took 2.21-2.22 s per 10,000 messages against 2.50-2.57 s with 4 KB
                // (16 KB: 2.13-2.23 s, 64 KB: 2.46-2.53 s). The last page of each message's chunk is partly empty: the same
                // rows took 2.6% more space than with 4 KB pages (16 KB: 4%).
                // temp_store MEMORY: the statement journal SQLite keeps for each statement inside a batch's transaction (to undo
                // that statement alone) spilled past 64 KiB into a temporary file: on the 10,000-message benchmark 40,000
                // writes of 62 MB to /var/tmp, now none (strace). It lives only as long as its statement. Readers keep the
                // default: a large sort there may still spill to a file.
                await ExecuteAsync(writer, """
                    PRAGMA page_size = 8192;
                    PRAGMA journal_mode = WAL;
                    PRAGMA synchronous = FULL;
                    PRAGMA journal_size_limit = 16777216;
                    PRAGMA cache_size = -4096;
                    PRAGMA temp_store = MEMORY;
                    """, cancellationToken);
                await _migrator.UpgradeAsync(writer, DatabasePath, _logger, cancellationToken);
                await _changes.LoadAsync(writer, cancellationToken);
            }
            catch
            {
                // Close the file for real (not back to the pool): a refused archive is not held open, nor its -wal/-shm kept.
                await writer.DisposeAsync();
                SqliteConnection.ClearPool(writer);
                throw;
            }

            _writer = writer;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public Task CreateSourceAsync(Source source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        return WriteAsync(async (connection, transaction) =>
        {
            await EmbeddedRows.InsertSourceAsync(connection, transaction, source, cancellationToken);
            return 0;
        }, cancellationToken);
    }

    public async Task<Source?> GetSourceAsync(string sourceId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {EmbeddedRows.SourceColumns} FROM sources WHERE id = $id";
        command.Parameters.AddWithValue("$id", sourceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? EmbeddedRows.Source(reader) : null;
    }

    public async Task<IReadOnlyList<Source>> ListSourcesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {EmbeddedRows.SourceColumns} FROM sources ORDER BY created_at, id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var sources = new List<Source>();
        while (await reader.ReadAsync(cancellationToken))
        {
            sources.Add(EmbeddedRows.Source(reader));
        }

        return sources;
    }

    public Task UpdateSourceSettingsAsync(string sourceId, SourceSettings settings, byte[] encryptedPassword, CancellationToken cancellationToken) =>
        ExecuteWriteAsync(
            "UPDATE sources SET settings = $settings, password = $password WHERE id = $id",
            cancellationToken,
            ("$id", sourceId),
            ("$settings", ArchiveJson.Serialize(settings)),
            ("$password", encryptedPassword));

    public Task UpdateSourceStatusAsync(string sourceId, SourceStatus status, SourceError? error, bool? importCompleted, CancellationToken cancellationToken) =>
        ExecuteWriteAsync(
            "UPDATE sources SET status = $status, error = $error, import_completed = coalesce($import, import_completed) WHERE id = $id",
            cancellationToken,
            ("$id", sourceId),
            ("$status", status.ToString()),
            ("$error", error is null ? DBNull.Value : ArchiveJson.Serialize(error)),
            ("$import", importCompleted is { } done ? (done ? 1 : 0) : DBNull.Value));

    /// <summary>
    /// Counters and the last sync time, for people watching: committed without waiting for the disk (<see cref="WriteAsync{T}"/>'s
    /// <c>durable: false</c>). Every poll pass writes them, and a pass that waited for an fsync behind the disk's other
    /// writes took up to 200 ms where the rest of it took 5. The next durable commit syncs them too; a power loss before
    /// then loses only them, and an import recounts from the store.
    /// </summary>
    public Task UpdateSourceProgressAsync(string sourceId, SyncProgress progress, DateTimeOffset? lastSyncAt, CancellationToken cancellationToken) =>
        ExecuteWriteAsync(
            "UPDATE sources SET progress = $progress, last_sync_at = coalesce($lastSync, last_sync_at) WHERE id = $id",
            durable: false,
            cancellationToken,
            ("$id", sourceId),
            ("$progress", ArchiveJson.Serialize(progress)),
            ("$lastSync", EmbeddedRows.Ticks(lastSyncAt)));

    public Task DeleteSourceAsync(string sourceId, bool purgeMessages, CancellationToken cancellationToken)
    {
        var sql = """
            DELETE FROM sources WHERE id = $id;
            DELETE FROM folder_state WHERE source_id = $id;
            DELETE FROM pop3_uidls WHERE source_id = $id;
            DELETE FROM events WHERE source_id = $id;
            DELETE FROM job_reports WHERE source_id = $id AND kind = 'verify';
            DELETE FROM oauth_grants WHERE source_id = $id;
            DELETE FROM oauth_states WHERE source_id = $id;
            """;
        if (purgeMessages)
        {
            sql += """
                DELETE FROM blob_chunks WHERE message_rowid IN (SELECT rowid FROM messages WHERE source_id = $id);
                DELETE FROM locations WHERE source_id = $id;
                DELETE FROM messages WHERE source_id = $id;
                """;
        }

        return ExecuteWriteAsync(sql, cancellationToken, ("$id", sourceId));
    }

    public Task AppendEventAsync(SourceEvent sourceEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sourceEvent);
        return ExecuteWriteAsync(
            "INSERT INTO events (source_id, at, kind, message) VALUES ($source, $at, $kind, $message)",
            cancellationToken,
            ("$source", sourceEvent.SourceId),
            ("$at", sourceEvent.At.UtcTicks),
            ("$kind", sourceEvent.Kind),
            ("$message", sourceEvent.Message));
    }

    public async Task<IReadOnlyList<SourceEvent>> ListEventsAsync(string sourceId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT source_id, at, kind, message FROM events WHERE source_id = $source ORDER BY seq DESC LIMIT $limit";
        command.Parameters.AddWithValue("$source", sourceId);
        command.Parameters.AddWithValue("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<SourceEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new SourceEvent(reader.GetString(0), EmbeddedRows.Time(reader, 1)!.Value, reader.GetString(2), reader.GetString(3)));
        }

        return events;
    }

    public async Task<IReadOnlyList<FolderSyncState>> ListFolderStatesAsync(string sourceId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {EmbeddedRows.FolderStateColumns} FROM folder_state WHERE source_id = $source ORDER BY folder";
        command.Parameters.AddWithValue("$source", sourceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var states = new List<FolderSyncState>();
        while (await reader.ReadAsync(cancellationToken))
        {
            states.Add(EmbeddedRows.FolderState(reader));
        }

        return states;
    }

    public Task SaveFolderStateAsync(FolderSyncState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        return WriteAsync(async (connection, transaction) =>
        {
            await EmbeddedRows.SaveFolderStateAsync(connection, transaction, state, cancellationToken);
            return 0;
        }, cancellationToken);
    }

    public async Task<BatchResult> CommitBatchAsync(MessageBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var activity = VaultTelemetry.ActivitySource.StartActivity("archive.commit_batch");
        activity?.SetTag("vault.source_id", batch.SourceId);
        activity?.SetTag("vault.batch.messages", batch.Messages.Count);
        var now = _timeProvider.GetUtcNow();
        var result = await WriteAsync(
            (connection, transaction) => _batchWriter.WriteAsync(connection, transaction, batch, now, cancellationToken),
            cancellationToken);
        activity?.SetTag("vault.batch.added", result.Added.Count);
        return result;
    }

    public async Task<ArchivedMessage?> GetMessageAsync(string messageId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {EmbeddedSchema.MessageColumns} FROM messages WHERE id = $id";
        command.Parameters.AddWithValue("$id", messageId);
        var messages = await ReadMessagesAsync(connection, command, cancellationToken);
        return messages.Count == 0 ? null : messages[0];
    }

    public Task<ArchivedMessage?> FindBySha256Async(string sourceId, string sha256, CancellationToken cancellationToken) =>
        GetMessageAsync(MessageIds.For(sourceId, sha256), cancellationToken);

    public async Task<Stream?> OpenRawAsync(string messageId, CancellationToken cancellationToken) =>
        await _rawReader.OpenAsync(await OpenReaderAsync(cancellationToken), messageId, cancellationToken);

    public async Task<Page<ArchivedMessage>> ListMessagesAsync(string sourceId, int page, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM messages WHERE source_id = $source";
        count.Parameters.AddWithValue("$source", sourceId);
        var total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;

        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {EmbeddedSchema.MessageColumns} FROM messages WHERE source_id = $source
            ORDER BY sort_date DESC, first_seen DESC, rowid DESC LIMIT $limit OFFSET $offset
            """;
        command.Parameters.AddWithValue("$source", sourceId);
        command.Parameters.AddWithValue("$limit", pageSize);
        command.Parameters.AddWithValue("$offset", (long)(page - 1) * pageSize);
        var items = await ReadMessagesAsync(connection, command, cancellationToken);
        return new Page<ArchivedMessage>(total, page, pageSize, items);
    }

    public async IAsyncEnumerable<ArchivedMessage> ListMessagesInFolderAsync(string sourceId, string folder, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {EmbeddedSchema.MessageColumns} FROM messages
            WHERE rowid IN (SELECT message_rowid FROM locations WHERE source_id = $source AND folder = $folder)
            ORDER BY rowid
            """;
        command.Parameters.AddWithValue("$source", sourceId);
        command.Parameters.AddWithValue("$folder", folder);
        using var locations = LocationsCommand(connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return EmbeddedRows.Message(reader, await ReadLocationsAsync(locations, reader.GetInt64(0), cancellationToken));
        }
    }

    public Task RemapLocationsAsync(string sourceId, string folder, IReadOnlyList<(string Sha256, MessageLocation NewLocation)> matches, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) => EmbeddedLocationWrites.RemapAsync(connection, transaction, sourceId, folder, matches, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<string>> MarkDeletedOnServerAsync(string sourceId, string folder, long uidValidity, IReadOnlyList<long> uids, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) => EmbeddedLocationWrites.MarkDeletedAsync(connection, transaction, _changes, sourceId, folder, uidValidity, uids, at, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<string>> UpdateFlagsAsync(string sourceId, string folder, long uidValidity, IReadOnlyList<(long Uid, IReadOnlyList<string> Flags)> changes, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) => EmbeddedLocationWrites.UpdateFlagsAsync(connection, transaction, _changes, sourceId, folder, uidValidity, changes, cancellationToken), cancellationToken);

    public async Task<IReadOnlyList<ArchivedMessage>> ListChangesAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {EmbeddedSchema.MessageColumns} FROM messages WHERE change_seq > $after ORDER BY change_seq LIMIT $limit";
        command.Parameters.AddWithValue("$after", afterSequence);
        command.Parameters.AddWithValue("$limit", limit);
        return await ReadMessagesAsync(connection, command, cancellationToken);
    }

    public Task MarkChangedAsync(IReadOnlyList<string> messageIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        return WriteAsync(async (connection, transaction) =>
        {
            using var update = connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = "UPDATE messages SET change_seq = $seq WHERE id = $id";
            var seq = update.Parameters.Add("$seq", SqliteType.Integer);
            var id = update.Parameters.Add("$id", SqliteType.Text);
            foreach (var messageId in messageIds.Distinct(StringComparer.Ordinal))
            {
                seq.Value = _changes.Next();
                id.Value = messageId;
                await update.ExecuteNonQueryAsync(cancellationToken);
            }

            return 0;
        }, cancellationToken);
    }

    public async Task<long> CountMessagesAsync(string? sourceId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = sourceId is null
            ? "SELECT count(*) FROM messages"
            : "SELECT count(*) FROM messages WHERE source_id = $source";
        command.Parameters.AddWithValue("$source", EmbeddedRows.Text(sourceId));
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<SourceTotals> GetSourceTotalsAsync(string sourceId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*), coalesce(sum(size), 0) FROM messages WHERE source_id = $source";
        command.Parameters.AddWithValue("$source", sourceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new SourceTotals(reader.GetInt64(0), reader.GetInt64(1));
    }

    public async Task<IReadOnlyDictionary<string, long>> CountChangesBySourceAsync(long afterSequence, CancellationToken cancellationToken)
    {
        // A range of the covering index messages_by_change: cheap while the index keeps up, which is nearly always.
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT source_id, count(*) FROM messages WHERE change_seq > $after GROUP BY source_id";
        command.Parameters.AddWithValue("$after", afterSequence);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    public async Task<IReadOnlyList<DailyCount>> CountArchivedPerDayAsync(DateTimeOffset from, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT first_seen / $day, count(*) FROM messages WHERE first_seen >= $from GROUP BY 1 ORDER BY 1";
        command.Parameters.AddWithValue("$day", TimeSpan.TicksPerDay);
        command.Parameters.AddWithValue("$from", from.UtcTicks);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var days = new List<DailyCount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            days.Add(new DailyCount(DateOnly.FromDayNumber((int)reader.GetInt64(0)), reader.GetInt64(1)));
        }

        return days;
    }

    public async Task CheckHealthAsync(CancellationToken cancellationToken)
    {
        if (_writer is null)
        {
            throw new ArchiveStorageException($"The archive at {DatabasePath} is not open.");
        }

        if (!File.Exists(DatabasePath))
        {
            // Open connections keep writing to the deleted file, and all of it is gone at the next start.
            throw new ArchiveStorageException($"The archive file {DatabasePath} has been deleted or moved while Vault runs; restart Vault after restoring it.");
        }

        try
        {
            await using var connection = await OpenReaderAsync(cancellationToken);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM sources";
            await command.ExecuteScalarAsync(cancellationToken);
        }
        catch (SqliteException e)
        {
            throw new ArchiveStorageException($"The archive at {DatabasePath} cannot be read: {e.Message}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // A write still running on another thread (a late progress or event write) finishes first: closing the connection
        // under its transaction would throw inside SQLite's rollback instead of cleanly ending the store.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _writeLock.WaitAsync();
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
            _writer = null;
        }

        DisposeShared();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _writeLock.Wait();
        _writer?.Dispose();
        _writer = null;
        DisposeShared();
    }

    private void DisposeShared()
    {
        // Closes the pooled reader connections too: the last close checkpoints the WAL into archive.db and removes it.
        using (var pooled = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(pooled);
        }

        _batchWriter.Dispose();
        _writeLock.Dispose();
        _rawReader.Dispose();
    }

    private static SqliteCommand LocationsCommand(SqliteConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = "SELECT folder, uid_validity, uid, gone_at FROM locations WHERE message_rowid = $m ORDER BY folder, uid_validity, uid";
        command.Parameters.Add("$m", SqliteType.Integer);
        return command;
    }

    /// <summary>The live locations; a message gone from every folder keeps showing where it was.</summary>
    private static async Task<IReadOnlyList<MessageLocation>> ReadLocationsAsync(SqliteCommand command, long rowId, CancellationToken cancellationToken)
    {
        command.Parameters[0].Value = rowId;
        var live = new List<MessageLocation>();
        var gone = new List<MessageLocation>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var location = new MessageLocation(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2));
            (reader.IsDBNull(3) ? live : gone).Add(location);
        }

        return live.Count > 0 ? live : gone;
    }

    private static async Task<List<ArchivedMessage>> ReadMessagesAsync(SqliteConnection connection, SqliteCommand command, CancellationToken cancellationToken)
    {
        using var locations = LocationsCommand(connection);
        var messages = new List<ArchivedMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(EmbeddedRows.Message(reader, await ReadLocationsAsync(locations, reader.GetInt64(0), cancellationToken)));
        }

        return messages;
    }

    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private Task<int> ExecuteWriteAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters) =>
        ExecuteWriteAsync(sql, durable: true, cancellationToken, parameters);

    /// <summary>One statement in a write transaction of its own; durable or not as <see cref="WriteAsync{T}"/> says.</summary>
    private Task<int> ExecuteWriteAsync(string sql, bool durable, CancellationToken cancellationToken, params (string Name, object Value)[] parameters) =>
        WriteAsync(async (connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken, durable);

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction on the single writer connection; a failure rolls all of it back.
    /// SQLite's and the file system's failures leave as <see cref="ArchiveStorageException"/>: the archive's fault, not
    /// the mail server's. A commit is durable (fsynced, <c>synchronous=FULL</c>) unless <paramref name="durable"/> is false:
    /// then it is in the write-ahead log without waiting for the disk (<c>synchronous=NORMAL</c> for this commit only), and
    /// the next durable commit's fsync covers it.
    /// </summary>
    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken, bool durable = true)
    {
        await _writeLock.WaitAsync(cancellationToken);
        SqliteConnection? relaxed = null;
        try
        {
            var connection = _writer ?? throw new InvalidOperationException("InitializeAsync has not run: the archive store is not open.");
            if (!durable)
            {
                relaxed = connection;
                await ExecuteAsync(connection, "PRAGMA synchronous = NORMAL", cancellationToken);
            }

            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            var result = await work(connection, transaction);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        catch (SqliteException e)
        {
            // SQLITE_FULL (13): the disk (or the file system's quota) is full; SQLITE_IOERR (10) and friends: it failed.
            throw new ArchiveStorageException($"Writing to the archive at {DatabasePath} failed: {e.Message}", e) { DiskFull = e.SqliteErrorCode == 13 };
        }
        catch (IOException e)
        {
            throw new ArchiveStorageException($"Writing to the archive at {DatabasePath} failed: {e.Message}", e) { DiskFull = StorageFailures.IsDiskFull(e) };
        }
        finally
        {
            try
            {
                if (relaxed is not null)
                {
                    // Back before the lock is released: every other write, a batch above all, is acknowledged only once durable.
                    await ExecuteAsync(relaxed, "PRAGMA synchronous = FULL", CancellationToken.None);
                }
            }
            finally
            {
                // Released even when the restore fails (its error goes to this caller), or every later write would wait forever.
                _writeLock.Release();
            }
        }
    }

    /// <summary>The writer connection's <c>PRAGMA synchronous</c> (2 is FULL), for tests that durability is kept.</summary>
    internal async Task<long> WriterSynchronousAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            using var command = _writer!.CreateCommand();
            command.CommandText = "PRAGMA synchronous";
            return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
